#include "tools/runnel_bench/connection_role.h"

#include <algorithm>

namespace runnel::bench {

void RoleContext::RecordRequest(const InFlight& answered) {
  if (!Measured(answered.intended_ns)) return;
  stats_->request_latency.Record(static_cast<uint64_t>(std::max<int64_t>(now_ns_ - answered.intended_ns, 0)));
  stats_->requests.Add(1);
  stats_->last_measured_ns.store(now_ns_, std::memory_order_relaxed);
}

void RoleContext::RecordDelivery(int64_t produced_ns) {
  stats_->delivered_total.Add(1);
  if (!Measured(produced_ns)) return;
  stats_->delivery_latency.Record(static_cast<uint64_t>(std::max<int64_t>(now_ns_ - produced_ns, 0)));
  stats_->deliveries.Add(1);
  stats_->last_measured_ns.store(now_ns_, std::memory_order_relaxed);
}

void RoleContext::CountDeliveries(uint64_t n) {
  stats_->delivered_total.Add(n);
  if (!Measured(now_ns_)) return;
  stats_->deliveries.Add(n);
  stats_->last_measured_ns.store(now_ns_, std::memory_order_relaxed);
}

}  // namespace runnel::bench
