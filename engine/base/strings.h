// String helpers over std::string_view: StrCat, StrAppend, EqualsIgnoreCase,
// AsciiLower, AsciiUpper, ParseInt64.
//
// Debian's abseil is built with its own absl::string_view, distinct from
// std::string_view, so absl::StrCat and friends do not accept the
// std::string_view that Runnel uses everywhere. These are the project's one
// spelling of those operations; absl::StrFormat accepts std::string_view and
// stays the tool for formatting.
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace runnel::base {

// One argument of StrCat: text as is, integers in decimal. Lives only for
// the full expression that creates it, like absl::AlphaNum.
class StrPiece {
 public:
  StrPiece(std::string_view s) : view_(s) {}        // NOLINT(runtime/explicit)
  StrPiece(const std::string& s) : view_(s) {}      // NOLINT(runtime/explicit)
  StrPiece(const char* s) : view_(s) {}             // NOLINT(runtime/explicit)
  StrPiece(absl::string_view s) : view_(s.data(), s.size()) {}  // e.g. Status::message()
  template <std::integral T>
    requires(!std::same_as<T, char> && !std::same_as<T, bool>)
  StrPiece(T value) {  // NOLINT(runtime/explicit)
    auto result = std::to_chars(digits_, digits_ + sizeof(digits_), value);
    view_ = std::string_view(digits_, static_cast<size_t>(result.ptr - digits_));
  }
  StrPiece(const StrPiece&) = delete;
  StrPiece& operator=(const StrPiece&) = delete;

  std::string_view view() const { return view_; }

 private:
  char digits_[24];
  std::string_view view_;
};

void AppendPieces(std::string* out, std::initializer_list<std::string_view> pieces);

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  AppendPieces(&out, {StrPiece(args).view()...});
  return out;
}

template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  AppendPieces(out, {StrPiece(args).view()...});
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// absl::Status::message() as a std::string_view.
inline std::string_view ToStd(absl::string_view s) { return {s.data(), s.size()}; }
std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);

// Redis's string2ll: "-12" ok; " 12", "+12", "012", "-0", "12a", "" and
// overflow are not. Commands parse their integer arguments with it, and a
// string value is int-encoded when it accepts the value's bytes.
std::optional<int64_t> ParseInt64(std::string_view s);

}  // namespace runnel::base
