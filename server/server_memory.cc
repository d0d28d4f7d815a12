// Server: memory accounting and maxmemory enforcement (Redis's
// performEvictions and the OOM rule of processCommand). The allocator's
// reading is server/memory/allocator_stats.h; the choice of keys is the
// engine's Evictor (engine/keyspace/evictor.h).
#include <algorithm>
#include <cmath>

#include "server/server.h"

namespace runnel {
namespace {

// Redis's evictionTimeLimitUs: tenacity 0..10 is 0..500 µs, then 15% more
// per step, unlimited at 100.
absl::Duration EvictionBudget(int64_t tenacity) {
  if (tenacity <= 10) return absl::Microseconds(50 * tenacity);
  if (tenacity < 100) return absl::Microseconds(500.0 * std::pow(1.15, static_cast<double>(tenacity - 10)));
  return absl::InfiniteDuration();
}

}  // namespace

size_t Server::UsedMemory() {
  const size_t used = allocator_.used();
  stats_.used_memory_peak = std::max(stats_.used_memory_peak, used);
  return used;
}

void Server::ApplyAccessTracking() {
  const keyspace::AccessTracking tracking{.lfu = keyspace::IsLfu(config_.maxmemory_policy),
                                          .lfu_log_factor = config_.lfu_log_factor,
                                          .lfu_decay_time = config_.lfu_decay_time};
  for (keyspace::Keyspace& db : databases_) db.set_access_tracking(tracking);
}

keyspace::EvictionResult Server::PerformEvictions() {
  const keyspace::EvictionLimits limits{
      .policy = config_.maxmemory_policy,
      .max_bytes = static_cast<size_t>(config_.maxmemory),
      .samples = static_cast<size_t>(config_.maxmemory_samples),
      .budget = EvictionBudget(config_.maxmemory_eviction_tenacity)};
  const keyspace::EvictionRun run = evictor_.Run(databases_, limits, [this] { return UsedMemory(); });
  // Each evicted key reached OnKeyChange as KeyChange::kEvicted, which
  // publishes the `evicted` keyspace notification.
  stats_.evicted_keys += run.evicted;
  eviction_running_ = run.result == keyspace::EvictionResult::kRunning;
  return run.result;
}

bool Server::RefusedForMemory(const Connection& conn, const command::ResolvedCommand& command) {
  if (PerformEvictions() != keyspace::EvictionResult::kFail) return false;
  const uint32_t flags = command.spec->flags;
  if (flags & command::kDenyOom) return true;
  if (!conn.transaction.active) return false;
  // Queuing in MULTI grows memory whatever the command; EXEC, DISCARD,
  // QUIT and RESET still run, EXEC unless its queue holds a denyoom command.
  if (!(flags & command::kTransactionControl)) return true;
  return command.spec->name == "exec" && (conn.transaction.flags & command::kDenyOom);
}

}  // namespace runnel
