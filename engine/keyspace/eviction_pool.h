// EvictionPool: the best eviction candidates seen so far, kept across
// evictions as Redis's EvictionPoolLRU. Each eviction samples a few keys
// (maxmemory-samples per database) and offers them; the pool keeps the 16
// with the highest score, so the pick improves on a single sample:
//
//   slots_:  [ lowest score ........................ highest score ]
//              dropped first when full              evicted first
//
// A score is "how good a victim": idle milliseconds (LRU), 255 - frequency
// (LFU), or UINT64_MAX - expiry time (volatile-ttl). Keys may have changed
// or gone since they were offered; the evictor checks each one it pops.
//
// Not thread-safe; owned by the loop's Evictor.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace runnel::keyspace {

class EvictionPool {
 public:
  static constexpr size_t kCapacity = 16;  // Redis's EVPOOL_SIZE

  struct Candidate {
    uint64_t score = 0;
    int db = 0;
    std::string key;
  };

  // Adds the key unless the pool is full of better candidates (then the
  // worst one makes room) or it is already there.
  void Offer(uint64_t score, int db, std::string_view key);
  // Moves the best candidate into `out`; false when the pool is empty.
  bool PopBest(Candidate* out);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void Clear() { size_ = 0; }

 private:
  // slots_[0, size_) in ascending score; strings are reused between offers.
  std::array<Candidate, kCapacity> slots_;
  size_t size_ = 0;
};

}  // namespace runnel::keyspace
