// KeyTable (key_table.h): chains of 7-slot buckets, tagged pointers, and
// Redis's reverse-binary SCAN cursor.
#include "engine/keyspace/key_table.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/base/macros.h"

namespace runnel::keyspace {
namespace {

uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
  v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
  return (v >> 32) | (v << 32);
}

}  // namespace

KeyTable::~KeyTable() { DestroyAll(); }

KeyTable::KeyTable(KeyTable&& other) noexcept
    : buckets_(std::move(other.buckets_)),
      mask_(std::exchange(other.mask_, 0)),
      size_(std::exchange(other.size_, 0)) {}

KeyTable& KeyTable::operator=(KeyTable&& other) noexcept {
  if (this != &other) {
    DestroyAll();
    buckets_ = std::move(other.buckets_);
    mask_ = std::exchange(other.mask_, 0);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

uint64_t KeyTable::Hash(std::string_view key) {
  // libstdc++'s is MurmurHash64A: every bit well mixed, which the home
  // bucket (low bits) and the tag (high bits) both need.
  return std::hash<std::string_view>{}(key);
}

uint64_t KeyTable::SlotOf(Entry* entry, uint64_t hash) {
  const uint64_t address = reinterpret_cast<uint64_t>(entry);
  // User-space addresses fit 47 bits on x86-64 and 48 on arm64 (without
  // 5-level paging hints, which nothing here asks for).
  ABSL_RAW_CHECK((address & ~kPointerMask) == 0, "heap address above 48 bits");
  return (hash >> kTagShift) << kTagShift | address;
}

Entry* KeyTable::Find(std::string_view key) const {
  if (!buckets_) return nullptr;
  const uint64_t hash = Hash(key);
  const uint64_t tag = hash >> kTagShift;
  for (const Bucket* b = &buckets_[hash & mask_]; b != nullptr; b = b->child) {
    for (uint64_t slot : b->slots) {
      if (slot == 0) return nullptr;  // packed: nothing after a free slot
      if (slot >> kTagShift == tag && EntryOf(slot)->key() == key) return EntryOf(slot);
    }
  }
  return nullptr;
}

void KeyTable::Place(Bucket& home, uint64_t slot) {
  Bucket* b = &home;
  while (b->child != nullptr) b = b->child;
  for (uint64_t& free : b->slots) {
    if (free == 0) {
      free = slot;
      return;
    }
  }
  b->child = new Bucket();
  b->child->slots[0] = slot;
}

void KeyTable::Insert(Entry* entry) {
  if (!buckets_) Resize(1);
  const uint64_t hash = Hash(entry->key());
  Place(buckets_[hash & mask_], SlotOf(entry, hash));
  ++size_;
  if (size_ > bucket_count() * kMaxLoad) Resize(bucket_count() * 2);
}

void KeyTable::Remove(Entry* entry) {
  Bucket& home = buckets_[Hash(entry->key()) & mask_];
  uint64_t* hole = nullptr;
  Bucket* last = &home;
  Bucket* before_last = nullptr;
  for (Bucket* b = &home; b != nullptr; b = b->child) {
    for (uint64_t& slot : b->slots) {
      if (slot != 0 && EntryOf(slot) == entry) hole = &slot;
    }
    if (b->child != nullptr) before_last = b;
    last = b;
  }
  ABSL_ASSERT(hole != nullptr);  // the entry is in the table
  // Keep the chain packed: the chain's last entry fills the hole.
  size_t used = 0;
  while (used < kSlots && last->slots[used] != 0) ++used;
  uint64_t& tail = last->slots[used - 1];
  *hole = tail;
  tail = 0;
  if (used == 1 && before_last != nullptr) {
    delete last;
    before_last->child = nullptr;
  }
  --size_;
  if (size_ == 0) {
    buckets_.reset();
    mask_ = 0;
  } else if (bucket_count() > 1 && size_ < bucket_count() * kMinLoad) {
    Resize(bucket_count() / 2);
  }
}

void KeyTable::Resize(size_t buckets) {
  auto fresh = std::make_unique<Bucket[]>(buckets);
  const size_t mask = buckets - 1;
  if (buckets_) {
    for (size_t i = 0; i <= mask_; ++i) {
      VisitChain(buckets_[i], [&](Entry* entry) {
        const uint64_t hash = Hash(entry->key());
        Place(fresh[hash & mask], SlotOf(entry, hash));
      });
      FreeChildren(buckets_[i]);
    }
  }
  buckets_ = std::move(fresh);
  mask_ = mask;
}

void KeyTable::VisitChain(const Bucket& home, EntryVisitor visit) {
  for (const Bucket* b = &home; b != nullptr; b = b->child) {
    for (uint64_t slot : b->slots) {
      if (slot == 0) return;
      visit(EntryOf(slot));
    }
  }
}

void KeyTable::FreeChildren(Bucket& home) {
  Bucket* child = home.child;
  home.child = nullptr;
  while (child != nullptr) delete std::exchange(child, child->child);
}

void KeyTable::Clear() {
  DestroyAll();
  buckets_.reset();
  mask_ = 0;
  size_ = 0;
}

void KeyTable::DestroyAll() {
  if (!buckets_) return;
  for (size_t i = 0; i <= mask_; ++i) {
    VisitChain(buckets_[i], [](Entry* entry) { Entry::Destroy(entry); });
    FreeChildren(buckets_[i]);
  }
}

uint64_t KeyTable::ScanBucket(uint64_t cursor, EntryVisitor visit) const {
  if (!buckets_) return 0;
  VisitChain(buckets_[cursor & mask_], visit);
  // Redis's dictScan: increment the cursor's reversed bits above the mask,
  // so that the order is the same for a table of any size.
  cursor |= ~static_cast<uint64_t>(mask_);
  cursor = ReverseBits(ReverseBits(cursor) + 1);
  return cursor;
}

void KeyTable::ForEach(EntryVisitor visit) const {
  if (!buckets_) return;
  for (size_t i = 0; i <= mask_; ++i) VisitChain(buckets_[i], visit);
}

Entry* KeyTable::Random(absl::FunctionRef<uint64_t()> random) const {
  if (size_ == 0) return nullptr;
  // The table keeps at least kMinLoad entries per bucket on average (or
  // has one bucket), so a draw finds a non-empty bucket with probability
  // at least 1 - 1/e: few draws.
  for (;;) {
    const Bucket& home = buckets_[random() & mask_];
    if (home.slots[0] == 0) continue;
    size_t length = 0;
    VisitChain(home, [&](Entry*) { ++length; });
    size_t pick = random() % length;
    Entry* chosen = nullptr;
    VisitChain(home, [&](Entry* entry) {
      if (pick-- == 0) chosen = entry;
    });
    return chosen;
  }
}

void KeyTable::Sample(uint64_t random, size_t count, EntryVisitor visit) const {
  if (size_ == 0 || count == 0) return;
  // Start at a random entry of a random bucket's chain, not at its head:
  // with several keys a bucket, a sample that always began at the head
  // would never reach a key that sits `count` deep in its chain.
  const Bucket& first = buckets_[random & mask_];
  size_t length = 0;
  VisitChain(first, [&](Entry*) { ++length; });
  size_t skip = length == 0 ? 0 : (random >> 32) % length;
  size_t visited = 0;
  const size_t steps = std::min(bucket_count(), 10 * count);
  for (size_t step = 0; step < steps && visited < count; ++step) {
    const Bucket& home = buckets_[(random + step) & mask_];
    for (const Bucket* b = &home; b != nullptr && visited < count; b = b->child) {
      for (size_t i = 0; i < kSlots && b->slots[i] != 0 && visited < count; ++i) {
        if (skip > 0) {
          --skip;
          continue;
        }
        visit(EntryOf(b->slots[i]));
        ++visited;
      }
    }
  }
}

}  // namespace runnel::keyspace
