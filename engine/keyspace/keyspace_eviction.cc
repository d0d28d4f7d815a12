// Keyspace's part in maxmemory eviction: random samples of evictable keys
// (Redis's dictGetSomeKeys) and the removal of the one the Evictor picks.
//
// All keys are sampled from order_ (a random position, then the keys after
// it, as Redis reads consecutive buckets from a random one): O(log n) to
// find the start, O(1) per key after. Keys with a TTL are sampled from
// expires_ by random slot, O(1) each. Neither needs memory per key beyond
// the indexes SCAN and active expiry already keep.
#include <algorithm>

#include "engine/keyspace/keyspace.h"

namespace runnel::keyspace {

void Keyspace::SampleEvictable(EvictionScope scope, size_t count, KeyVisitor visit) {
  if (scope == EvictionScope::kVolatile) {
    // At most one draw per key, as dictGetSomeKeys caps its count.
    const size_t draws = std::min(count, expires_.size());
    for (size_t i = 0; i < draws; ++i) {
      const Node* node = expires_[NextRandom() % expires_.size()];
      if (node->second.value->evictable()) visit(node->first, node->second);
    }
    return;
  }
  if (order_.empty()) return;
  auto it = order_.lower_bound(Position{NextRandom(), std::string_view()});
  const size_t steps = std::min(count, order_.size());
  for (size_t i = 0; i < steps; ++i, ++it) {
    if (it == order_.end()) it = order_.begin();
    const Entry& entry = entries_.find(it->key)->second;
    if (entry.value->evictable()) visit(it->key, entry);
  }
}

bool Keyspace::Evict(std::string_view key, EvictionScope scope) {
  auto it = entries_.find(key);
  if (it == entries_.end() || !it->second.value->evictable()) return false;
  if (scope == EvictionScope::kVolatile && it->second.expires_slot == Entry::kNoSlot) return false;
  EraseNode(it, KeyChange::kEvicted);
  return true;
}

}  // namespace runnel::keyspace
