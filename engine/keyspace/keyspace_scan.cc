// Keyspace iteration: SCAN, KEYS and RANDOMKEY over the table's buckets
// (see keyspace.h and key_table.h). Expired keys are skipped while
// iterating and removed afterwards, so that the table does not change
// under an iteration.
#include <algorithm>
#include <string>
#include <vector>

#include "engine/keyspace/keyspace.h"

namespace runnel::keyspace {

uint64_t Keyspace::Scan(uint64_t cursor, size_t count, KeyVisitor visit) {
  const int64_t now = clock_();
  std::vector<std::string> expired;
  size_t visited = 0;
  // Redis's bound on buckets per call: a sparse table still answers
  // in bounded time.
  size_t buckets_left = 10 * std::max<size_t>(count, 1);
  do {
    cursor = table_.ScanBucket(cursor, [&](Entry* entry) {
      if (IsExpired(*entry, now)) {
        expired.emplace_back(entry->key());
      } else {
        visit(entry->key(), *entry);
      }
      ++visited;
    });
  } while (cursor != 0 && visited < count && --buckets_left > 0);
  EraseExpired(expired);
  return cursor;
}

void Keyspace::ForEach(KeyVisitor visit) {
  const int64_t now = clock_();
  std::vector<std::string> expired;
  table_.ForEach([&](Entry* entry) {
    if (IsExpired(*entry, now)) {
      expired.emplace_back(entry->key());
    } else {
      visit(entry->key(), *entry);
    }
  });
  EraseExpired(expired);
}

std::optional<std::string> Keyspace::RandomKey() {
  const int64_t now = clock_();
  while (Entry* entry = table_.Random([this] { return NextRandom(); })) {
    if (!IsExpired(*entry, now)) return std::string(entry->key());
    EraseEntry(entry, KeyChange::kExpired);
  }
  return std::nullopt;
}

void Keyspace::EraseExpired(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    if (Entry* entry = table_.Find(key)) EraseEntry(entry, KeyChange::kExpired);
  }
}

}  // namespace runnel::keyspace
