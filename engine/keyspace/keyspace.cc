// Keyspace: lookups, inserts, removal and RENAME, keeping the three indexes
// (keyspace.h) in step. Iteration is in keyspace_scan.cc, expiry in
// keyspace_expiry.cc.
#include "engine/keyspace/keyspace.h"

#include <functional>

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

uint64_t Keyspace::OrderHash(std::string_view key) {
  // Any fixed function of the bytes will do: SCAN's guarantee needs only
  // that a key's position never changes while it exists.
  return std::hash<std::string_view>{}(key);
}

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
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  Entry& entry = it->second;
  const int64_t now = clock_();
  if (IsExpired(entry, now)) {
    EraseNode(it, KeyChange::kExpired);
    return nullptr;
  }
  if (touch == Touch::kYes) entry.access = Touched(entry, now);
  return &entry;
}

Entry& Keyspace::Set(std::string_view key, std::unique_ptr<Value> value) {
  auto [it, inserted] = entries_.try_emplace(key);
  Node& node = *it;
  Entry& entry = node.second;
  // An expired value met here was not there to overwrite: it expires, and
  // the key is new again, as Redis's lookupKeyWrite sees it.
  const int64_t now = clock_();
  bool added = inserted;
  if (!inserted) {
    const bool expired = IsExpired(entry, now);
    if (expired) ++expired_keys_;
    Notify(expired ? KeyChange::kExpired : KeyChange::kOverwritten, node.first, *entry.value);
    entry.value->Discard();
    UnindexExpiry(entry);
    if (entry.value->evictable()) --evictable_keys_;
    added = expired;
  } else {
    order_.insert(Position{OrderHash(node.first), node.first});
  }
  entry.access = added ? InitialAccess(tracking_, now) : Touched(entry, now);
  entry.value = std::move(value);
  if (entry.value->evictable()) ++evictable_keys_;
  entry.expire_at_ms = entry.value->stored_expire_at_ms();
  if (entry.expire_at_ms != 0) IndexExpiry(node);
  if (added) Notify(KeyChange::kAdded, node.first, *entry.value);
  return entry;
}

bool Keyspace::Erase(std::string_view key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  // An expired key is removed all the same, but was not there to delete
  // (DEL of it replies 0, as Redis's lookupKeyWrite expires it first).
  const bool live = !IsExpired(it->second, clock_());
  EraseNode(it, live ? KeyChange::kDeleted : KeyChange::kExpired);
  return live;
}

void Keyspace::EraseNode(Map::iterator it, KeyChange change) {
  if (change == KeyChange::kExpired) ++expired_keys_;
  Notify(change, it->first, *it->second.value);
  it->second.value->Discard();
  UnindexExpiry(it->second);
  if (it->second.value->evictable()) --evictable_keys_;
  order_.erase(Position{OrderHash(it->first), it->first});
  entries_.erase(it);
}

void Keyspace::Clear() {
  for (auto& [key, entry] : entries_) {
    Notify(KeyChange::kFlushed, key, *entry.value);
    entry.value->Discard();
  }
  entries_.clear();
  order_.clear();
  expires_.clear();
  evictable_keys_ = 0;
  evictable_expires_ = 0;
}

absl::Status Keyspace::SetExpireAt(std::string_view key, int64_t expire_at_ms) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return absl::NotFoundError("no such key");
  Entry& entry = it->second;
  if (entry.expire_at_ms == expire_at_ms) return absl::OkStatus();
  if (absl::Status status = entry.value->PersistExpireAt(expire_at_ms); !status.ok()) return status;
  entry.expire_at_ms = expire_at_ms;
  if (expire_at_ms == 0) {
    UnindexExpiry(entry);
  } else {
    IndexExpiry(*it);
  }
  return absl::OkStatus();
}

void Keyspace::IndexExpiry(Node& node) {
  if (node.second.expires_slot != Entry::kNoSlot) return;
  node.second.expires_slot = static_cast<uint32_t>(expires_.size());
  expires_.push_back(&node);
  if (node.second.value->evictable()) ++evictable_expires_;
}

void Keyspace::UnindexExpiry(Entry& entry) {
  const uint32_t slot = entry.expires_slot;
  if (slot == Entry::kNoSlot) return;
  if (entry.value->evictable()) --evictable_expires_;
  // Swap-remove: the last key takes the freed slot.
  expires_[slot] = expires_.back();
  expires_[slot]->second.expires_slot = slot;
  expires_.pop_back();
  entry.expires_slot = Entry::kNoSlot;
}

absl::Status Keyspace::Rename(std::string_view from, std::string_view to) {
  if (Find(from) == nullptr) return absl::NotFoundError("no such key");
  if (from == to) return absl::OkStatus();
  Erase(to);  // frees the name (a stream's directory) before the move
  auto it = entries_.find(from);
  if (absl::Status status = it->second.value->MoveTo(to); !status.ok()) return status;
  Notify(KeyChange::kRenamedAway, from, *it->second.value);  // `from` no longer holds it
  // Re-key the node in place: the Entry (and so its expiry slot, which
  // points at the node) stays where it is.
  order_.erase(Position{OrderHash(it->first), it->first});
  Map::node_type node = entries_.extract(it);
  node.key() = std::string(to);
  auto inserted = entries_.insert(std::move(node));
  order_.insert(Position{OrderHash(inserted.position->first), inserted.position->first});
  return absl::OkStatus();
}

}  // namespace runnel::keyspace
