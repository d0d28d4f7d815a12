// EvictionPolicy: which keys a server over `maxmemory` may evict, and how it
// ranks them (Redis's maxmemory-policy). Declared in Redis's order
// (config.c's maxmemory_policy_enum), which is also the order CONFIG SET's
// error lists them in.
#pragma once

#include <cstdint>

namespace runnel::keyspace {

enum class EvictionPolicy : uint8_t {
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kNoEviction,
};

// Which keys a policy samples: every evictable key, or only those with a TTL.
enum class EvictionScope : uint8_t { kAllKeys, kVolatile };

constexpr EvictionScope ScopeOf(EvictionPolicy policy) {
  return policy >= EvictionPolicy::kAllKeysLru ? EvictionScope::kAllKeys : EvictionScope::kVolatile;
}
constexpr bool IsLfu(EvictionPolicy policy) {
  return policy == EvictionPolicy::kVolatileLfu || policy == EvictionPolicy::kAllKeysLfu;
}
constexpr bool IsRandom(EvictionPolicy policy) {
  return policy == EvictionPolicy::kVolatileRandom || policy == EvictionPolicy::kAllKeysRandom;
}

}  // namespace runnel::keyspace
