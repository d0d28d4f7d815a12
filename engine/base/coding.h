// Little-endian fixed-width and varint encodings for Runnel's on-disk formats
// (after LevelDB's util/coding.h). Decoders take a string_view cursor and
// advance it; they never read past its end, so a hostile or torn length fails
// cleanly instead of reading out of bounds.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace runnel::base {

// The most bytes a varint64 takes.
inline constexpr size_t kMaxVarint64Bytes = 10;

inline void EncodeFixed32(char* dst, uint32_t value) { std::memcpy(dst, &value, 4); }
inline void EncodeFixed64(char* dst, uint64_t value) { std::memcpy(dst, &value, 8); }
inline uint32_t DecodeFixed32(const char* src) {
  uint32_t value;
  std::memcpy(&value, src, 4);
  return value;
}
inline uint64_t DecodeFixed64(const char* src) {
  uint64_t value;
  std::memcpy(&value, src, 8);
  return value;
}
static_assert(std::endian::native == std::endian::little, "formats are little-endian; add byte swaps");

inline size_t VarintLength(uint64_t value) {
  size_t length = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++length;
  }
  return length;
}

// Writes `value` at dst (at most kMaxVarint64Bytes) and returns the byte after it.
inline char* EncodeVarint64(char* dst, uint64_t value) {
  auto* out = reinterpret_cast<unsigned char*>(dst);
  while (value >= 0x80) {
    *out++ = static_cast<unsigned char>(value | 0x80);
    value >>= 7;
  }
  *out++ = static_cast<unsigned char>(value);
  return reinterpret_cast<char*>(out);
}

inline void PutVarint64(std::string* dst, uint64_t value) {
  char buffer[kMaxVarint64Bytes];
  dst->append(buffer, EncodeVarint64(buffer, value) - buffer);
}

// Reads a varint from the front of *input and advances it; false when the
// input ends inside the varint or the varint is longer than 10 bytes.
inline bool GetVarint64(std::string_view* input, uint64_t* value) {
  uint64_t result = 0;
  for (size_t i = 0; i < input->size() && i < kMaxVarint64Bytes; ++i) {
    const auto byte = static_cast<unsigned char>((*input)[i]);
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *value = result;
      input->remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

// Reads a varint length and that many bytes; false when either is cut short.
inline bool GetLengthPrefixed(std::string_view* input, std::string_view* result) {
  uint64_t length;
  if (!GetVarint64(input, &length) || length > input->size()) return false;
  *result = input->substr(0, length);
  input->remove_prefix(length);
  return true;
}

}  // namespace runnel::base
