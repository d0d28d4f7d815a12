// Keyspace iteration: SCAN, KEYS and RANDOMKEY over the stable order of
// (hash(key), key) positions (see keyspace.h). Expired keys are skipped
// while iterating and removed afterwards.
#include <string>
#include <vector>

#include "engine/keyspace/keyspace.h"

namespace runnel::keyspace {

uint64_t Keyspace::Scan(uint64_t cursor, size_t count, KeyVisitor visit) {
  const int64_t now = clock_();
  std::vector<std::string> expired;
  auto it = order_.lower_bound(Position{cursor, std::string_view()});
  size_t visited = 0;
  // Invariant: a batch ends only between two different hashes, so the next
  // call, resuming at the first position with hash >= cursor, neither skips
  // nor repeats a key.
  while (it != order_.end() && (visited < count || it->hash == std::prev(it)->hash)) {
    const Entry& entry = entries_.find(it->key)->second;
    if (IsExpired(entry, now)) {
      expired.emplace_back(it->key);
    } else {
      visit(it->key, entry);
    }
    ++visited;
    ++it;
  }
  const uint64_t next = it == order_.end() ? 0 : it->hash;
  EraseExpired(expired);
  return next;
}

void Keyspace::ForEach(KeyVisitor visit) {
  const int64_t now = clock_();
  std::vector<std::string> expired;
  for (const Position& position : order_) {
    const Entry& entry = entries_.find(position.key)->second;
    if (IsExpired(entry, now)) {
      expired.emplace_back(position.key);
    } else {
      visit(position.key, entry);
    }
  }
  EraseExpired(expired);
}

std::optional<std::string> Keyspace::RandomKey() {
  const int64_t now = clock_();
  while (!order_.empty()) {
    // A uniform hash value; the key at or after it is chosen (keys after
    // wide gaps in hash order are a little likelier, as Redis's bucket
    // sampling favours keys in short chains).
    auto it = order_.lower_bound(Position{NextRandom(), std::string_view()});
    if (it == order_.end()) it = order_.begin();
    auto node = entries_.find(it->key);
    if (!IsExpired(node->second, now)) return std::string(it->key);
    EraseNode(node, KeyChange::kExpired);
  }
  return std::nullopt;
}

void Keyspace::EraseExpired(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    auto it = entries_.find(key);
    if (it == entries_.end()) continue;
    EraseNode(it, KeyChange::kExpired);
  }
}

}  // namespace runnel::keyspace
