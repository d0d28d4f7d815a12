// produce, consume and e2e: set-up (fresh streams, pre-fill, groups) and
// their connections. Roles: stream_roles.h.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "tools/runnel_bench/stream_roles.h"
#include "tools/runnel_bench/template_sender_role.h"
#include "tools/runnel_bench/workload.h"

namespace runnel::bench {
namespace {

// Pre-fill and set-up commands go out in pipelined batches of this many.
constexpr uint64_t kSetupBatch = 1000;

std::string StreamName(const BenchOptions& options, int i) { return absl::StrFormat("%sstream:%d", options.key_prefix, i); }
std::string GroupName(int g) { return absl::StrFormat("group:%d", g); }

absl::Status DeleteStreams(const BenchOptions& options, SyncConnection& setup) {
  for (int s = 0; s < options.streams; ++s) {
    if (absl::Status status = setup.Call(EncodeCommand({"DEL", StreamName(options, s)}), "DEL"); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

// One shared XADD template per stream, and a producer per connection
// (connection i writes to stream i % streams).
void AddProducers(const BenchOptions& options, EntryTimestamp timestamp, WorkloadPlan& plan) {
  auto templates = std::make_shared<std::vector<CommandTemplate>>();
  for (int s = 0; s < options.streams; ++s) templates->push_back(XaddTemplate(options, StreamName(options, s), timestamp));
  for (int i = 0; i < options.connections; ++i) {
    plan.connections.push_back({.role = std::make_unique<TemplateSenderRole>(&(*templates)[i % options.streams], "XADD")});
  }
  plan.keep_alive.push_back(templates);
}

absl::Status CreateGroups(const BenchOptions& options, int groups, SyncConnection& setup) {
  for (int s = 0; s < options.streams; ++s) {
    for (int g = 0; g < groups; ++g) {
      const std::string create = EncodeCommand({"XGROUP", "CREATE", StreamName(options, s), GroupName(g), "0", "MKSTREAM"});
      if (absl::Status status = setup.Call(create, "XGROUP CREATE"); !status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

void AddConsumers(const BenchOptions& options, int groups, ConsumerRole::Mode mode, WorkloadPlan& plan) {
  for (int g = 0; g < groups; ++g) {
    for (int c = 0; c < options.consumers; ++c) {
      plan.connections.push_back({.role = std::make_unique<ConsumerRole>(mode, StreamName(options, c % options.streams),
                                                                          GroupName(g), absl::StrFormat("consumer:%d", c),
                                                                          options.count)});
    }
  }
}

absl::Status Prefill(const BenchOptions& options, SyncConnection& setup) {
  for (int s = 0; s < options.streams; ++s) {
    const CommandTemplate xadd = XaddTemplate(options, StreamName(options, s), EntryTimestamp::kNone);
    std::string batch;
    for (uint64_t written = 0; written < options.prefill;) {
      const uint64_t n = std::min(kSetupBatch, options.prefill - written);
      batch.clear();
      for (uint64_t i = 0; i < n; ++i) xadd.AppendTo(&batch, {});
      if (absl::Status status = setup.Call(batch, "XADD", n); !status.ok()) return status;
      written += n;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<WorkloadPlan> PlanProduce(const BenchOptions& options, SyncConnection& setup) {
  if (absl::Status status = DeleteStreams(options, setup); !status.ok()) return status;
  WorkloadPlan plan;
  AddProducers(options, EntryTimestamp::kNone, plan);
  return plan;
}

absl::StatusOr<WorkloadPlan> PlanConsume(const BenchOptions& options, SyncConnection& setup) {
  if (absl::Status status = DeleteStreams(options, setup); !status.ok()) return status;
  if (absl::Status status = Prefill(options, setup); !status.ok()) return status;
  if (absl::Status status = CreateGroups(options, options.groups, setup); !status.ok()) return status;
  WorkloadPlan plan;
  AddConsumers(options, options.groups, ConsumerRole::Mode::kDrain, plan);
  plan.lag = LagKind::kPrefilled;
  plan.prefilled_deliveries = options.prefill * static_cast<uint64_t>(options.streams) * static_cast<uint64_t>(options.groups);
  return plan;
}

absl::StatusOr<WorkloadPlan> PlanE2e(const BenchOptions& options, SyncConnection& setup) {
  if (absl::Status status = DeleteStreams(options, setup); !status.ok()) return status;
  if (absl::Status status = CreateGroups(options, 1, setup); !status.ok()) return status;
  WorkloadPlan plan;
  AddProducers(options, EntryTimestamp::kIntendedSendTime, plan);
  AddConsumers(options, 1, ConsumerRole::Mode::kEndToEnd, plan);
  plan.lag = LagKind::kProduced;
  return plan;
}

}  // namespace runnel::bench
