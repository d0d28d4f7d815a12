// KeyTable: the keyspace's hash table, a set of Entry pointers found by the
// key each entry holds (the key is stored once, in the entry).
//
// A power-of-two array of 64-byte buckets; a key lives in the chain of its
// home bucket (hash & mask), never anywhere else:
//
//   buckets_[0]  [ s0 s1 s2 s3 s4 s5 s6 | child ]--> [ s0 s1 .. | null ]
//   buckets_[1]  [ s0 s1 -- -- -- -- -- | null  ]
//   ...
//
// A slot holds the entry pointer in its low 48 bits and the top 16 bits of
// the key's hash above them (a tag: a probe dereferences an entry only when
// its tag matches, one false match in 65,536); 0 is an empty slot.
// Invariant: a chain is packed, every bucket full but its last, and the
// occupied slots of a bucket come first; a child bucket exists only while
// it holds an entry.
//
// Size: the table holds on average kMaxLoad entries per bucket before it
// doubles and at least kMinLoad before it halves (or less, to one bucket),
// rehashing at once (as absl's tables do). At 1,000,000 keys: 2^18 buckets,
// 16.8 bytes a key, against 8 for Redis's chained dict whose 24-byte
// dictEntry per key this layout does without.
//
// SCAN: because a key is always in its home bucket's chain, Redis's cursor
// works unchanged: buckets are visited in reverse-binary order of their
// index, so that after the table doubles or halves between two calls the
// buckets still to visit hold exactly the keys of the buckets that were
// still to visit. A key present for the whole iteration is returned at
// least once; twice only if the table halved during it.
//
// Owns the entries it holds: Clear and the destructor destroy them; Remove
// hands an entry back to the caller. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "engine/keyspace/entry.h"

namespace runnel::keyspace {

class KeyTable {
 public:
  using EntryVisitor = absl::FunctionRef<void(Entry* entry)>;

  KeyTable() = default;
  ~KeyTable();
  KeyTable(KeyTable&& other) noexcept;
  KeyTable& operator=(KeyTable&& other) noexcept;

  static uint64_t Hash(std::string_view key);

  size_t size() const { return size_; }
  size_t bucket_count() const { return mask_ + (buckets_ ? 1 : 0); }

  // The entry holding `key`, or nullptr.
  Entry* Find(std::string_view key) const;
  // Takes ownership of `entry`, whose key must not be in the table.
  void Insert(Entry* entry);
  // Takes `entry` (which must be in the table) out and hands it back to
  // the caller, which destroys it.
  void Remove(Entry* entry);
  // Destroys every entry.
  void Clear();

  // Visits the chain of the bucket `cursor` names and returns the cursor of
  // the next one, 0 after the last (SCAN, see above). The visitor must not
  // change the table.
  uint64_t ScanBucket(uint64_t cursor, EntryVisitor visit) const;
  // Visits every entry; the visitor must not change the table.
  void ForEach(EntryVisitor visit) const;
  // A random entry (nullptr when empty): a random non-empty bucket, then a
  // random entry of its chain, so entries in short chains are a little
  // likelier, as with Redis's dictGetRandomKey. `random` is called for
  // each draw.
  Entry* Random(absl::FunctionRef<uint64_t()> random) const;
  // Visits up to `count` entries of consecutive buckets from a random
  // entry of a random one (Redis's dictGetSomeKeys), stepping over at most
  // 10 * count buckets; every entry can be drawn first.
  void Sample(uint64_t random, size_t count, EntryVisitor visit) const;

 private:
  static constexpr size_t kSlots = 7;
  static constexpr size_t kMaxLoad = 5;  // entries per bucket before doubling
  static constexpr size_t kMinLoad = 1;  // ... and below which a table halves
  static constexpr int kTagShift = 48;
  static constexpr uint64_t kPointerMask = (uint64_t{1} << kTagShift) - 1;

  struct alignas(64) Bucket {
    uint64_t slots[kSlots] = {};
    Bucket* child = nullptr;
  };
  static_assert(sizeof(Bucket) == 64, "one cache line");

  static Entry* EntryOf(uint64_t slot) { return reinterpret_cast<Entry*>(slot & kPointerMask); }
  static uint64_t SlotOf(Entry* entry, uint64_t hash);
  // Puts `slot` in the first free place of `home`'s chain.
  static void Place(Bucket& home, uint64_t slot);
  static void VisitChain(const Bucket& home, EntryVisitor visit);
  static void FreeChildren(Bucket& home);

  // Rebuilds the table with `buckets` buckets (a power of two), rehashing.
  void Resize(size_t buckets);
  void DestroyAll();

  std::unique_ptr<Bucket[]> buckets_;
  size_t mask_ = 0;  // bucket count - 1 while buckets_ is set
  size_t size_ = 0;
};

}  // namespace runnel::keyspace
