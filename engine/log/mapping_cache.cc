#include "engine/log/mapping_cache.h"

#include "engine/log/segment.h"

namespace runnel::log {

void MappingCache::Touch(Segment* segment) {
  auto it = position_.find(segment);
  if (it != position_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front(segment);
  position_[segment] = lru_.begin();
  EvictOverCapacity(segment);
}

void MappingCache::Forget(Segment* segment) {
  auto it = position_.find(segment);
  if (it == position_.end()) return;
  lru_.erase(it->second);
  position_.erase(it);
}

void MappingCache::set_capacity(size_t capacity) {
  capacity_ = capacity;
  EvictOverCapacity(nullptr);
}

void MappingCache::EvictOverCapacity(const Segment* keep) {
  while (lru_.size() > capacity_ && lru_.back() != keep) {
    Segment* victim = lru_.back();
    lru_.pop_back();
    position_.erase(victim);
    ++evictions_;
    victim->DropMapping();
  }
}

}  // namespace runnel::log
