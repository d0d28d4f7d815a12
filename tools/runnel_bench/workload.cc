#include "tools/runnel_bench/workload.h"

namespace runnel::bench {

absl::StatusOr<WorkloadPlan> PlanWorkload(const BenchOptions& options, SyncConnection& setup) {
  switch (options.workload) {
    case Workload::kProduce:
      return PlanProduce(options, setup);
    case Workload::kConsume:
      return PlanConsume(options, setup);
    case Workload::kE2e:
      return PlanE2e(options, setup);
    case Workload::kPubSub:
      return PlanPubSub(options, setup);
    case Workload::kCache:
      return PlanCache(options, setup);
  }
  return absl::InternalError("unknown workload");
}

}  // namespace runnel::bench
