// String family, numbers: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT (Redis's
// t_string.c). A value is read with Redis's parsers (string2ll, string2ld)
// and the result replaces it in its entry, so the key keeps its TTL.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "engine/cache/string_numbers.h"
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

constexpr std::string_view kNotFloat = "ERR value is not a valid float";

// incrDecrCommand: a missing key counts as 0; the value must be an integer
// and the sum must fit in 64 bits.
void IncrDecr(CommandContext& ctx, int64_t incr) {
  bool failed;
  keyspace::Entry* entry = FindString(ctx, ctx.arg(1), Lookup::kWrite, &failed);
  if (failed) return;
  int64_t value = 0;
  if (entry != nullptr) {
    const std::optional<int64_t> current = command::ParseInt64(cache::AsString(*entry->value).view());
    if (!current.has_value()) return ctx.reply().Error(resp::kNotInteger);
    value = *current;
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if ((incr < 0 && value < 0 && incr < kMin - value) || (incr > 0 && value > 0 && incr > kMax - value)) {
    return ctx.reply().Error("ERR increment or decrement would overflow");
  }
  value += incr;
  if (entry != nullptr) {
    cache::StoreInt(entry->value, value);
  } else {
    ctx.server.database(ctx.conn.db).Set(ctx.arg(1), StringValue::FromInt(value));
  }
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyString, "incrby", ctx.arg(1));
  ctx.reply().Integer(value);
}

void Incr(CommandContext& ctx) { IncrDecr(ctx, 1); }
void Decr(CommandContext& ctx) { IncrDecr(ctx, -1); }

void IncrBy(CommandContext& ctx) {
  const std::optional<int64_t> incr = command::ParseInt64(ctx.arg(2));
  if (!incr.has_value()) return ctx.reply().Error(resp::kNotInteger);
  IncrDecr(ctx, *incr);
}

void DecrBy(CommandContext& ctx) {
  const std::optional<int64_t> decr = command::ParseInt64(ctx.arg(2));
  if (!decr.has_value()) return ctx.reply().Error(resp::kNotInteger);
  // Negating the smallest integer would overflow.
  if (*decr == std::numeric_limits<int64_t>::min()) return ctx.reply().Error("ERR decrement would overflow");
  IncrDecr(ctx, -*decr);
}

// incrbyfloatCommand: the value, then the increment, both long doubles;
// the result is written as ld2string's human form and stored as Redis's
// createStringObject stores it (embstr, never int).
void IncrByFloat(CommandContext& ctx) {
  bool failed;
  keyspace::Entry* entry = FindString(ctx, ctx.arg(1), Lookup::kWrite, &failed);
  if (failed) return;
  const std::optional<long double> value =
      entry == nullptr ? 0.0L : cache::ParseLongDouble(cache::AsString(*entry->value).view());
  const std::optional<long double> incr = cache::ParseLongDouble(ctx.arg(2));
  if (!value.has_value() || !incr.has_value()) return ctx.reply().Error(kNotFloat);
  const long double sum = *value + *incr;
  if (std::isnan(sum) || std::isinf(sum)) return ctx.reply().Error("ERR increment would produce NaN or Infinity");
  const std::string text = cache::FormatLongDouble(sum);
  if (entry != nullptr) {
    entry->value = StringValue::Plain(text);
  } else {
    ctx.server.database(ctx.conn.db).Set(ctx.arg(1), StringValue::Plain(text));
  }
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyString, "incrbyfloat", ctx.arg(1));
  ctx.reply().Bulk(text);
}

using command::kAclFast;
using command::kAclWrite;
using command::kDenyOom;
using command::kFast;
using command::kWrite;

constexpr uint32_t kNumberFlags = kWrite | kDenyOom | kFast;
constexpr uint32_t kNumberAcl = kAclWrite | kAclFast;

const StringCommandRow kNumberRows[] = {
    {"incr", 2, kNumberFlags, kNumberAcl, Incr,
     "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0"},
    {"decr", 2, kNumberFlags, kNumberAcl, Decr,
     "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0"},
    {"incrby", 3, kNumberFlags, kNumberAcl, IncrBy,
     "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
     "1.0.0"},
    {"decrby", 3, kNumberFlags, kNumberAcl, DecrBy,
     "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
     "1.0.0"},
    {"incrbyfloat", 3, kNumberFlags, kNumberAcl, IncrByFloat,
     "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
     "2.6.0"},
};

}  // namespace

void RegisterStringNumberCommands(command::CommandTable& table) { RegisterStringRows(table, kNumberRows); }

}  // namespace runnel
