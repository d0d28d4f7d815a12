// TemplateSenderRole: a scheduled connection that sends one encoded command
// per request — the producer (XADD) and the publisher (PUBLISH). When the
// template has a slot, each request carries its intended send time there
// (nanoseconds, 20 digits), which the consumer or subscriber reads back for
// the delivery latency.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tools/runnel_bench/command_template.h"
#include "tools/runnel_bench/connection_role.h"

namespace runnel::bench {

// Digits of the send time carried in an entry or message.
inline constexpr int kTimestampDigits = 20;

class TemplateSenderRole : public ConnectionRole {
 public:
  // `command` must outlive the role; `name` is what errors call it.
  TemplateSenderRole(const CommandTemplate* command, std::string_view name) : command_(command), name_(name) {}
  Pacing pacing() const override { return Pacing::kScheduled; }
  void AppendRequest(std::string* out, int64_t intended_ns) override {
    if (command_->slot_count() == 1) {
      command_->AppendTo(out, {static_cast<uint64_t>(intended_ns)});
    } else {
      command_->AppendTo(out, {});
    }
  }
  void OnReply(const Reply&, const InFlight* answered, RoleContext& context) override {
    context.RecordRequest(*answered);
  }
  std::string_view CommandName(uint8_t) const override { return name_; }

 private:
  const CommandTemplate* command_;
  std::string_view name_;
};

}  // namespace runnel::bench
