// Keyspace: one database's namespace, key -> value, shared by every value
// type Runnel serves (streams and strings arrive with their issues). SELECT
// picks one Keyspace of the server's `databases`.
//
// The keyspace owns values through the Value interface (value.h). Expiry
// times are milliseconds since the Unix epoch.
//
// Two structures, one set of keys:
//
//   table_     key -> Entry*            lookups, SCAN, KEYS, RANDOMKEY and
//              (key_table.h)            eviction samples; owns the entries,
//                                       each one allocation with its key
//                                       (entry.h)
//   expires_   [(Entry*, expire_at)]    keys with a TTL: the expiry time,
//                                       active expiry's sweep and volatile-*
//                                       eviction samples
//
// SCAN's cursor is Redis's: a bucket of the table, visited in
// reverse-binary order, so that a key present for the whole iteration is
// returned at least once even when the table doubles or halves between
// calls (twice, rarely, only if it halved).
//
// Memory per key without a TTL: its entry (a 32-byte allocation for keys
// up to 15 bytes), its value, and 13 to 26 bytes of table while keys are
// added (64 / 5 to 64 / 2.5; up to 64 just before the table halves); a TTL
// adds 16 bytes in expires_.
//
// Expiry is lazy and active, as in Redis: Find() and every iteration treat
// an expired key as absent (Find removes it), and ExpireSome() removes
// expired keys that nobody touches.
//
// Each entry keeps 24 bits of access metadata (access_clock.h) that Find
// updates, for OBJECT IDLETIME/FREQ and for eviction (keyspace_eviction.cc:
// sampling candidates for the server's Evictor). Only evictable values can
// be evicted: streams never are, since their bodies live on disk.
//
// Not thread-safe; owned by the loop that serves it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/keyspace/access_clock.h"
#include "engine/keyspace/entry.h"
#include "engine/keyspace/eviction_policy.h"
#include "engine/keyspace/key_table.h"
#include "engine/keyspace/value.h"

namespace runnel::keyspace {

// What happened to a key, as the key listener hears it.
enum class KeyChange : uint8_t {
  kAdded,        // Set on a key that held nothing (or only an expired value)
  kDeleted,      // Erase: DEL, UNLINK, the old value of a RENAME's target
  kExpired,      // its TTL passed: lazily, actively, or met by an overwrite
  kOverwritten,  // Set replaced a live value
  kRenamedAway,  // the source of a RENAME (the value lives on at the target)
  kFlushed,      // Clear: FLUSHDB, FLUSHALL
  kEvicted,      // Evict: maxmemory eviction chose it
};

// Whether a lookup counts as an access for LRU/LFU (Redis's LOOKUP_NOTOUCH
// is kNo: TYPE, EXISTS, TTL and OBJECT look without touching).
enum class Touch : uint8_t { kYes, kNo };

// Milliseconds since the Unix epoch; injectable for tests.
using Clock = int64_t (*)();
int64_t SystemClockMs();

class Keyspace {
 public:
  explicit Keyspace(Clock clock = SystemClockMs) : clock_(clock) {}
  Keyspace(Keyspace&&) = default;
  Keyspace& operator=(Keyspace&&) = default;

  // Told of every value that arrives at a key that held nothing (kAdded,
  // after it is stored) and of every value that leaves its key (before it is
  // discarded), with the reason. The server wakes clients blocked on a key
  // whose stream left (a blocked XREADGROUP's group went with the stream, as
  // Redis 7.2's signalDeletedKeyAsReady tells them) and publishes the
  // `new` and `expired` keyspace notifications from here.
  using KeyListener = std::function<void(KeyChange change, std::string_view key, const Value& value)>;
  void set_key_listener(KeyListener listener) { key_listener_ = std::move(listener); }

  // How Find and Set record accesses (LRU or LFU); one setting for every
  // key, changed with maxmemory-policy.
  void set_access_tracking(const AccessTracking& tracking) { tracking_ = tracking; }
  const AccessTracking& access_tracking() const { return tracking_; }

  // The expiry of `entry` (one of this keyspace's), 0 for none.
  int64_t ExpireAtMs(const Entry& entry) const {
    return entry.expires_slot == Entry::kNoSlot ? 0 : expires_[entry.expires_slot].expire_at_ms;
  }

  // nullptr when absent or expired (an expired key is removed here). A
  // found key is touched (its LRU clock or LFU counter updated) unless
  // `touch` is kNo.
  Entry* Find(std::string_view key, Touch touch = Touch::kYes);
  // Inserts or replaces (discarding) the value at `key`. The expiry becomes
  // the one the value carries (stored_expire_at_ms: none for a new value).
  // A new key starts its access metadata; a replaced one counts as touched
  // (an overwrite keeps the LFU counter, as Redis's dbSetValue).
  Entry& Set(std::string_view key, std::unique_ptr<Value> value);
  // Discards and removes `key`; returns whether it existed and had not
  // expired (an expired key is removed too, counted as expired).
  bool Erase(std::string_view key);
  // Discards and removes every key.
  void Clear();

