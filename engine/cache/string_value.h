// StringValue: a string key's value, held in memory (string keys do not
// survive a restart, as in Redis without persistence).
//
// One allocation per value, the bytes inline after a 12-byte header (16
// when the value has room to grow):
//
//   +--------+------------------+--------------+-------------------+
//   | vtable | size:30 layout:2 | [capacity:32] | bytes             |
//   +--------+------------------+--------------+-------------------+
//    8 bytes  4 bytes            4 bytes, only   size used, the rest
//                                for kRaw and    room to grow
//                                kIntWithRoom
//
// A small value ("xxx") takes 15 bytes, a 16-byte allocation; Redis's
// embstr takes 23 (16-byte robj, 3-byte sds header, the bytes and a NUL).
// The bytes of an exact-size value start inside what the compiler counts
// as the object's tail padding (sizeof is 16 for alignment): nothing copies
// a StringValue, and the allocation is never smaller than sizeof.
// Integers are kept as their decimal text too: GET needs no formatting,
// INCR parses and rewrites at most 20 bytes in place. The encoding is what
// OBJECT ENCODING reports, following Redis's rules: "int" for a value
// string2ll accepts (at most 20 bytes), "embstr" up to 44 bytes, "raw"
// beyond that and for any value that APPEND or SETRANGE changed (Redis
// unshares those into a raw sds, with room to grow).
//
// Values live in a keyspace Entry (std::unique_ptr<keyspace::Value>); the
// edits below may swap the value for a bigger allocation, which keeps the
// entry and its TTL. Not thread-safe, like the keyspace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/keyspace/keyspace.h"

namespace runnel::cache {

class StringValue final : public keyspace::Value {
 public:
  enum class Encoding : uint8_t { kInt, kEmbstr, kRaw };
  // Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
  static constexpr size_t kEmbstrLimit = 44;
  // The longest value the 30-bit size can hold; callers refuse longer ones
  // (only reachable with proto-max-bulk-len raised above 1 GiB).
  static constexpr size_t kMaxSize = (size_t{1} << 30) - 1;

  // The value SET stores, encoded as Redis's tryObjectEncoding would.
  // bytes.size() <= kMaxSize.
  static std::unique_ptr<StringValue> FromBytes(std::string_view bytes);
  // `bytes` as Redis's createStringObject makes it, without looking for an
  // integer: embstr up to kEmbstrLimit bytes, raw beyond (INCRBYFLOAT).
  static std::unique_ptr<StringValue> Plain(std::string_view bytes);
  // `bytes` as a raw string with room for `capacity` bytes (>= its size).
  static std::unique_ptr<StringValue> Raw(std::string_view bytes, size_t capacity);
  // An integer (INCR's result): int-encoded.
  static std::unique_ptr<StringValue> FromInt(int64_t value);

  StringValue(const StringValue&) = delete;
  StringValue& operator=(const StringValue&) = delete;
  // Frees the one allocation (header and bytes) the factories make.
  static void operator delete(void* p) { ::operator delete(p); }

  keyspace::ValueType type() const override { return keyspace::ValueType::kString; }
  std::string_view encoding() const override;

  Encoding encoding_kind() const;
  std::string_view view() const { return {data(), size()}; }
  size_t size() const { return size_; }
  // Bytes the allocation holds for the value: its size unless it has room
  // to grow.
  size_t capacity() const;

 private:
  friend size_t Append(std::unique_ptr<keyspace::Value>& slot, std::string_view tail);
  friend size_t WriteAt(std::unique_ptr<keyspace::Value>& slot, size_t offset, std::string_view bytes);
  friend void StoreInt(std::unique_ptr<keyspace::Value>& slot, int64_t value);

  // How the bytes are laid out, and the encoding they report.
  enum class Layout : uint8_t {
    kInt,          // "int", exact size
    kEmbstr,       // "embstr", exact size
    kRaw,          // "raw", with a capacity field
    kIntWithRoom,  // "int" written in place into a raw value's allocation
  };
  static constexpr size_t kHeaderBytes = 12;  // vtable and the size word
  static bool HasRoom(Layout layout) { return layout == Layout::kRaw || layout == Layout::kIntWithRoom; }
  static size_t BytesOffset(Layout layout) { return kHeaderBytes + (HasRoom(layout) ? sizeof(uint32_t) : 0); }

  StringValue(std::string_view bytes, size_t capacity, Layout layout);
  static std::unique_ptr<StringValue> Make(std::string_view bytes, size_t capacity, Layout layout);
  // The value in `slot` as a raw string with room for `size` bytes; a new,
  // bigger allocation (with Redis's greedy headroom) when it has too little.
  static StringValue& RawWithRoom(std::unique_ptr<keyspace::Value>& slot, size_t size);

  Layout layout() const { return static_cast<Layout>(layout_); }
  char* data() { return reinterpret_cast<char*>(this) + BytesOffset(layout()); }
  const char* data() const { return reinterpret_cast<const char*>(this) + BytesOffset(layout()); }

  uint32_t size_ : 30;
  uint32_t layout_ : 2;
};

// `value` as the StringValue it is (type() == kString).
inline const StringValue& AsString(const keyspace::Value& value) { return static_cast<const StringValue&>(value); }

// Edits of the string in `slot` (an Entry's value holding a StringValue),
// as Redis makes them; each leaves it raw-encoded except StoreInt. The
// caller checks the resulting length against its limit (at most kMaxSize).

// APPEND: adds `tail`; returns the new length.
size_t Append(std::unique_ptr<keyspace::Value>& slot, std::string_view tail);
// SETRANGE: overwrites from `offset`, zero-padding any gap past the end;
// returns the new length. `bytes` is not empty.
size_t WriteAt(std::unique_ptr<keyspace::Value>& slot, size_t offset, std::string_view bytes);
// INCR and friends: the value becomes `value`, int-encoded.
void StoreInt(std::unique_ptr<keyspace::Value>& slot, int64_t value);

}  // namespace runnel::cache
