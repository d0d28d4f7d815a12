// Keyspace: one database's namespace, key -> value, shared by every value
// type Runnel serves (streams and strings arrive with their issues). SELECT
// picks one Keyspace of the server's `databases`.
//
// The keyspace owns values through the Value interface so that a command can
// tell a key's type (TYPE, WRONGTYPE) and act on any key (RENAME, EXPIRE)
// without knowing every type's class. Expiry times live beside the value, in
// milliseconds since the Unix epoch.
//
// Three structures, one set of keys:
//
//   entries_   key -> Entry                  lookups (node-based: keys and
//                                            entries never move, so the two
//                                            indexes below point into it)
//   order_     (hash(key), key), ordered     SCAN, KEYS, RANDOMKEY
//   expires_   [Entry*] of keys with a TTL   active expiry and volatile-*
//                                            eviction sample it
//
// SCAN's cursor is a position in order_: the hash at which the next call
// resumes. A key's place in that order depends on nothing but its bytes, so
// keys added or removed between calls never move the others: every key
// present for the whole iteration is returned (once, unless two keys share a
// 64-bit hash across a batch boundary: a batch never ends inside a run of
// equal hashes, so even then it is once). This is the guarantee Redis gets
// from its reverse-binary cursor, without depending on table sizes.
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

#include "absl/container/btree_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/base/string_map.h"
#include "engine/keyspace/access_clock.h"
#include "engine/keyspace/eviction_policy.h"

namespace runnel::keyspace {

enum class ValueType : uint8_t { kString, kStream };

// Name as TYPE answers it.
std::string_view ValueTypeName(ValueType type);

class Value {
 public:
  virtual ~Value() = default;
  virtual ValueType type() const = 0;
  // OBJECT ENCODING's answer.
  virtual std::string_view encoding() const = 0;
  // The key is being removed (DEL, FLUSHDB, an overwrite, expiry): release
  // what outlives the process (a stream's files). Not called when the
  // server merely exits, which destroys every value.
  virtual void Discard() {}
  // The expiry the value carries from before (a reopened stream's durable
  // TTL); Keyspace::Set installs it. 0: none.
  virtual int64_t stored_expire_at_ms() const { return 0; }
  // The key's expiry becomes `expire_at_ms` (0: none): make it as durable as
  // the value (a stream journals it; an in-memory value has nothing to do).
  virtual absl::Status PersistExpireAt(int64_t /*expire_at_ms*/) { return absl::OkStatus(); }
  // The key is being renamed to `key` (which holds nothing now): move what
  // is named after the key outside memory (a stream's directory).
  virtual absl::Status MoveTo(std::string_view /*key*/) { return absl::OkStatus(); }
  // Whether maxmemory eviction may remove the key. Values that live in
  // memory may go; a stream may not (its body is on disk, and losing an
  // acknowledged entry to a cache policy is never wanted).
  virtual bool evictable() const { return type() != ValueType::kStream; }
};

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

struct Entry {
  std::unique_ptr<Value> value;
  // 0: no expiry. Read freely; change only through Keyspace::SetExpireAt,
  // which keeps the expiry index in step.
  int64_t expire_at_ms = 0;
  // Position in the keyspace's expiry index; owned by the Keyspace.
  uint32_t expires_slot = kNoSlot;
  // LRU clock or LFU counter (access_clock.h); owned by the Keyspace. With
  // expires_slot it fills what would otherwise be padding: an Entry stays
  // 24 bytes.
  uint32_t access = 0;
  static constexpr uint32_t kNoSlot = UINT32_MAX;
};

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

  // SCAN: visits up to about `count` keys (more only to finish a run of
  // equal hashes) in stable order from `cursor` (0: the start), skipping
  // expired ones, and returns the cursor to resume from (0: done).
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
  // random run of the SCAN order, or random slots of the expiry index): the
  // candidates of one eviction round. O(log n + count).
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

  size_t size() const { return entries_.size(); }
  // Keys with an expiry set (INFO keyspace "expires").
  size_t expires_count() const { return expires_.size(); }
  // Keys removed because their TTL passed (INFO stats "expired_keys").
  uint64_t expired_keys() const { return expired_keys_; }
  int64_t now_ms() const { return clock_(); }

 private:
  using Map = absl::node_hash_map<std::string, Entry, base::StringViewHash, base::StringViewEq>;
  using Node = Map::value_type;
  struct Position {
    uint64_t hash;
    std::string_view key;  // points into entries_ (node-stable)
    friend auto operator<=>(const Position&, const Position&) = default;
  };

  static uint64_t OrderHash(std::string_view key);
  bool IsExpired(const Entry& entry, int64_t now_ms) const {
    return entry.expire_at_ms != 0 && entry.expire_at_ms <= now_ms;
  }
  // Removes the node at `it` (discarding its value) from every index; a
  // kExpired removal is counted in expired_keys.
  void EraseNode(Map::iterator it, KeyChange change);
  // The next number of the keyspace's generator (splitmix64): sampling for
  // RANDOMKEY, expiry and eviction, and LFU's probabilistic increments.
  uint64_t NextRandom();
  double NextUnit();  // uniform in [0, 1)
  // The access metadata after a touch now.
  uint32_t Touched(const Entry& entry, int64_t now_ms) {
    return TouchedAccess(entry.access, tracking_, now_ms, tracking_.lfu ? NextUnit() : 0.0);
  }
  void IndexExpiry(Node& node);
  void UnindexExpiry(Entry& entry);
  // Removes keys found expired during an iteration (after it, so the
  // iteration's positions stay valid).
  void EraseExpired(const std::vector<std::string>& keys);

  void Notify(KeyChange change, std::string_view key, const Value& value) {
    if (key_listener_) key_listener_(change, key, value);
  }

  Clock clock_;
  KeyListener key_listener_;
  Map entries_;
  absl::btree_set<Position> order_;
  std::vector<Node*> expires_;
  uint64_t expired_keys_ = 0;
  AccessTracking tracking_;
  size_t evictable_keys_ = 0;     // entries whose value is evictable()
  size_t evictable_expires_ = 0;  // ... and that have a TTL
  uint64_t random_state_ = 0x9e3779b97f4a7c15ULL;
  size_t expire_cursor_ = 0;  // ExpireSome's position in expires_
};

}  // namespace runnel::keyspace
