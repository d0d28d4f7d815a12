#include "server/commands/group_args.h"

#include "engine/base/strings.h"
#include "server/command/arg_parser.h"
#include "server/resp/error_text.h"

namespace runnel {
namespace {

using stream::IdSyntax;
using stream::StreamId;

constexpr std::string_view kEntriesReadRange = "ERR value for ENTRIESREAD must be positive or -1";

// An interval bound of XPENDING (streamParseIntervalIDOrReply): "-", "+",
// an incomplete ID taking `missing_seq`, or "(" and a strict ID.
std::variant<stream::ParsedId, std::string> ParseBound(std::string_view text, uint64_t missing_seq) {
  absl::StatusOr<stream::ParsedId> id = stream::ParseId(text, IdSyntax::kExclusiveRangeBound, missing_seq);
  if (!id.ok()) return resp::EngineError(id.status());
  return *id;
}

}  // namespace

std::variant<GroupOptions, std::string> ParseGroupOptions(std::span<const std::string_view> args,
                                                          GroupSubcommand subcommand) {
  GroupOptions out;
  const bool create = subcommand == GroupSubcommand::kCreate;
  const bool setid = subcommand == GroupSubcommand::kSetId;
  for (size_t i = 5; i < args.size();) {
    if (create && base::EqualsIgnoreCase(args[i], "MKSTREAM")) {
      out.mkstream = true;
      ++i;
    } else if ((create || setid) && base::EqualsIgnoreCase(args[i], "ENTRIESREAD") && i + 1 < args.size()) {
      std::optional<int64_t> read = command::ParseInt64(args[i + 1]);
      if (!read.has_value()) return std::string(resp::kNotInteger);
      if (*read < 0 && *read != stream::kEntriesReadUnknown) return std::string(kEntriesReadRange);
      out.entries_read = *read;
      i += 2;
    } else {
      return resp::UnknownSubcommandOrArity(args[1], "xgroup");
    }
  }
  return out;
}

std::variant<PendingArgs, std::string> ParsePendingArgs(std::span<const std::string_view> args) {
  PendingArgs out;
  if (args.size() == 3) return out;
  if (args.size() < 6 || args.size() > 9) return std::string(resp::kSyntaxError);
  out.summary = false;
  size_t at = 3;  // start's index
  if (base::EqualsIgnoreCase(args[3], "IDLE")) {
    std::optional<int64_t> idle = command::ParseInt64(args[4]);
    if (!idle.has_value()) return std::string(resp::kNotInteger);
    // IDLE needs start, end and count after it.
    if (args.size() < 8) return std::string(resp::kSyntaxError);
    out.min_idle_ms = *idle;
    at += 2;
  }
  // Redis reads the count before the bounds, so its error comes first.
  std::optional<int64_t> count = command::ParseInt64(args[at + 2]);
  if (!count.has_value()) return std::string(resp::kNotInteger);
  out.count = *count < 0 ? 0 : static_cast<uint64_t>(*count);

  auto start = ParseBound(args[at], 0);
  if (const std::string* error = std::get_if<std::string>(&start)) return *error;
  out.start = std::get<stream::ParsedId>(start).id;
  if (std::get<stream::ParsedId>(start).exclusive) {
    std::optional<StreamId> next = stream::Successor(out.start);
    if (!next.has_value()) return "ERR invalid start ID for the interval";
    out.start = *next;
  }
  auto end = ParseBound(args[at + 1], UINT64_MAX);
  if (const std::string* error = std::get_if<std::string>(&end)) return *error;
  out.end = std::get<stream::ParsedId>(end).id;
  if (std::get<stream::ParsedId>(end).exclusive) {
    std::optional<StreamId> previous = stream::Predecessor(out.end);
    if (!previous.has_value()) return "ERR invalid end ID for the interval";
    out.end = *previous;
  }
  if (at + 3 < args.size()) out.consumer = args[at + 3];
  return out;
}

}  // namespace runnel