  // Sets (expire_at_ms > 0) or removes (0) `key`'s expiry, persisting it
  // through the value first; on error nothing changes. NotFound when `key`
  // is absent (callers Find it first, which removes it if expired).
  absl::Status SetExpireAt(std::string_view key, int64_t expire_at_ms);

  // RENAME: moves `from`'s value and expiry to `to`, discarding whatever
  // `to` held. NotFound ("no such key") when `from` is absent; renaming a
  // key to itself changes nothing. When moving the value fails (a stream's
  // directory), `from` keeps its value and the error is returned; `to`'s
  // old value is gone by then.
  absl::Status Rename(std::string_view from, std::string_view to);

  // SCAN: visits the keys of whole buckets from `cursor` (0: the start)
  // until about `count` keys were seen (or 10 * count buckets),
  // skipping expired ones, and returns the cursor to resume from (0: done).
  using KeyVisitor = absl::FunctionRef<void(std::string_view key, const Entry& entry)>;
  uint64_t Scan(uint64_t cursor, size_t count, KeyVisitor visit);
  // KEYS: visits every live key.
  void ForEach(KeyVisitor visit);
  // RANDOMKEY: a live key, or nullopt when there is none.
  std::optional<std::string> RandomKey();

  // OBJECT IDLETIME (LRU tracking) and OBJECT FREQ (LFU tracking).
  uint64_t IdleMs(const Entry& entry) const { return LruIdleMs(entry.access, clock_()); }
  uint8_t Frequency(const Entry& entry) const {
    return LfuCount(entry.access, clock_(), tracking_.lfu_decay_time);
  }

  // --- eviction (keyspace_eviction.cc) ---
  // Evictable keys of `scope` (keys with a TTL, for kVolatile).
  size_t evictable_count(EvictionScope scope) const {
    return scope == EvictionScope::kAllKeys ? evictable_keys_ : evictable_expires_;
  }
  // Visits up to `count` evictable keys of `scope`, picked at random (a
  // random run of the table's buckets, or random slots of the expiry index): the
  // candidates of one eviction round. O(count).
  void SampleEvictable(EvictionScope scope, size_t count, KeyVisitor visit);
  // Removes `key` (KeyChange::kEvicted) if it is still an evictable key of
  // `scope` (a sampled key may have gone, lost its TTL, or become a stream
  // since); returns whether it did.
  bool Evict(std::string_view key, EvictionScope scope);

  // Active expiry: checks the next few keys with a TTL (a cursor sweeping
  // them all over successive calls) and removes the expired ones, repeating
  // while many were expired and `budget` lasts.
  // Returns how many keys it removed.
  size_t ExpireSome(int64_t now_ms, absl::Duration budget);

  size_t size() const { return table_.size(); }
  // Keys with an expiry set (INFO keyspace "expires").
  size_t expires_count() const { return expires_.size(); }
  // Keys removed because their TTL passed (INFO stats "expired_keys").
  uint64_t expired_keys() const { return expired_keys_; }
  int64_t now_ms() const { return clock_(); }

 private:
  struct ExpiryRecord {
    Entry* entry;
    int64_t expire_at_ms;
  };

  bool IsExpired(const Entry& entry, int64_t now_ms) const {
    const int64_t at = ExpireAtMs(entry);
    return at != 0 && at <= now_ms;
  }
  // Removes `entry` (discarding its value) from both structures and frees
  // it; a kExpired removal is counted in expired_keys.
  void EraseEntry(Entry* entry, KeyChange change);
  // The next number of the keyspace's generator (splitmix64): sampling for
  // RANDOMKEY, expiry and eviction, and LFU's probabilistic increments.
  uint64_t NextRandom();
  double NextUnit();  // uniform in [0, 1)
  // The access metadata after a touch now.
  uint32_t Touched(const Entry& entry, int64_t now_ms) {
    return TouchedAccess(entry.access, tracking_, now_ms, tracking_.lfu ? NextUnit() : 0.0);
  }
  // Records `entry`'s expiry (> 0), indexing it if it had none.
  void IndexExpiry(Entry& entry, int64_t expire_at_ms);
  void UnindexExpiry(Entry& entry);
  // Removes keys found expired during an iteration (after it, so the
  // iteration's positions stay valid).
  void EraseExpired(const std::vector<std::string>& keys);

  void Notify(KeyChange change, std::string_view key, const Value& value) {
    if (key_listener_) key_listener_(change, key, value);
  }

  Clock clock_;
  KeyListener key_listener_;
  KeyTable table_;
  std::vector<ExpiryRecord> expires_;
  uint64_t expired_keys_ = 0;
  AccessTracking tracking_;
  size_t evictable_keys_ = 0;     // entries whose value is evictable()
  size_t evictable_expires_ = 0;  // ... and that have a TTL
  uint64_t random_state_ = 0x9e3779b97f4a7c15ULL;
  size_t expire_cursor_ = 0;  // ExpireSome's position in expires_
};

}  // namespace runnel::keyspace
