// Where a stream's files live, in one place (like LevelDB's db/filename.h).
//
//   <dir>/streams/<db>/<stream directory>/
//       <ms:016x>-<seq:016x>.seg   segments, named by their first record's ID,
//                                  so a directory listing sorts them in order
//       meta                       the meta journal (trims, deletions, metadata)
//       groups                     the consumer-group journal (engine/stream/group_journal.h)
//       key                        the key's bytes, only for hashed names
//
// Stream directory names are binary-safe: bytes [A-Za-z0-9_-] and a '.' that
// is not first stay as they are; every other byte becomes %XX (upper-case
// hex). A name longer than kMaxEncodedKeyBytes becomes "%%" followed by the
// 32 hex digits of the key's XXH3-128; its key is stored in the "key" file.
// "%%" can begin no escaped name, so the two forms never collide; names that
// begin with '.' are never streams (a leading '.' is always escaped) and are
// used for directories being deleted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/log/record_format.h"

namespace runnel::log {

// Keeps a directory name within NAME_MAX (255) with room for temporary suffixes.
inline constexpr size_t kMaxEncodedKeyBytes = 200;
inline constexpr std::string_view kMetaFileName = "meta";
inline constexpr std::string_view kGroupsFileName = "groups";
inline constexpr std::string_view kKeyFileName = "key";
inline constexpr std::string_view kSegmentSuffix = ".seg";

std::string StreamsRoot(const std::string& data_dir);
std::string DatabaseDirectory(const std::string& data_dir, int db);

// The directory name for `key`, and whether it is a hashed name (which needs
// the key file).
std::string EncodeKeyName(std::string_view key);
bool IsHashedKeyName(std::string_view name);
// The key of an escaped (not hashed) name; nullopt when `name` is not one.
std::optional<std::string> DecodeKeyName(std::string_view name);

std::string SegmentFileName(RecordId base_id);
// The base ID of a segment file name; nullopt for any other name.
std::optional<RecordId> ParseSegmentFileName(std::string_view name);

}  // namespace runnel::log
