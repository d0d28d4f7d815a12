// pubsub: --connections publishers PUBLISH to --channels channels (publisher
// i to channel i % channels); --subscribers subscribers (subscriber j on
// channel j % channels) receive. Each message starts with its intended send
// time (20 digits, nanoseconds), padded to --size bytes, so the delivery
// latency is from the publisher's intended send to the subscriber's read.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "tools/runnel_bench/command_template.h"
#include "tools/runnel_bench/template_sender_role.h"
#include "tools/runnel_bench/workload.h"

namespace runnel::bench {
namespace {

// A subscriber is done once the publishers stopped and nothing came for this long.
constexpr int64_t kQuietNs = 200'000'000;

class SubscriberRole : public ConnectionRole {
 public:
  Pacing pacing() const override { return Pacing::kSelfDriven; }
  bool IsPush(const Reply&) const override { return true; }
  // ["message", channel, payload], a RESP2 array or a RESP3 push.
  void OnReply(const Reply& reply, const InFlight*, RoleContext& context) override {
    last_message_ns_ = context.now_ns();
    if (reply.root().children != 3 || reply.node(1).text != "message") return;
    uint64_t published_ns = 0;
    if (ReadFixedDecimal(reply.node(3).text.substr(0, kTimestampDigits), &published_ns)) {
      context.RecordDelivery(static_cast<int64_t>(published_ns));
    }
  }
  bool Finished(int64_t now_ns, size_t) const override { return now_ns - last_message_ns_ > kQuietNs; }
  std::string_view CommandName(uint8_t) const override { return "SUBSCRIBE"; }

 private:
  int64_t last_message_ns_ = 0;
};

std::string ChannelName(const BenchOptions& options, int i) { return absl::StrFormat("%schannel:%d", options.key_prefix, i); }

}  // namespace

absl::StatusOr<WorkloadPlan> PlanPubSub(const BenchOptions& options, SyncConnection& setup) {
  WorkloadPlan plan;
  auto templates = std::make_shared<std::vector<CommandTemplate>>();
  const std::string padding(options.value_size > kTimestampDigits ? options.value_size - kTimestampDigits : 0, 'm');
  for (int c = 0; c < options.channels; ++c) {
    templates->push_back(CommandTemplate::Builder().Arg("PUBLISH").Arg(ChannelName(options, c)).Slot("", kTimestampDigits, padding).Build());
  }
  for (int i = 0; i < options.connections; ++i) {
    plan.connections.push_back({.role = std::make_unique<TemplateSenderRole>(&(*templates)[i % options.channels], "PUBLISH")});
  }
  for (int j = 0; j < options.subscribers; ++j) {
    plan.connections.push_back({.role = std::make_unique<SubscriberRole>(),
                                .handshake = EncodeCommand({"SUBSCRIBE", ChannelName(options, j % options.channels)}),
                                .handshake_name = "SUBSCRIBE",
                                .handshake_replies = 1});
  }
  plan.keep_alive.push_back(templates);
  return plan;
}

}  // namespace runnel::bench
