// The stream workloads' connections: the XADD producers send (a
// TemplateSenderRole, template_sender_role.h) and the consumer (XREADGROUP,
// then XACK of what it read pipelined with the next XREADGROUP, as a careful
// consumer does).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tools/runnel_bench/bench_options.h"
#include "tools/runnel_bench/command_template.h"
#include "tools/runnel_bench/connection_role.h"

namespace runnel::bench {

// The XADD a producer sends to `stream`: [MAXLEN ~ N] *, then with
// kIntendedSendTime a first field "ts" holding the intended send time (a slot of
// kTimestampDigits), then --fields fields of --size bytes.
enum class EntryTimestamp : uint8_t { kNone, kIntendedSendTime };
CommandTemplate XaddTemplate(const BenchOptions& options, std::string_view stream, EntryTimestamp timestamp);

class ConsumerRole : public ConnectionRole {
 public:
  enum class Mode : uint8_t {
    kDrain,       // consume: read until a read returns nothing; latency of each read
    kEndToEnd,    // e2e: blocking reads until the producers stop; latency of each entry
  };
  ConsumerRole(Mode mode, std::string stream, std::string group, std::string consumer, int count);

  Pacing pacing() const override { return Pacing::kSelfDriven; }
  void Start(RoleContext& context) override;
  void OnReply(const Reply& reply, const InFlight* answered, RoleContext& context) override;
  bool Done() const override { return drained_; }
  std::string_view CommandName(uint8_t tag) const override { return tag == kAck ? "XACK" : "XREADGROUP"; }

 private:
  static constexpr uint8_t kRead = 0;
  static constexpr uint8_t kAck = 1;
  // Handles the entries of a read reply; returns how many there were.
  size_t TakeEntries(const Reply& reply, RoleContext& context);
  void SendRead(RoleContext& context);

  Mode mode_;
  std::string stream_;
  std::string group_;
  std::string read_;  // the encoded XREADGROUP
  bool drained_ = false;
};

}  // namespace runnel::bench
