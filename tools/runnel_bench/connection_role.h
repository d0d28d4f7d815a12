// ConnectionRole: what one benchmark connection does — the requests it sends
// and what it makes of each reply. The ClientLoop owns the socket, the
// buffers, the pacing and the bookkeeping of requests in flight; a role only
// encodes and interprets. One role object per connection, used by one loop
// thread.
//
// Two kinds:
//   kScheduled  (producers, publishers, cache clients): the loop asks for one
//               request whenever the SendSchedule says one is due and the
//               pipeline has room;
//   kSelfDriven (consumers, subscribers): the role sends in Start() and from
//               OnReply() (XREADGROUP, then XACK and the next XREADGROUP).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tools/runnel_bench/reply_parser.h"
#include "tools/runnel_bench/run_stats.h"

namespace runnel::bench {

// A request waiting for its reply.
struct InFlight {
  int64_t intended_ns;  // when it was (meant to be) sent
  uint8_t tag;          // which of the role's commands it is (CommandName)
};

// What a role may do while it handles a reply or starts.
class RoleContext {
 public:
  RoleContext(std::string* out, ThreadStats* stats, const RunWindow* window, int64_t now_ns, bool stopping,
              size_t in_flight)
      : out_(out), stats_(stats), window_(window), now_ns_(now_ns), stopping_(stopping), in_flight_(in_flight) {}

  int64_t now_ns() const { return now_ns_; }
  // Whether something sent at `at_ns` counts (it is past the warm-up).
  bool Measured(int64_t at_ns) const { return at_ns >= window_->measure_start_ns; }
  // The run is winding down: send nothing new that would keep it going.
  bool stopping() const { return stopping_; }
  size_t in_flight() const { return in_flight_; }
  ThreadStats& stats() { return *stats_; }

  // Appends a request to the connection's output; the loop tracks it (when
  // `tracked`) so its reply is matched to it.
  std::string* out() { return out_; }
  void Track(uint8_t tag) { pending_tags_[pending_count_++] = tag; }

  // Records a reply's latency and counts it, if it was sent after warm-up.
  void RecordRequest(const InFlight& answered);
  // Records a delivery (an entry or message carrying its producer's intended
  // send time) and counts it.
  void RecordDelivery(int64_t produced_ns);
  // Counts `n` deliveries that carry no timestamp (pre-filled entries).
  void CountDeliveries(uint64_t n);

  // For the loop: the requests the role tracked during this call.
  size_t pending_count() const { return pending_count_; }
  uint8_t pending_tag(size_t i) const { return pending_tags_[i]; }

 private:
  std::string* out_;
  ThreadStats* stats_;
  const RunWindow* window_;
  int64_t now_ns_;
  bool stopping_;
  size_t in_flight_;
  uint8_t pending_tags_[4] = {};  // a role sends at most this many requests per reply
  size_t pending_count_ = 0;
};

class ConnectionRole {
 public:
  enum class Pacing : uint8_t { kScheduled, kSelfDriven };

  virtual ~ConnectionRole() = default;
  virtual Pacing pacing() const = 0;
  // kScheduled: appends one request (tag 0) meant to be sent at `intended_ns`.
  virtual void AppendRequest(std::string* out, int64_t intended_ns) {}
  // kSelfDriven: sends the first requests.
  virtual void Start(RoleContext& context) {}
  // True for replies that answer no request (pub/sub messages).
  virtual bool IsPush(const Reply& reply) const { return false; }
  // A reply; `answered` is the request it answers, nullptr for a push.
  // Error replies never get here: they end the run.
  virtual void OnReply(const Reply& reply, const InFlight* answered, RoleContext& context) = 0;
  // Whether the role ended by itself (a consumer found its stream drained);
  // the connection finishes once nothing is in flight.
  virtual bool Done() const { return false; }
  // Whether the connection is done; called once the run is stopping.
  virtual bool Finished(int64_t now_ns, size_t in_flight) const { return in_flight == 0; }
  // The name of the command a tag stands for, for error messages.
  virtual std::string_view CommandName(uint8_t tag) const = 0;
};

}  // namespace runnel::bench
