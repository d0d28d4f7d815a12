// Workloads: what each subcommand sets up on the server before the clock
// starts, and the connections (with their roles) that do the measured work.
//
//   produce  XADD from --connections producers to --streams streams
//   consume  --groups x --consumers drain --prefill entries per stream
//            (XREADGROUP COUNT k, XACK)
//   e2e      producers and one group's consumers at once; each entry carries
//            its intended send time, so delivery latency is end to end
//   pubsub   publishers and subscribers; messages carry their send time
//   cache    GET a uniform or Zipf key; on a miss, SET it
//
// Every key a workload touches starts with --key-prefix; produce, consume
// and e2e delete their streams first.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/runnel_bench/bench_options.h"
#include "tools/runnel_bench/connection_role.h"
#include "tools/runnel_bench/sync_connection.h"

namespace runnel::bench {

struct ConnectionPlan {
  std::unique_ptr<ConnectionRole> role;
  // Sent on the blocking connection before it joins a loop (SUBSCRIBE),
  // with the number of replies it expects; empty for none.
  std::string handshake;
  std::string handshake_name;
  size_t handshake_replies = 0;
};

// What "lag" means for a workload, if anything.
enum class LagKind : uint8_t {
  kNone,
  kPrefilled,  // consume: entries written before the run (x groups) not yet delivered
  kProduced,   // e2e: entries written so far not yet delivered
};

struct WorkloadPlan {
  std::vector<ConnectionPlan> connections;
  // Objects the roles point into (command templates, key generators); kept
  // alive for the run.
  std::vector<std::shared_ptr<const void>> keep_alive;
  LagKind lag = LagKind::kNone;
  uint64_t prefilled_deliveries = 0;  // kPrefilled: entries x groups
};

// Sets the server up through `setup` and plans the connections.
absl::StatusOr<WorkloadPlan> PlanWorkload(const BenchOptions& options, SyncConnection& setup);

// One per workload (workload.cc dispatches).
absl::StatusOr<WorkloadPlan> PlanProduce(const BenchOptions& options, SyncConnection& setup);
absl::StatusOr<WorkloadPlan> PlanConsume(const BenchOptions& options, SyncConnection& setup);
absl::StatusOr<WorkloadPlan> PlanE2e(const BenchOptions& options, SyncConnection& setup);
absl::StatusOr<WorkloadPlan> PlanPubSub(const BenchOptions& options, SyncConnection& setup);
absl::StatusOr<WorkloadPlan> PlanCache(const BenchOptions& options, SyncConnection& setup);

}  // namespace runnel::bench
