#include "server/commands/stream_args.h"

#include "engine/base/strings.h"
#include "server/command/arg_parser.h"
#include "server/resp/error_text.h"

namespace runnel {
namespace {

using stream::IdSyntax;
using stream::TrimSpec;

std::string IdError(const absl::Status& status) { return resp::EngineError(status); }

// MAXLEN|MINID [=|~] threshold at args[*i] (the strategy word); advances *i
// to the threshold. Returns an error text or "".
std::string ParseStrategy(std::span<const std::string_view> args, size_t* i, TrimSpec* trim) {
  if (trim->strategy != TrimSpec::Strategy::kNone) {
    return "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
  }
  const bool maxlen = base::EqualsIgnoreCase(args[*i], "maxlen");
  const size_t more = args.size() - 1 - *i;
  if (more >= 2 && (args[*i + 1] == "~" || args[*i + 1] == "=")) {
    trim->approximate = args[*i + 1] == "~";
    ++*i;
  }
  const std::string_view threshold = args[*i + 1];
  ++*i;
  if (maxlen) {
    std::optional<int64_t> length = command::ParseInt64(threshold);
    if (!length.has_value()) return std::string(resp::kNotInteger);
    if (*length < 0) return "ERR The MAXLEN argument must be >= 0.";
    trim->strategy = TrimSpec::Strategy::kMaxLen;
    trim->max_length = static_cast<uint64_t>(*length);
    return "";
  }
  absl::StatusOr<stream::ParsedId> id = stream::ParseId(threshold, IdSyntax::kStrict);
  if (!id.ok()) return IdError(id.status());
  trim->strategy = TrimSpec::Strategy::kMinId;
  trim->min_id = id->id;
  return "";
}

}  // namespace

std::variant<AddOrTrimArgs, std::string> ParseAddOrTrimArgs(std::span<const std::string_view> args, AddOrTrim which) {
  AddOrTrimArgs out;
  const bool add = which == AddOrTrim::kAdd;
  bool limit_given = false;
  size_t i = 2;
  for (; i < args.size(); ++i) {
    const size_t more = args.size() - 1 - i;
    const std::string_view option = args[i];
    if (add && option == "*") {
      out.id.auto_all = true;
      break;
    }
    if ((base::EqualsIgnoreCase(option, "maxlen") || base::EqualsIgnoreCase(option, "minid")) && more >= 1) {
      if (std::string error = ParseStrategy(args, &i, &out.trim); !error.empty()) return error;
    } else if (base::EqualsIgnoreCase(option, "limit") && more >= 1) {
      std::optional<int64_t> limit = command::ParseInt64(args[i + 1]);
      if (!limit.has_value()) return std::string(resp::kNotInteger);
      if (*limit < 0) return "ERR The LIMIT argument must be >= 0.";
      out.trim.limit = static_cast<uint64_t>(*limit);
      limit_given = true;
      ++i;
    } else if (add && base::EqualsIgnoreCase(option, "nomkstream")) {
      out.no_mkstream = true;
    } else if (add) {
      absl::StatusOr<stream::ParsedId> id = stream::ParseId(option, IdSyntax::kAdd);
      if (!id.ok()) return IdError(id.status());
      out.id = *id;
      break;
    } else {
      return std::string(resp::kSyntaxError);
    }
  }
  if (limit_given && out.trim.strategy == TrimSpec::Strategy::kNone) {
    return "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
  }
  if (!out.trim.approximate && limit_given) {
    return "ERR syntax error, LIMIT cannot be used without the special ~ option";
  }
  if (!add) {
    if (out.trim.strategy == TrimSpec::Strategy::kNone) {
      return "ERR syntax error, XTRIM must be called with a trimming strategy";
    }
    return out;
  }
  out.fields_start = i + 1;
  const size_t values = args.size() - std::min(args.size(), out.fields_start);
  if (i >= args.size() || values < 2 || values % 2 != 0) {
    return "ERR wrong number of arguments for 'xadd' command";
  }
  if (!out.id.auto_all && !out.id.auto_seq && out.id.id == stream::kMinId) {
    return "ERR The ID specified in XADD must be greater than 0-0";
  }
  return out;
}

std::variant<RangeArgs, std::string> ParseRangeArgs(std::span<const std::string_view> args, bool reverse) {
  RangeArgs out;
  const std::string_view start_text = reverse ? args[3] : args[2];
  const std::string_view end_text = reverse ? args[2] : args[3];
  absl::StatusOr<stream::ParsedId> start = stream::ParseId(start_text, IdSyntax::kExclusiveRangeBound, 0);
  if (!start.ok()) return IdError(start.status());
  absl::StatusOr<stream::ParsedId> end = stream::ParseId(end_text, IdSyntax::kExclusiveRangeBound, UINT64_MAX);
  if (!end.ok()) return IdError(end.status());
  out.start = start->id;
  out.end = end->id;
  if (start->exclusive) {
    std::optional<stream::StreamId> next = stream::Successor(out.start);
    if (!next.has_value()) return "ERR invalid start ID for the interval";
    out.start = *next;
  }
  if (end->exclusive) {
    std::optional<stream::StreamId> previous = stream::Predecessor(out.end);
    if (!previous.has_value()) return "ERR invalid end ID for the interval";
    out.end = *previous;
  }
  for (size_t i = 4; i < args.size(); ++i) {
    if (base::EqualsIgnoreCase(args[i], "count") && i + 1 < args.size()) {
      std::optional<int64_t> count = command::ParseInt64(args[i + 1]);
      if (!count.has_value()) return std::string(resp::kNotInteger);
      out.count = std::max<int64_t>(*count, 0);
      ++i;
    } else {
      return std::string(resp::kSyntaxError);
    }
  }
  return out;
}

}  // namespace runnel
