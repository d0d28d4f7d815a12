// EvictionPool: sorted insertion into 16 slots (Redis's evictionPoolPopulate).
#include "engine/keyspace/eviction_pool.h"

#include <utility>

namespace runnel::keyspace {

void EvictionPool::Offer(uint64_t score, int db, std::string_view key) {
  for (size_t i = 0; i < size_; ++i) {
    if (slots_[i].db == db && slots_[i].key == key) return;
  }
  // The first slot whose score is not below ours: ours goes right before it.
  size_t at = 0;
  while (at < size_ && slots_[at].score < score) ++at;
  if (size_ == kCapacity) {
    if (at == 0) return;  // worse than every candidate held
    // Drop the worst (slot 0) by shifting the ones below `at` left.
    --at;
    for (size_t i = 0; i < at; ++i) std::swap(slots_[i], slots_[i + 1]);
  } else {
    for (size_t i = size_; i > at; --i) std::swap(slots_[i], slots_[i - 1]);
    ++size_;
  }
  Candidate& slot = slots_[at];
  slot.score = score;
  slot.db = db;
  slot.key.assign(key);
}

bool EvictionPool::PopBest(Candidate* out) {
  if (size_ == 0) return false;
  --size_;
  std::swap(*out, slots_[size_]);
  return true;
}

}  // namespace runnel::keyspace
