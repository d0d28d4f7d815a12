// Evictor: brings memory back under `maxmemory` by evicting keys by the
// policy, as Redis's performEvictions. The server runs it before every
// command while a limit is set (and from its loop while it reports
// kRunning); it knows nothing of the allocator, whose reading it is given.
//
// The LRU, LFU and TTL policies take the best candidate of an EvictionPool
// refilled by sampling `samples` keys of each database per eviction; the
// random policies take a random key, visiting databases in turn. Only
// evictable values are candidates (streams never are), and volatile-*
// policies only consider keys with a TTL.
//
// Work per call is bounded: after every 16 evictions, or a sampling round
// that found nothing, the time spent is checked against `budget` (Redis's
// maxmemory-eviction-tenacity); over it, the call returns kRunning and the
// caller continues on a later turn.
//
// Not thread-safe; one per loop, used with that loop's databases.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "engine/keyspace/eviction_policy.h"
#include "engine/keyspace/eviction_pool.h"
#include "engine/keyspace/keyspace.h"

namespace runnel::keyspace {

struct EvictionLimits {
  EvictionPolicy policy = EvictionPolicy::kNoEviction;
  size_t max_bytes = 0;  // 0: no limit
  size_t samples = 5;    // keys sampled per database per eviction
  absl::Duration budget = absl::Microseconds(500);
};

enum class EvictionResult : uint8_t {
  kOk,       // under the limit (now, or there was none)
  kRunning,  // still over, out of time for this call: call again later
  kFail,     // still over and nothing (more) may be evicted
};

struct EvictionRun {
  EvictionResult result = EvictionResult::kOk;
  size_t evicted = 0;  // keys evicted by this call
};

class Evictor {
 public:
  // Bytes in use now; read after every eviction, so it must be cheap.
  using UsedBytes = absl::FunctionRef<size_t()>;

  EvictionRun Run(std::span<Keyspace> dbs, const EvictionLimits& limits, UsedBytes used_bytes);

 private:
  enum class Pick : uint8_t { kEvicted, kNothing, kTimedOut };
  Pick EvictOne(std::span<Keyspace> dbs, const EvictionLimits& limits, absl::Time deadline);
  // One attempt; false when the sample held nothing evictable that still exists.
  bool EvictFromPool(std::span<Keyspace> dbs, const EvictionLimits& limits);
  bool EvictRandom(std::span<Keyspace> dbs, const EvictionLimits& limits);

  EvictionPool pool_;
  size_t next_db_ = 0;  // the random policies' turn
};

// The pool's score for `entry` of `db` under `policy`: higher is evicted first.
uint64_t EvictionScore(EvictionPolicy policy, const Keyspace& db, const Entry& entry);

}  // namespace runnel::keyspace
