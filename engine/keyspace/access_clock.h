// Per-key access metadata in 24 bits, as Redis keeps it in robj.lru: either
// the time of the last access (LRU policies) or a logarithmic frequency
// counter with the time it was last decayed (LFU policies). Keyspace stores
// it in Entry::access and updates it on every lookup that touches the key.
//
//   LRU:  [ 24 bits: seconds since the epoch, mod 2^24 (wraps in ~194 days) ]
//   LFU:  [ 16 bits: minutes since the epoch, mod 2^16 | 8 bits: counter    ]
//
// The counter starts at kLfuInitialCount, so a new key survives a few
// samples before it looks cold; each access increments it with probability
// 1 / ((counter - kLfuInitialCount) * lfu-log-factor + 1), and it loses one
// per lfu-decay-time minutes without access (Redis's LFULogIncr and
// LFUDecrAndReturn).
#pragma once

#include <cstdint>

namespace runnel::keyspace {

// What a touch records; set from maxmemory-policy, lfu-log-factor and
// lfu-decay-time.
struct AccessTracking {
  bool lfu = false;
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;  // minutes per decrement; 0: never decays
};

inline constexpr uint32_t kLruClockMax = (1u << 24) - 1;
inline constexpr uint8_t kLfuInitialCount = 5;  // Redis's LFU_INIT_VAL

// The metadata of a key created at `now_ms`.
uint32_t InitialAccess(const AccessTracking& tracking, int64_t now_ms);
// The metadata after an access at `now_ms`; `random` is uniform in [0, 1).
uint32_t TouchedAccess(uint32_t access, const AccessTracking& tracking, int64_t now_ms, double random);

// LRU: milliseconds since the recorded access (second resolution).
uint64_t LruIdleMs(uint32_t access, int64_t now_ms);
// LFU: the counter after the decay due by `now_ms` (the stored bits are
// left alone; only an access writes them).
uint8_t LfuCount(uint32_t access, int64_t now_ms, int64_t decay_time);

}  // namespace runnel::keyspace
