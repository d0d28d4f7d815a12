#include "server/commands/stream_read_args.h"

#include "absl/time/clock.h"
#include "engine/base/strings.h"
#include "server/command/arg_parser.h"
#include "server/resp/error_text.h"

namespace runnel {
namespace {

constexpr std::string_view kTimeoutNotInteger = "ERR timeout is not an integer or out of range";
constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
constexpr std::string_view kTimeoutOutOfRange = "ERR timeout is out of range";
// Redis 7.2 names the command and the ID each asks for (7.0 said "XREAD"
// and '$' for both).
constexpr std::string_view kUnbalancedXRead =
    "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.";
constexpr std::string_view kUnbalancedXReadGroup =
    "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.";
constexpr std::string_view kGroupOnlyXreadgroup =
    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
constexpr std::string_view kNoackOnlyXreadgroup =
    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
constexpr std::string_view kMissingGroup = "ERR Missing GROUP option for XREADGROUP";

// BLOCK's argument as Redis's getTimeoutFromObjectOrReply checks it.
std::variant<absl::Duration, std::string> ParseTimeout(std::string_view text) {
  std::optional<int64_t> ms = command::ParseInt64(text);
  if (!ms) return std::string(kTimeoutNotInteger);
  if (*ms < 0) return std::string(kTimeoutNegative);
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  if (*ms > INT64_MAX - now_ms) return std::string(kTimeoutOutOfRange);
  return *ms == 0 ? absl::InfiniteDuration() : absl::Milliseconds(*ms);
}

}  // namespace

std::variant<ReadArgs, std::string> ParseReadArgs(std::span<const std::string_view> args, ReadCommand command) {
  const bool group_read = command == ReadCommand::kXReadGroup;
  ReadArgs out;
  bool streams_given = false;
  bool group_given = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string_view option = args[i];
    const size_t more = args.size() - i - 1;
    if (base::EqualsIgnoreCase(option, "BLOCK") && more > 0) {
      auto timeout = ParseTimeout(args[++i]);
      if (std::string* error = std::get_if<std::string>(&timeout)) return std::move(*error);
      out.block = std::get<absl::Duration>(timeout);
    } else if (base::EqualsIgnoreCase(option, "COUNT") && more > 0) {
      std::optional<int64_t> count = command::ParseInt64(args[++i]);
      if (!count) return std::string(resp::kNotInteger);
      out.count = *count < 0 ? 0 : static_cast<uint64_t>(*count);
    } else if (base::EqualsIgnoreCase(option, "STREAMS") && more > 0) {
      if (more % 2 != 0) return std::string(group_read ? kUnbalancedXReadGroup : kUnbalancedXRead);
      out.streams_at = i + 1;
      out.stream_count = more / 2;
      streams_given = true;
      break;
    } else if (base::EqualsIgnoreCase(option, "GROUP") && more >= 2) {
      if (!group_read) return std::string(kGroupOnlyXreadgroup);
      out.group = args[i + 1];
      out.consumer = args[i + 2];
      group_given = true;
      i += 2;
    } else if (base::EqualsIgnoreCase(option, "NOACK")) {
      if (!group_read) return std::string(kNoackOnlyXreadgroup);
      out.noack = true;
    } else {
      return std::string(resp::kSyntaxError);
    }
  }
  if (!streams_given) return std::string(resp::kSyntaxError);
  if (group_read && !group_given) return std::string(kMissingGroup);
  return out;
}

}  // namespace runnel
