#include "engine/keyspace/keyspace.h"

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

Entry* Keyspace::Find(std::string_view key) {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

Entry& Keyspace::Set(std::string_view key, std::unique_ptr<Value> value) {
  Entry& entry = entries_[key];
  if (entry.value != nullptr) entry.value->Discard();
  entry.value = std::move(value);
  entry.expire_at_ms = 0;
  return entry;
}

bool Keyspace::Erase(std::string_view key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  it->second.value->Discard();
  entries_.erase(it);
  return true;
}

void Keyspace::Clear() {
  for (auto& [key, entry] : entries_) entry.value->Discard();
  entries_.clear();
}

size_t Keyspace::expires_count() const {
  // TODO(#4): keep a count (or an expiry index) once keys can carry TTLs; a
  // scan is fine while INFO is the only caller.
  size_t n = 0;
  for (const auto& [key, entry] : entries_) n += entry.expire_at_ms != 0;
  return n;
}

}  // namespace runnel::keyspace
