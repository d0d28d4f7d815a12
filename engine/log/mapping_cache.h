// MappingCache: a bounded LRU of the segments that hold an open mapping.
//
// Each mapped segment costs a VMA (the kernel allows 65,530 per process by
// default) and, while mapped, page-table memory; 100,000 streams must not
// mean 100,000 mappings. Segments map on demand and Touch() the cache; the
// least recently used beyond `capacity` are told to drop their mapping, which
// is unmapped once the last reader holding it lets go. Descriptors are never
// held (MappedFile closes its fd once mapped).
//
// Not thread-safe: the loop thread owns it and every Segment that uses it.
#pragma once

#include <cstddef>
#include <list>

#include "absl/container/flat_hash_map.h"

namespace runnel::log {

class Segment;

class MappingCache {
 public:
  explicit MappingCache(size_t capacity) : capacity_(capacity) {}
  MappingCache(const MappingCache&) = delete;
  MappingCache& operator=(const MappingCache&) = delete;

  // `segment` just used its mapping; evicts others when over capacity.
  void Touch(Segment* segment);
  // `segment` dropped its mapping or is being destroyed.
  void Forget(Segment* segment);

  void set_capacity(size_t capacity);
  size_t capacity() const { return capacity_; }
  size_t size() const { return lru_.size(); }
  uint64_t evictions() const { return evictions_; }

 private:
  void EvictOverCapacity(const Segment* keep);

  size_t capacity_;
  uint64_t evictions_ = 0;
  std::list<Segment*> lru_;  // most recent first
  absl::flat_hash_map<Segment*, std::list<Segment*>::iterator> position_;
};

}  // namespace runnel::log
