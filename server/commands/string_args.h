// Option parsing of SET and GETEX, kept apart from the handlers: either a
// struct or the exact Redis error text (t_string.c's
// parseExtendedStringArgumentsOrReply and getExpireMillisecondsOrReply).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace runnel {

// Redis's OBJ_* flags of SET and GETEX.
enum StringSetFlag : uint16_t {
  kSetNx = 1 << 0,
  kSetXx = 1 << 1,
  kSetGet = 1 << 2,
  kKeepTtl = 1 << 3,
  kPersist = 1 << 4,  // GETEX only
  kEx = 1 << 5,
  kPx = 1 << 6,
  kExAt = 1 << 7,
  kPxAt = 1 << 8,
};
inline constexpr uint16_t kAnyExpire = kEx | kPx | kExAt | kPxAt;

struct StringSetArgs {
  uint16_t flags = 0;
  std::string_view time;  // the argument after EX/PX/EXAT/PXAT
};

enum class StringSetCommand : uint8_t {
  kSet,    // SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT time|KEEPTTL]
  kGetEx,  // GETEX key [EX|PX|EXAT|PXAT time|PERSIST]
};

// The options after the key (GETEX) or the value (SET). Redis's one error
// for an unknown word, a missing time or a conflicting pair: syntax error.
// A repeated option is accepted (the last time given wins).
std::variant<StringSetArgs, std::string> ParseStringSetArgs(std::span<const std::string_view> args,
                                                            StringSetCommand which);

// The absolute expiry, in Unix milliseconds, that `args.time` means
// (relative to `now_ms` for EX/PX), or the error reply's text:
// "value is not an integer or out of range", or "invalid expire time in
// '<command>' command" for a time not above zero or one that overflows.
std::variant<int64_t, std::string> ExpireAtMs(const StringSetArgs& args, int64_t now_ms, std::string_view command);

}  // namespace runnel
