#include "engine/cache/string_numbers.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace runnel::cache {
namespace {

// Redis's MAX_LONG_DOUBLE_CHARS: enough for any long double in "%.17Lf"
// (the largest has 4,933 integer digits).
constexpr size_t kMaxLongDoubleChars = 5 * 1024;

}  // namespace

std::optional<long double> ParseLongDouble(std::string_view text) {
  if (text.empty() || text.size() >= kMaxLongDoubleChars) return std::nullopt;
  char buffer[kMaxLongDoubleChars];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  errno = 0;
  char* end = nullptr;
  const long double value = std::strtold(buffer, &end);
  const bool range_error =
      errno == ERANGE && (value == HUGE_VALL || value == -HUGE_VALL || std::fpclassify(value) == FP_ZERO);
  if (std::isspace(static_cast<unsigned char>(buffer[0])) || *end != '\0' || range_error || errno == EINVAL ||
      std::isnan(value)) {
    return std::nullopt;
  }
  return value;
}

std::string FormatLongDouble(long double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[kMaxLongDoubleChars];
  int written = std::snprintf(buffer, sizeof(buffer), "%.17Lf", value);
  if (written < 0 || static_cast<size_t>(written) >= sizeof(buffer)) return "";
  size_t length = static_cast<size_t>(written);
  if (std::memchr(buffer, '.', length) != nullptr) {
    while (buffer[length - 1] == '0') --length;
    if (buffer[length - 1] == '.') --length;
  }
  if (length == 2 && buffer[0] == '-' && buffer[1] == '0') return "0";
  return std::string(buffer, length);
}

}  // namespace runnel::cache
