// Active expiry (Redis's activeExpireCycle, simplified): keys nobody reads
// would otherwise keep their memory and, for streams, their files forever.
//
// Each round checks the next kSampleSize keys of the expiry index and
// removes the expired ones; while a round finds more than a quarter expired,
// the index is likely full of them and another round runs, until the time
// budget is spent. The rounds walk the index with a cursor that wraps
// around (Redis's expires_cursor), so every key with a TTL is looked at
// within size / kSampleSize calls: random samples would find the last few
// expired keys among many live ones only by luck. A fixed number of keys
// per round bounds the work per call whatever the number of keys; the
// caller (the server cron) calls it every tick.
#include <chrono>

#include "engine/keyspace/keyspace.h"

namespace runnel::keyspace {
namespace {

constexpr size_t kSampleSize = 20;  // Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
constexpr size_t kRepeatAbove = kSampleSize / 4;

}  // namespace

size_t Keyspace::ExpireSome(int64_t now_ms, absl::Duration budget) {
  const auto deadline = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(budget);
  size_t removed = 0;
  for (;;) {
    size_t expired_this_round = 0;
    for (size_t i = 0; i < kSampleSize && !expires_.empty(); ++i) {
      if (expire_cursor_ >= expires_.size()) expire_cursor_ = 0;
      const ExpiryRecord record = expires_[expire_cursor_];
      if (record.expire_at_ms > now_ms) {
        ++expire_cursor_;
        continue;
      }
      // Removal moves the index's last key into this slot: the cursor
      // stays, to check that key next.
      ++expired_this_round;
      EraseEntry(record.entry, KeyChange::kExpired);
      // Removing a stream removes files: check the budget per removal.
      if (std::chrono::steady_clock::now() >= deadline) return removed + expired_this_round;
    }
    removed += expired_this_round;
    if (expired_this_round <= kRepeatAbove || expires_.empty()) break;
    if (std::chrono::steady_clock::now() >= deadline) break;
  }
  return removed;
}

}  // namespace runnel::keyspace
