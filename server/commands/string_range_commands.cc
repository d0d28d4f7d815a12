// String family, parts of values: APPEND, STRLEN, GETRANGE, SUBSTR and
// SETRANGE (Redis's t_string.c). APPEND and SETRANGE edit the value in
// place when it has room and leave it raw-encoded, as Redis does; neither
// touches the key's TTL.
#include <algorithm>
#include <cstdint>
#include <optional>

#include "engine/cache/string_value.h"
#include "server/command/arg_parser.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/keyspace_notify.h"
#include "server/commands/string_access.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using cache::StringValue;
using command::CommandContext;

// A missing key is created with the value as SET would encode it.
void Append(CommandContext& ctx) {
  bool failed;
  keyspace::Entry* entry = FindString(ctx, ctx.arg(1), Lookup::kWrite, &failed);
  if (failed) return;
  const std::string_view tail = ctx.arg(2);
  if (entry == nullptr) {
    if (!CheckStringLength(ctx, 0, tail.size())) return;
    ctx.server.database(ctx.conn.db).Set(ctx.arg(1), StringValue::FromBytes(tail));
    NotifyKeyspaceEvent(ctx, pubsub::kNotifyString, "append", ctx.arg(1));
    return ctx.reply().Integer(static_cast<int64_t>(tail.size()));
  }
  if (!CheckStringLength(ctx, cache::AsString(*entry->value).size(), tail.size())) return;
  const size_t length = cache::Append(entry->value, tail);
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyString, "append", ctx.arg(1));
  ctx.reply().Integer(static_cast<int64_t>(length));
}

void StrLen(CommandContext& ctx) {
  bool failed;
  const keyspace::Entry* entry = FindString(ctx, ctx.arg(1), Lookup::kRead, &failed);
  if (failed) return;
  ctx.reply().Integer(entry == nullptr ? 0 : static_cast<int64_t>(cache::AsString(*entry->value).size()));
}

// GETRANGE/SUBSTR key start end: inclusive, negative indexes from the end,
// clamped as Redis 7.0 clamps them (an end before the start of the string
// becomes 0, so GETRANGE k 0 -100 is the first byte).
void GetRange(CommandContext& ctx) {
  std::optional<int64_t> start = command::ParseInt64(ctx.arg(2));
  std::optional<int64_t> end = command::ParseInt64(ctx.arg(3));
  if (!start.has_value() || !end.has_value()) return ctx.reply().Error(resp::kNotInteger);
  bool failed;
  const keyspace::Entry* entry = FindString(ctx, ctx.arg(1), Lookup::kRead, &failed);
  if (failed) return;
  if (entry == nullptr) return ctx.reply().Bulk("");
  const std::string_view value = cache::AsString(*entry->value).view();
  const auto size = static_cast<int64_t>(value.size());
  if ((*start < 0 && *end < 0 && *start > *end) || size == 0) return ctx.reply().Bulk("");
  if (*start < 0) *start += size;
  if (*end < 0) *end += size;
  *start = std::max<int64_t>(*start, 0);
  *end = std::clamp<int64_t>(*end, 0, size - 1);
  if (*start > *end) return ctx.reply().Bulk("");
  ctx.reply().Bulk(value.substr(static_cast<size_t>(*start), static_cast<size_t>(*end - *start + 1)));
}

// SETRANGE key offset value: nothing to write on a missing key creates no
// key (0); on an existing one it replies the length and changes nothing.
void SetRange(CommandContext& ctx) {
  const std::optional<int64_t> offset = command::ParseInt64(ctx.arg(2));
  if (!offset.has_value()) return ctx.reply().Error(resp::kNotInteger);
  if (*offset < 0) return ctx.reply().Error("ERR offset is out of range");
  bool failed;
  keyspace::Entry* entry = FindString(ctx, ctx.arg(1), Lookup::kWrite, &failed);
  if (failed) return;
  const std::string_view bytes = ctx.arg(3);
  if (bytes.empty()) {
    return ctx.reply().Integer(entry == nullptr ? 0 : static_cast<int64_t>(cache::AsString(*entry->value).size()));
  }
  const auto at = static_cast<uint64_t>(*offset);
  if (!CheckStringLength(ctx, at, bytes.size())) return;
  if (entry == nullptr) {
    // Redis sizes a new key exactly (sdsnewlen), without headroom.
    entry = &ctx.server.database(ctx.conn.db).Set(ctx.arg(1), StringValue::Raw("", at + bytes.size()));
  }
  const size_t length = cache::WriteAt(entry->value, at, bytes);
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyString, "setrange", ctx.arg(1));
  ctx.reply().Integer(static_cast<int64_t>(length));
}

constexpr std::string_view kSubstringComplexity =
    "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned "
    "length, but because creating a substring from an existing string is very cheap, it can be considered O(1) "
    "for small strings.";

const StringCommandRow kRangeRows[] = {
    {"append", 3, command::kWrite | command::kDenyOom | command::kFast, command::kAclWrite | command::kAclFast,
     Append,
     "Appends a string to the value of a key. Creates the key if it doesn't exist.", "2.0.0",
     "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present "
     "value is of any size, since the dynamic string library used by Redis will double the free space available "
     "on every reallocation."},
    {"strlen", 2, command::kReadOnly | command::kFast, command::kAclRead | command::kAclFast, StrLen,
     "Returns the length of a string value.", "2.2.0"},
    {"getrange", 4, command::kReadOnly, command::kAclRead | command::kAclSlow, GetRange,
     "Returns a substring of the string stored at a key.", "2.4.0", kSubstringComplexity},
    {"substr", 4, command::kReadOnly, command::kAclRead | command::kAclSlow, GetRange,
     "Returns a substring from a string value.", "1.0.0", kSubstringComplexity},
    {"setrange", 4, command::kWrite | command::kDenyOom, command::kAclWrite | command::kAclSlow, SetRange,
     "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
     "2.2.0",
     "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so "
     "the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value "
     "argument."},
};

}  // namespace

void RegisterStringRangeCommands(command::CommandTable& table) { RegisterStringRows(table, kRangeRows); }

}  // namespace runnel
