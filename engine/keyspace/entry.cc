// Entry (entry.h): the one allocation of a key, header then key bytes.
#include "engine/keyspace/entry.h"

#include <cstring>
#include <new>

namespace runnel::keyspace {

Entry* Entry::Create(std::string_view key) {
  const bool is_short = key.size() <= kShortKeyMax;
  const size_t length_bytes = is_short ? 1 : 1 + sizeof(uint32_t);
  void* memory = ::operator new(sizeof(Entry) + length_bytes + key.size());
  Entry* entry = ::new (memory) Entry();
  uint8_t* tail = entry->tail();
  if (is_short) {
    tail[0] = static_cast<uint8_t>(key.size());
  } else {
    tail[0] = kLongKey;
    const uint32_t length = static_cast<uint32_t>(key.size());
    std::memcpy(tail + 1, &length, sizeof(length));
  }
  if (!key.empty()) std::memcpy(tail + length_bytes, key.data(), key.size());
  return entry;
}

void Entry::Destroy(Entry* entry) {
  entry->~Entry();
  ::operator delete(entry);
}

std::string_view Entry::key() const {
  const uint8_t* tail = this->tail();
  if (tail[0] != kLongKey) return {reinterpret_cast<const char*>(tail + 1), tail[0]};
  uint32_t length;
  std::memcpy(&length, tail + 1, sizeof(length));
  return {reinterpret_cast<const char*>(tail + 1 + sizeof(length)), length};
}

}  // namespace runnel::keyspace
