// cache: each request GETs a key (uniform or Zipf over --keys); a miss is
// followed at once by a SET of that key (--size bytes), as a read-through
// cache does. Both count as requests; the hit ratio is over the GETs.
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "tools/runnel_bench/command_template.h"
#include "tools/runnel_bench/fifo_ring.h"
#include "tools/runnel_bench/key_generator.h"
#include "tools/runnel_bench/workload.h"

namespace runnel::bench {
namespace {

constexpr int kKeyDigits = 12;

struct CacheCommands {
  CommandTemplate get;
  CommandTemplate set;
  KeyGenerator keys;
};

class CacheRole : public ConnectionRole {
 public:
  CacheRole(const CacheCommands* commands, uint64_t seed) : commands_(commands), random_(seed) {}
  Pacing pacing() const override { return Pacing::kScheduled; }
  void AppendRequest(std::string* out, int64_t) override {
    const uint64_t key = commands_->keys.Next(random_);
    commands_->get.AppendTo(out, {key});
    pending_gets_.Push(key);
  }
  void OnReply(const Reply& reply, const InFlight* answered, RoleContext& context) override {
    context.RecordRequest(*answered);
    if (answered->tag == kSet) return;
    const uint64_t key = pending_gets_.Pop();
    const bool measured = context.Measured(answered->intended_ns);
    if (reply.root().type != ReplyType::kNull) {
      if (measured) context.stats().hits.Add(1);
      return;
    }
    if (measured) context.stats().misses.Add(1);
    commands_->set.AppendTo(context.out(), {key});
    context.Track(kSet);
  }
  std::string_view CommandName(uint8_t tag) const override { return tag == kSet ? "SET" : "GET"; }

 private:
  static constexpr uint8_t kSet = 1;  // 0 is the scheduled GET
  const CacheCommands* commands_;
  FastRandom random_;
  FifoRing<uint64_t> pending_gets_;  // keys of the GETs in flight, oldest first
};

}  // namespace

absl::StatusOr<WorkloadPlan> PlanCache(const BenchOptions& options, SyncConnection& setup) {
  // A server without string commands fails here, before any connection is made.
  const std::string key_prefix = options.key_prefix + "key:";
  if (absl::Status status = setup.Call(EncodeCommand({"GET", key_prefix + "probe"}), "GET"); !status.ok()) return status;
  auto commands = std::make_shared<CacheCommands>(CacheCommands{
      .get = CommandTemplate::Builder().Arg("GET").Slot(key_prefix, kKeyDigits).Build(),
      .set = CommandTemplate::Builder().Arg("SET").Slot(key_prefix, kKeyDigits).Arg(std::string(options.value_size, 'c')).Build(),
      .keys = KeyGenerator(options.distribution, options.keys, options.zipf_exponent),
  });
  WorkloadPlan plan;
  for (int i = 0; i < options.connections; ++i) {
    plan.connections.push_back({.role = std::make_unique<CacheRole>(commands.get(), options.seed * 1000003 + static_cast<uint64_t>(i))});
  }
  plan.keep_alive.push_back(commands);
  return plan;
}

}  // namespace runnel::bench
