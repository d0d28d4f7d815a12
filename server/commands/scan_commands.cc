// Keyspace iteration: KEYS, SCAN, RANDOMKEY. The order and the SCAN cursor
// are the keyspace's (engine/keyspace/keyspace.h); this file parses options,
// filters by pattern and type, and replies. Expired keys are never listed.
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/strings.h"
#include "engine/pubsub/glob_match.h"
#include "server/command/arg_parser.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;

constexpr char kInvalidCursor[] = "ERR invalid cursor";
// Redis's default SCAN COUNT.
constexpr int64_t kDefaultScanCount = 10;

// Redis parses the cursor with strtoul: an optional sign ("-1" wraps to
// 2^64 - 1), then decimal digits; a leading space, trailing bytes or a value
// past 64 bits is an invalid cursor, and "" is cursor 0.
std::optional<uint64_t> ParseCursor(std::string_view text) {
  const std::string copy(text);  // strtoul needs a terminator
  if (!copy.empty() && std::isspace(static_cast<unsigned char>(copy[0]))) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(copy.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return static_cast<uint64_t>(value);
}

// Every key matching `pattern` ("*" skips the matching).
bool Matches(std::string_view pattern, std::string_view key) {
  return pattern == "*" || pubsub::GlobMatch(pattern, key);
}

void Keys(CommandContext& ctx) {
  std::vector<std::string> keys;
  ctx.server.database(ctx.conn.db).ForEach([&](std::string_view key, const keyspace::Entry&) {
    if (Matches(ctx.arg(1), key)) keys.emplace_back(key);
  });
  ctx.reply().Array(keys.size());
  for (const std::string& key : keys) ctx.reply().Bulk(key);
}

struct ScanOptions {
  int64_t count = kDefaultScanCount;
  std::string_view pattern = "*";
  std::optional<std::string_view> type;
};

// [MATCH pattern] [COUNT n] [TYPE type], in any order, each keyword needing
// its argument; replies and returns nullopt on an error.
std::optional<ScanOptions> ParseScanOptions(CommandContext& ctx) {
  ScanOptions options;
  command::ArgCursor args(ctx.args, 2);
  while (!args.done()) {
    if (args.remaining() >= 2 && args.Match("count")) {
      std::optional<int64_t> count = command::ParseInt64(args.Next());
      if (!count.has_value()) {
        ctx.reply().Error(resp::kNotInteger);
        return std::nullopt;
      }
      if (*count < 1) {
        ctx.reply().Error(resp::kSyntaxError);
        return std::nullopt;
      }
      options.count = *count;
    } else if (args.remaining() >= 2 && args.Match("match")) {
      options.pattern = args.Next();
    } else if (args.remaining() >= 2 && args.Match("type")) {
      options.type = args.Next();
    } else {
      ctx.reply().Error(resp::kSyntaxError);
      return std::nullopt;
    }
  }
  return options;
}

void Scan(CommandContext& ctx) {
  const std::optional<uint64_t> cursor = ParseCursor(ctx.arg(1));
  if (!cursor.has_value()) {
    ctx.reply().Error(kInvalidCursor);
    return;
  }
  const std::optional<ScanOptions> options = ParseScanOptions(ctx);
  if (!options.has_value()) return;
  std::vector<std::string> keys;
  const uint64_t next = ctx.server.database(ctx.conn.db).Scan(
      *cursor, static_cast<size_t>(options->count), [&](std::string_view key, const keyspace::Entry& entry) {
        if (options->type.has_value() &&
            !base::EqualsIgnoreCase(*options->type, keyspace::ValueTypeName(entry.value->type()))) {
          return;
        }
        if (Matches(options->pattern, key)) keys.emplace_back(key);
      });
  ctx.reply().Array(2);
  ctx.reply().Bulk(base::StrCat(next));
  ctx.reply().Array(keys.size());
  for (const std::string& key : keys) ctx.reply().Bulk(key);
}

void RandomKey(CommandContext& ctx) {
  std::optional<std::string> key = ctx.server.database(ctx.conn.db).RandomKey();
  if (key.has_value()) {
    ctx.reply().Bulk(*key);
  } else {
    ctx.reply().NullBulk();
  }
}

}  // namespace

void RegisterScanCommands(command::CommandTable& table) {
  table.Register({.name = "keys", .arity = 2, .flags = command::kReadOnly,
                  .acl_categories = command::kAclKeyspace | command::kAclRead | command::kAclSlow |
                                    command::kAclDangerous,
                  .doc = {"Returns all key names that match a pattern.", "1.0.0", "generic",
                          "O(N) with N being the number of keys in the database, under the assumption that the "
                          "key names in the database and the given pattern have limited length."},
                  .handler = Keys});
  table.Register({.name = "scan", .arity = -2, .flags = command::kReadOnly,
                  .acl_categories = command::kAclKeyspace | command::kAclRead | command::kAclSlow,
                  .doc = {"Iterates over the key names in the database.", "2.8.0", "generic",
                          "O(1) for every call. O(N) for a complete iteration, including enough command calls "
                          "for the cursor to return back to 0. N is the number of elements inside the "
                          "collection."},
                  .handler = Scan});
  table.Register({.name = "randomkey", .arity = 1, .flags = command::kReadOnly,
                  .acl_categories = command::kAclKeyspace | command::kAclRead | command::kAclSlow,
                  .doc = {"Returns a random key name from the database.", "1.0.0", "generic", "O(1)"},
                  .handler = RandomKey});
}

}  // namespace runnel
