// Keyspace: one database's namespace, key -> value, shared by every value
// type Runnel serves (streams and strings arrive with their issues). SELECT
// picks one Keyspace of the server's `databases`.
//
// The keyspace owns values through the Value interface so that a command can
// tell a key's type (TYPE, WRONGTYPE) without knowing every type's class.
// Expiry times live beside the value, in milliseconds since the Unix epoch.
//
// Not thread-safe; owned by the loop that serves it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/string_map.h"

namespace runnel::keyspace {

enum class ValueType : uint8_t { kString, kStream };

// Name as TYPE answers it.
std::string_view ValueTypeName(ValueType type);

class Value {
 public:
  virtual ~Value() = default;
  virtual ValueType type() const = 0;
  // The key is being removed (DEL, FLUSHDB, an overwrite, expiry): release
  // what outlives the process (a stream's files). Not called when the
  // server merely exits, which destroys every value.
  virtual void Discard() {}
};

struct Entry {
  std::unique_ptr<Value> value;
  int64_t expire_at_ms = 0;  // 0: no expiry
};

class Keyspace {
 public:
  // nullptr when absent.
  Entry* Find(std::string_view key);
  // Inserts or replaces (discarding) the value at `key`; clears any expiry.
  Entry& Set(std::string_view key, std::unique_ptr<Value> value);
  // Discards and removes `key`; returns whether it existed.
  bool Erase(std::string_view key);
  // Discards and removes every key.
  void Clear();

  size_t size() const { return entries_.size(); }
  // Keys with an expiry set (INFO keyspace "expires").
  size_t expires_count() const;

 private:
  base::StringMap<Entry> entries_;
};

}  // namespace runnel::keyspace
