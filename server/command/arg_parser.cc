#include "server/command/arg_parser.h"

#include "engine/base/strings.h"

namespace runnel::command {

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return std::nullopt;
  }
  // A leading zero is only valid as the whole number "0".
  if (s[i] == '0') {
    if (s.size() == 1) return 0;
    return std::nullopt;
  }
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

bool ArgCursor::Match(std::string_view keyword) {
  if (done() || !base::EqualsIgnoreCase(args_[pos_], keyword)) return false;
  ++pos_;
  return true;
}

}  // namespace runnel::command
