// Keyspace's part in maxmemory eviction: random samples of evictable keys
// (Redis's dictGetSomeKeys) and the removal of the one the Evictor picks.
//
// All keys are sampled from the table (consecutive buckets from a random
// one, as Redis does); keys with a TTL from expires_ by random slot. Both
// are O(1) per key and need no memory beyond the structures lookups and
// active expiry already keep.
#include <algorithm>

#include "engine/keyspace/keyspace.h"

namespace runnel::keyspace {

void Keyspace::SampleEvictable(EvictionScope scope, size_t count, KeyVisitor visit) {
  if (scope == EvictionScope::kVolatile) {
    // At most one draw per key, as dictGetSomeKeys caps its count.
    const size_t draws = std::min(count, expires_.size());
    for (size_t i = 0; i < draws; ++i) {
      const Entry& entry = *expires_[NextRandom() % expires_.size()].entry;
      if (entry.value->evictable()) visit(entry.key(), entry);
    }
    return;
  }
  table_.Sample(NextRandom(), count, [&](Entry* entry) {
    if (entry->value->evictable()) visit(entry->key(), *entry);
  });
}

bool Keyspace::Evict(std::string_view key, EvictionScope scope) {
  Entry* entry = table_.Find(key);
  if (entry == nullptr || !entry->value->evictable()) return false;
  if (scope == EvictionScope::kVolatile && entry->expires_slot == Entry::kNoSlot) return false;
  EraseEntry(entry, KeyChange::kEvicted);
  return true;
}

}  // namespace runnel::keyspace
