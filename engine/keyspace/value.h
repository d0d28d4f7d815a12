// Value: what a key holds, as the keyspace sees it. Each type (strings in
// engine/cache, streams in engine/stream) implements it, so that a command
// can tell a key's type (TYPE, WRONGTYPE) and act on any key (RENAME,
// EXPIRE) without knowing every type's class.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"

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

}  // namespace runnel::keyspace
