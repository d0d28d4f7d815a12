#include "server/commands/stream_meta_args.h"

#include "engine/base/strings.h"
#include "server/command/arg_parser.h"
#include "server/resp/error_text.h"

namespace runnel {

std::variant<stream::Stream::IdSettings, std::string> ParseSetIdArgs(std::span<const std::string_view> args) {
  stream::Stream::IdSettings settings;
  absl::StatusOr<stream::ParsedId> last = stream::ParseId(args[2], stream::IdSyntax::kStrict);
  if (!last.ok()) return resp::EngineError(last.status());
  settings.last_id = last->id;
  for (size_t i = 3; i < args.size(); i += 2) {
    const bool has_value = i + 1 < args.size();
    if (has_value && base::EqualsIgnoreCase(args[i], "entriesadded")) {
      std::optional<int64_t> entries = command::ParseInt64(args[i + 1]);
      if (!entries.has_value()) return std::string(resp::kNotInteger);
      if (*entries < 0) return "ERR entries_added must be positive";
      settings.entries_added = static_cast<uint64_t>(*entries);
    } else if (has_value && base::EqualsIgnoreCase(args[i], "maxdeletedid")) {
      absl::StatusOr<stream::ParsedId> max_deleted = stream::ParseId(args[i + 1], stream::IdSyntax::kStrict);
      if (!max_deleted.ok()) return resp::EngineError(max_deleted.status());
      if (settings.last_id < max_deleted->id) {
        return "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
      }
      // Redis treats 0-0 as "not given": the largest deleted ID stays.
      if (max_deleted->id != stream::kMinId) settings.max_deleted = max_deleted->id;
    } else {
      return std::string(resp::kSyntaxError);
    }
  }
  return settings;
}

std::variant<InfoStreamArgs, std::string> ParseInfoStreamArgs(std::span<const std::string_view> args) {
  InfoStreamArgs parsed;
  if (args.size() == 3) return parsed;
  const std::string syntax_error = resp::UnknownSubcommandOrArity(args[1], args[0]);
  if (!base::EqualsIgnoreCase(args[3], "full")) return syntax_error;
  parsed.full = true;
  if (args.size() == 4) return parsed;
  if (args.size() != 6 || !base::EqualsIgnoreCase(args[4], "count")) return syntax_error;
  std::optional<int64_t> count = command::ParseInt64(args[5]);
  if (!count.has_value()) return std::string(resp::kNotInteger);
  parsed.count = *count < 0 ? 0 : static_cast<uint64_t>(*count);
  return parsed;
}

}  // namespace runnel
