// Evictor (evictor.h): the loop of Redis's performEvictions, with the pool
// population of evictionPoolPopulate and the random pick of its random
// policies.
#include "engine/keyspace/evictor.h"

#include <string>

namespace runnel::keyspace {
namespace {

// Redis checks the clock once per this many evictions.
constexpr size_t kEvictionsPerClockCheck = 16;

}  // namespace

uint64_t EvictionScore(EvictionPolicy policy, const Keyspace& db, const Entry& entry) {
  if (policy == EvictionPolicy::kVolatileTtl) {
    return UINT64_MAX - static_cast<uint64_t>(db.ExpireAtMs(entry));  // soonest first
  }
  if (IsLfu(policy)) return 255 - db.Frequency(entry);  // rarest first
  return db.IdleMs(entry);                               // oldest first
}

EvictionRun Evictor::Run(std::span<Keyspace> dbs, const EvictionLimits& limits, UsedBytes used_bytes) {
  EvictionRun run;
  if (limits.max_bytes == 0 || used_bytes() <= limits.max_bytes) return run;
  if (limits.policy == EvictionPolicy::kNoEviction) {
    run.result = EvictionResult::kFail;
    return run;
  }
  const absl::Time deadline = absl::Now() + limits.budget;
  while (used_bytes() > limits.max_bytes) {
    switch (EvictOne(dbs, limits, deadline)) {
      case Pick::kNothing:
        run.result = EvictionResult::kFail;
        return run;
      case Pick::kTimedOut:
        run.result = EvictionResult::kRunning;
        return run;
      case Pick::kEvicted:
        break;
    }
    ++run.evicted;
    if (run.evicted % kEvictionsPerClockCheck == 0 && absl::Now() >= deadline) {
      run.result = used_bytes() > limits.max_bytes ? EvictionResult::kRunning : EvictionResult::kOk;
      return run;
    }
  }
  return run;
}

Evictor::Pick Evictor::EvictOne(std::span<Keyspace> dbs, const EvictionLimits& limits,
                                absl::Time deadline) {
  const EvictionScope scope = ScopeOf(limits.policy);
  for (;;) {
    size_t candidates = 0;
    for (const Keyspace& db : dbs) candidates += db.evictable_count(scope);
    if (candidates == 0) return Pick::kNothing;
    const bool evicted = IsRandom(limits.policy) ? EvictRandom(dbs, limits) : EvictFromPool(dbs, limits);
    if (evicted) return Pick::kEvicted;
    // Evictable keys exist but the samples missed them (they hid among
    // streams): sample again, within the time budget.
    if (absl::Now() >= deadline) return Pick::kTimedOut;
  }
}

bool Evictor::EvictFromPool(std::span<Keyspace> dbs, const EvictionLimits& limits) {
  const EvictionScope scope = ScopeOf(limits.policy);
  for (size_t i = 0; i < dbs.size(); ++i) {
    Keyspace& db = dbs[i];
    if (db.evictable_count(scope) == 0) continue;
    db.SampleEvictable(scope, limits.samples, [&](std::string_view key, const Entry& entry) {
      pool_.Offer(EvictionScore(limits.policy, db, entry), static_cast<int>(i), key);
    });
  }
  // Best first; candidates that have gone or changed since they were
  // offered are dropped on the way.
  EvictionPool::Candidate candidate;
  while (pool_.PopBest(&candidate)) {
    if (static_cast<size_t>(candidate.db) < dbs.size() && dbs[candidate.db].Evict(candidate.key, scope)) {
      return true;
    }
  }
  return false;
}

bool Evictor::EvictRandom(std::span<Keyspace> dbs, const EvictionLimits& limits) {
  const EvictionScope scope = ScopeOf(limits.policy);
  for (size_t i = 0; i < dbs.size(); ++i) {
    Keyspace& db = dbs[next_db_++ % dbs.size()];
    if (db.evictable_count(scope) == 0) continue;
    std::string victim;
    bool found = false;
    db.SampleEvictable(scope, limits.samples, [&](std::string_view key, const Entry&) {
      if (!found) victim.assign(key);
      found = true;
    });
    if (found && db.Evict(victim, scope)) return true;
  }
  return false;
}

}  // namespace runnel::keyspace
