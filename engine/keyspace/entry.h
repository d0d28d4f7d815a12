// Entry: one key of a Keyspace, in one allocation with the key's bytes.
//
//   +-------------+--------------+--------+------------+---------------+
//   | value       | expires_slot | access | key length | key bytes     |
//   +-------------+--------------+--------+------------+---------------+
//     8 bytes       4 bytes        4        1, or 0xff   key length
//                                           + 4 bytes
//
// A key of up to 15 bytes with its header takes at most 32 bytes, one
// jemalloc size class; a std::string key inside a hash map node took 64
// with the header. The key is stored once: the table (key_table.h) holds
// pointers to entries and finds keys through them.
//
// The expiry time is not here: most cache keys have none, so it lives in
// the keyspace's expiry index, at expires_slot (Keyspace::ExpireAtMs reads
// it). Entries are made and freed only by Create and Destroy; an entry
// never moves while it exists, so an Entry* stays valid until its key is
// removed or renamed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/keyspace/value.h"

namespace runnel::keyspace {

class Entry {
 public:
  static constexpr uint32_t kNoSlot = UINT32_MAX;

  // A new entry for `key` holding no value yet; free it with Destroy.
  static Entry* Create(std::string_view key);
  // Destroys the value (if any) and frees the entry.
  static void Destroy(Entry* entry);

  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  std::string_view key() const;

  std::unique_ptr<Value> value;
  // Position in the keyspace's expiry index, kNoSlot without a TTL; owned
  // by the Keyspace.
  uint32_t expires_slot = kNoSlot;
  // LRU clock or LFU counter (access_clock.h); owned by the Keyspace.
  uint32_t access = 0;

 private:
  // Lengths up to kShortKeyMax fit the one length byte; longer ones are
  // marked kLongKey there and follow as 4 bytes.
  static constexpr size_t kShortKeyMax = 254;
  static constexpr uint8_t kLongKey = 255;

  Entry() = default;
  ~Entry() = default;
  const uint8_t* tail() const { return reinterpret_cast<const uint8_t*>(this + 1); }
  uint8_t* tail() { return reinterpret_cast<uint8_t*>(this + 1); }
};

static_assert(sizeof(Entry) == 16, "the header of every key: keep it small");

}  // namespace runnel::keyspace
