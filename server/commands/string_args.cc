#include "server/commands/string_args.h"

#include <limits>
#include <optional>

#include "absl/strings/str_format.h"
#include "engine/base/strings.h"
#include "server/command/arg_parser.h"
#include "server/resp/error_text.h"

namespace runnel {
namespace {

constexpr uint8_t kForSet = 1 << 0;
constexpr uint8_t kForGetEx = 1 << 1;

struct Option {
  std::string_view name;
  uint16_t flag;
  uint16_t conflicts;  // flags already given that make this option a syntax error
  uint8_t commands;
  bool takes_time;
};

constexpr uint16_t kTtlOptions = kKeepTtl | kPersist | kAnyExpire;

// Redis's conditions, one row per option; an option never conflicts with
// itself.
constexpr Option kOptions[] = {
    {"nx", kSetNx, kSetXx, kForSet, false},
    {"xx", kSetXx, kSetNx, kForSet, false},
    {"get", kSetGet, 0, kForSet, false},
    {"keepttl", kKeepTtl, kTtlOptions & ~kKeepTtl, kForSet, false},
    {"persist", kPersist, kTtlOptions & ~kPersist, kForGetEx, false},
    {"ex", kEx, kTtlOptions & ~kEx, kForSet | kForGetEx, true},
    {"px", kPx, kTtlOptions & ~kPx, kForSet | kForGetEx, true},
    {"exat", kExAt, kTtlOptions & ~kExAt, kForSet | kForGetEx, true},
    {"pxat", kPxAt, kTtlOptions & ~kPxAt, kForSet | kForGetEx, true},
};

const Option* FindOption(std::string_view word) {
  for (const Option& option : kOptions) {
    if (base::EqualsIgnoreCase(word, option.name)) return &option;
  }
  return nullptr;
}

}  // namespace

std::variant<StringSetArgs, std::string> ParseStringSetArgs(std::span<const std::string_view> args,
                                                            StringSetCommand which) {
  const uint8_t command = which == StringSetCommand::kSet ? kForSet : kForGetEx;
  StringSetArgs parsed;
  for (size_t i = which == StringSetCommand::kSet ? 3 : 2; i < args.size(); ++i) {
    const Option* option = FindOption(args[i]);
    const bool has_time = i + 1 < args.size();
    if (option == nullptr || !(option->commands & command) || (parsed.flags & option->conflicts) ||
        (option->takes_time && !has_time)) {
      return std::string(resp::kSyntaxError);
    }
    parsed.flags |= option->flag;
    if (option->takes_time) parsed.time = args[++i];
  }
  return parsed;
}

std::variant<int64_t, std::string> ExpireAtMs(const StringSetArgs& args, int64_t now_ms, std::string_view command) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::optional<int64_t> time = command::ParseInt64(args.time);
  if (!time.has_value()) return std::string(resp::kNotInteger);
  const std::string invalid = absl::StrFormat("ERR invalid expire time in '%s' command", command);
  const bool seconds = args.flags & (kEx | kExAt);
  if (*time <= 0 || (seconds && *time > kMax / 1000)) return invalid;
  int64_t ms = seconds ? *time * 1000 : *time;
  if (args.flags & (kEx | kPx)) {
    if (ms > kMax - now_ms) return invalid;
    ms += now_ms;
  }
  return ms;
}

}  // namespace runnel
