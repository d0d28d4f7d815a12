// The one checksum of Runnel's on-disk formats: XXH3 (xxHash 0.8, Debian's
// libxxhash). Records store its low 32 bits, which is as strong against torn
// writes and bit flips as a CRC32 and runs at memory bandwidth.
#pragma once

#include <cstdint>
#include <string_view>

#include <xxhash.h>

namespace runnel::base {

inline uint64_t Checksum64(std::string_view data) { return XXH3_64bits(data.data(), data.size()); }

inline uint32_t Checksum32(std::string_view data) {
  return static_cast<uint32_t>(Checksum64(data));
}

}  // namespace runnel::base
