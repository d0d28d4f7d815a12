#include "engine/log/segment_naming.h"

#include <xxhash.h>

#include "absl/strings/str_format.h"
#include "engine/base/sds_escapes.h"
#include "engine/base/strings.h"

namespace runnel::log {
namespace {

bool IsPlainByte(char c, size_t position) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  if (c == '_' || c == '-') return true;
  return c == '.' && position > 0;
}

bool ParseHex64(std::string_view text, uint64_t* value) {
  if (text.size() != 16) return false;
  uint64_t result = 0;
  for (char c : text) {
    const int digit = base::HexValue(c);
    if (digit < 0 || (c >= 'A' && c <= 'F')) return false;  // names are lower-case
    result = (result << 4) | static_cast<uint64_t>(digit);
  }
  *value = result;
  return true;
}

}  // namespace

std::string StreamsRoot(const std::string& data_dir) { return base::StrCat(data_dir, "/streams"); }

std::string DatabaseDirectory(const std::string& data_dir, int db) {
  return base::StrCat(StreamsRoot(data_dir), "/", std::to_string(db));
}

std::string EncodeKeyName(std::string_view key) {
  std::string name;
  name.reserve(key.size());
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (IsPlainByte(c, i)) {
      name.push_back(c);
    } else {
      absl::StrAppendFormat(&name, "%%%02X", static_cast<unsigned char>(c));
    }
  }
  // The empty key is a valid Redis key; "%" alone cannot be an escape.
  if (key.empty()) name = "%";
  if (name.size() <= kMaxEncodedKeyBytes) return name;
  const XXH128_hash_t hash = XXH3_128bits(key.data(), key.size());
  return absl::StrFormat("%%%%%016x%016x", hash.high64, hash.low64);
}

bool IsHashedKeyName(std::string_view name) { return name.size() == 34 && name.substr(0, 2) == "%%"; }

std::optional<std::string> DecodeKeyName(std::string_view name) {
  if (name == "%") return std::string();
  if (name.empty() || IsHashedKeyName(name)) return std::nullopt;
  std::string key;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '%') {
      if (!IsPlainByte(name[i], i)) return std::nullopt;
      key.push_back(name[i]);
      continue;
    }
    if (i + 2 >= name.size()) return std::nullopt;
    const int high = base::HexValue(name[i + 1]);
    const int low = base::HexValue(name[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    key.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return key;
}

std::string SegmentFileName(RecordId base_id) {
  return absl::StrFormat("%016x-%016x%s", base_id.ms, base_id.seq, kSegmentSuffix);
}

std::optional<RecordId> ParseSegmentFileName(std::string_view name) {
  if (name.size() != 33 + kSegmentSuffix.size() || name[16] != '-' ||
      name.substr(33) != kSegmentSuffix) {
    return std::nullopt;
  }
  RecordId id;
  if (!ParseHex64(name.substr(0, 16), &id.ms) || !ParseHex64(name.substr(17, 16), &id.seq)) {
    return std::nullopt;
  }
  return id;
}

}  // namespace runnel::log
