// SendSchedule: when a connection's requests are meant to be sent.
//
// Closed loop: a request goes out as soon as the connection has room in its
// pipeline; its latency is measured from the moment it is sent.
//
// Open loop (--rate): the k-th request of a connection is due at
// start + phase + k / rate, whatever happened to the earlier ones, and its
// latency is measured from that intended time. A server stall therefore
// shows in the latency of every request that should have been sent during it
// (no coordinated omission), even when the connection could not send them
// because its pipeline was full. Phases spread the connections evenly over
// one interval so their sends do not come in bursts.
//
// Times are nanoseconds on the steady clock. Not thread-safe.
#pragma once

#include <cmath>
#include <cstdint>

namespace runnel::bench {

class SendSchedule {
 public:
  static SendSchedule ClosedLoop() { return SendSchedule(); }
  // `rate` requests per second for this connection (> 0); the connection's
  // phase is `index` / `of` of one interval.
  static SendSchedule OpenLoop(double rate, int64_t start_ns, uint32_t index, uint32_t of);

  bool open_loop() const { return interval_ns_ > 0; }
  // The intended send time of the next request (open loop only).
  // (Rounded from k * interval each time, so the times never drift.)
  int64_t next_ns() const { return first_ns_ + std::llround(static_cast<double>(sent_) * interval_ns_); }
  // Whether a request is due at `now` (always, in a closed loop).
  bool Due(int64_t now_ns) const { return !open_loop() || next_ns() <= now_ns; }
  // Takes the next request: returns its intended send time (`now_ns` in a
  // closed loop) and moves on to the one after it.
  int64_t Take(int64_t now_ns) {
    const int64_t intended = open_loop() ? next_ns() : now_ns;
    ++sent_;
    return intended;
  }

 private:
  SendSchedule() = default;

  double interval_ns_ = 0;
  int64_t first_ns_ = 0;
  uint64_t sent_ = 0;
};

}  // namespace runnel::bench
