// Keyspace: lookups, inserts, removal and RENAME, keeping the table and the
// expiry index (keyspace.h) in step. Iteration is in keyspace_scan.cc,
// expiry in keyspace_expiry.cc.
#include "engine/keyspace/keyspace.h"

#include <utility>

namespace runnel::keyspace {

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kStream:
      return "stream";
  }
  return "none";
}

int64_t SystemClockMs() { return absl::ToUnixMillis(absl::Now()); }

uint64_t Keyspace::NextRandom() {
  // splitmix64: cheap, and every output bit is well mixed.
  random_state_ += 0x9e3779b97f4a7c15ULL;
  uint64_t z = random_state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Keyspace::NextUnit() { return static_cast<double>(NextRandom() >> 11) * 0x1.0p-53; }

Entry* Keyspace::Find(std::string_view key, Touch touch) {
  Entry* entry = table_.Find(key);
  if (entry == nullptr) return nullptr;
  const int64_t now = clock_();
  if (IsExpired(*entry, now)) {
    EraseEntry(entry, KeyChange::kExpired);
    return nullptr;
  }
  if (touch == Touch::kYes) entry->access = Touched(*entry, now);
  return entry;
}

Entry& Keyspace::Set(std::string_view key, std::unique_ptr<Value> value) {
  Entry* entry = table_.Find(key);
  // An expired value met here was not there to overwrite: it expires, and
  // the key is new again, as Redis's lookupKeyWrite sees it.
  const int64_t now = clock_();
  bool added = entry == nullptr;
  if (entry == nullptr) {
    entry = Entry::Create(key);
    table_.Insert(entry);
  } else {
    const bool expired = IsExpired(*entry, now);
    if (expired) ++expired_keys_;
    Notify(expired ? KeyChange::kExpired : KeyChange::kOverwritten, entry->key(), *entry->value);
    entry->value->Discard();
    UnindexExpiry(*entry);
    if (entry->value->evictable()) --evictable_keys_;
    added = expired;
  }
  entry->access = added ? InitialAccess(tracking_, now) : Touched(*entry, now);
  entry->value = std::move(value);
  if (entry->value->evictable()) ++evictable_keys_;
  if (const int64_t at = entry->value->stored_expire_at_ms(); at != 0) IndexExpiry(*entry, at);
  if (added) Notify(KeyChange::kAdded, entry->key(), *entry->value);
  return *entry;
}

bool Keyspace::Erase(std::string_view key) {
  Entry* entry = table_.Find(key);
  if (entry == nullptr) return false;
  // An expired key is removed all the same, but was not there to delete
  // (DEL of it replies 0, as Redis's lookupKeyWrite expires it first).
  const bool live = !IsExpired(*entry, clock_());
  EraseEntry(entry, live ? KeyChange::kDeleted : KeyChange::kExpired);
  return live;
}

void Keyspace::EraseEntry(Entry* entry, KeyChange change) {
  if (change == KeyChange::kExpired) ++expired_keys_;
  Notify(change, entry->key(), *entry->value);
  entry->value->Discard();
  UnindexExpiry(*entry);
  if (entry->value->evictable()) --evictable_keys_;
  table_.Remove(entry);
  Entry::Destroy(entry);
}

void Keyspace::Clear() {
  table_.ForEach([&](Entry* entry) {
    Notify(KeyChange::kFlushed, entry->key(), *entry->value);
    entry->value->Discard();
  });
  table_.Clear();
  expires_.clear();
  evictable_keys_ = 0;
  evictable_expires_ = 0;
}

absl::Status Keyspace::SetExpireAt(std::string_view key, int64_t expire_at_ms) {
  Entry* entry = table_.Find(key);
  if (entry == nullptr) return absl::NotFoundError("no such key");
  if (ExpireAtMs(*entry) == expire_at_ms) return absl::OkStatus();
  if (absl::Status status = entry->value->PersistExpireAt(expire_at_ms); !status.ok()) return status;
  if (expire_at_ms == 0) {
    UnindexExpiry(*entry);
  } else {
    IndexExpiry(*entry, expire_at_ms);
  }
  return absl::OkStatus();
}

void Keyspace::IndexExpiry(Entry& entry, int64_t expire_at_ms) {
  if (entry.expires_slot != Entry::kNoSlot) {
    expires_[entry.expires_slot].expire_at_ms = expire_at_ms;
    return;
  }
  entry.expires_slot = static_cast<uint32_t>(expires_.size());
  expires_.push_back(ExpiryRecord{&entry, expire_at_ms});
  if (entry.value->evictable()) ++evictable_expires_;
}

void Keyspace::UnindexExpiry(Entry& entry) {
  const uint32_t slot = entry.expires_slot;
  if (slot == Entry::kNoSlot) return;
  if (entry.value->evictable()) --evictable_expires_;
  // Swap-remove: the last key takes the freed slot.
  expires_[slot] = expires_.back();
  expires_[slot].entry->expires_slot = slot;
  expires_.pop_back();
  entry.expires_slot = Entry::kNoSlot;
}

absl::Status Keyspace::Rename(std::string_view from, std::string_view to) {
  if (Find(from) == nullptr) return absl::NotFoundError("no such key");
  if (from == to) return absl::OkStatus();
  Erase(to);  // frees the name (a stream's directory) before the move
  Entry* source = table_.Find(from);
  if (absl::Status status = source->value->MoveTo(to); !status.ok()) return status;
  Notify(KeyChange::kRenamedAway, from, *source->value);  // `from` no longer holds it
  // The key is part of the entry's allocation: a new entry takes the value,
  // the access metadata and the expiry slot (which must point at it).
  Entry* target = Entry::Create(to);
  target->value = std::move(source->value);
  target->access = source->access;
  target->expires_slot = std::exchange(source->expires_slot, Entry::kNoSlot);
  if (target->expires_slot != Entry::kNoSlot) expires_[target->expires_slot].entry = target;
  table_.Remove(source);
  Entry::Destroy(source);
  table_.Insert(target);
  return absl::OkStatus();
}

}  // namespace runnel::keyspace
