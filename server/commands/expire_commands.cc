// Key expiry: EXPIRE PEXPIRE EXPIREAT PEXPIREAT [NX|XX|GT|LT], TTL PTTL
// EXPIRETIME PEXPIRETIME, PERSIST. Times are kept as Unix milliseconds
// (Keyspace::ExpireAtMs); the keyspace persists a stream's expiry
// in its meta journal, so under appendfsync always a reply waits until the
// TTL is durable, as every write's does.
#include <cstdint>
#include <limits>
#include <optional>

#include "absl/strings/str_format.h"
#include "engine/base/strings.h"
#include "server/command/arg_parser.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/key_lookup.h"
#include "server/commands/keyspace_notify.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

enum ExpireCondition : uint8_t {
  kAlways = 0,
  kNx = 1 << 0,  // only when the key has no TTL
  kXx = 1 << 1,  // only when it has one
  kGt = 1 << 2,  // only when the new expiry is later (no TTL counts as infinite)
  kLt = 1 << 3,  // only when it is earlier
};

// The options after the time, as Redis's parseExtendedExpireArgumentsOrReply
// checks them: unknown words first, then incompatible pairs.
std::optional<uint8_t> ParseConditions(CommandContext& ctx) {
  uint8_t flags = kAlways;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    if (base::EqualsIgnoreCase(option, "nx")) {
      flags |= kNx;
    } else if (base::EqualsIgnoreCase(option, "xx")) {
      flags |= kXx;
    } else if (base::EqualsIgnoreCase(option, "gt")) {
      flags |= kGt;
    } else if (base::EqualsIgnoreCase(option, "lt")) {
      flags |= kLt;
    } else {
      ctx.reply().Error(base::StrCat("ERR Unsupported option ", option));
      return std::nullopt;
    }
  }
  if ((flags & kNx) && (flags & (kXx | kGt | kLt))) {
    ctx.reply().Error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return std::nullopt;
  }
  if ((flags & kGt) && (flags & kLt)) {
    ctx.reply().Error("ERR GT and LT options at the same time are not compatible");
    return std::nullopt;
  }
  return flags;
}

// Whether the conditions allow replacing `current` (0: none) with `when`.
bool ConditionsHold(uint8_t flags, int64_t current, int64_t when) {
  if ((flags & kNx) && current != 0) return false;
  if ((flags & kXx) && current == 0) return false;
  if ((flags & kGt) && (current == 0 || when <= current)) return false;
  if ((flags & kLt) && current != 0 && when >= current) return false;
  return true;
}

enum class Unit : uint8_t { kSeconds, kMilliseconds };
enum class Base : uint8_t { kNow, kUnixEpoch };

// expireGenericCommand: options, then the time (its overflow checked before
// the key is looked up), then the conditions; a time not in the future
// deletes the key.
void ExpireGeneric(CommandContext& ctx, Unit unit, Base base) {
  const std::optional<uint8_t> flags = ParseConditions(ctx);
  if (!flags.has_value()) return;
  std::optional<int64_t> when = command::ParseInt64(ctx.arg(2));
  if (!when.has_value()) {
    ctx.reply().Error(resp::kNotInteger);
    return;
  }
  const std::string invalid = absl::StrFormat("ERR invalid expire time in '%s' command", ctx.command.full_name);
  if (unit == Unit::kSeconds) {
    if (*when > kMax / 1000 || *when < kMin / 1000) {
      ctx.reply().Error(invalid);
      return;
    }
    *when *= 1000;
  }
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  const int64_t now = db.now_ms();
  const int64_t basetime = base == Base::kNow ? now : 0;
  if (*when > kMax - basetime) {
    ctx.reply().Error(invalid);
    return;
  }
  *when += basetime;
  keyspace::Entry* entry = db.Find(ctx.arg(1));
  if (entry == nullptr || !ConditionsHold(*flags, db.ExpireAtMs(*entry), *when)) {
    ctx.reply().Integer(0);
    return;
  }
  if (*when <= now) {
    db.Erase(ctx.arg(1));
    NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "del", ctx.arg(1));
    ctx.reply().Integer(1);
    return;
  }
  if (absl::Status status = db.SetExpireAt(ctx.arg(1), *when); !status.ok()) {
    ctx.reply().Error(resp::EngineError(status));
    return;
  }
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "expire", ctx.arg(1));
  ctx.reply().Integer(1);
}

void Expire(CommandContext& ctx) { ExpireGeneric(ctx, Unit::kSeconds, Base::kNow); }
void PExpire(CommandContext& ctx) { ExpireGeneric(ctx, Unit::kMilliseconds, Base::kNow); }
void ExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, Unit::kSeconds, Base::kUnixEpoch); }
void PExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, Unit::kMilliseconds, Base::kUnixEpoch); }

enum class Output : uint8_t { kRemaining, kAbsolute };

// ttlGenericCommand: -2 no key, -1 no TTL, else the time (never negative),
// seconds rounded to the nearest. Not an access for LRU/LFU, as in Redis.
void TtlGeneric(CommandContext& ctx, Unit unit, Output output) {
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  const keyspace::Entry* entry = LookupKey(ctx, ctx.arg(1), Lookup::kRead, keyspace::Touch::kNo);
  if (entry == nullptr) {
    ctx.reply().Integer(-2);
    return;
  }
  const int64_t expire_at_ms = db.ExpireAtMs(*entry);
  if (expire_at_ms == 0) {
    ctx.reply().Integer(-1);
    return;
  }
  int64_t ms = output == Output::kAbsolute ? expire_at_ms : expire_at_ms - db.now_ms();
  if (ms < 0) ms = 0;
  ctx.reply().Integer(unit == Unit::kMilliseconds ? ms : ms / 1000 + (ms % 1000 >= 500 ? 1 : 0));
}

void Ttl(CommandContext& ctx) { TtlGeneric(ctx, Unit::kSeconds, Output::kRemaining); }
void PTtl(CommandContext& ctx) { TtlGeneric(ctx, Unit::kMilliseconds, Output::kRemaining); }
void ExpireTime(CommandContext& ctx) { TtlGeneric(ctx, Unit::kSeconds, Output::kAbsolute); }
void PExpireTime(CommandContext& ctx) { TtlGeneric(ctx, Unit::kMilliseconds, Output::kAbsolute); }

void Persist(CommandContext& ctx) {
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  const keyspace::Entry* entry = db.Find(ctx.arg(1));
  if (entry == nullptr || db.ExpireAtMs(*entry) == 0) {
    ctx.reply().Integer(0);
    return;
  }
  if (absl::Status status = db.SetExpireAt(ctx.arg(1), 0); !status.ok()) {
    ctx.reply().Error(resp::EngineError(status));
    return;
  }
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "persist", ctx.arg(1));
  ctx.reply().Integer(1);
}

struct Row {
  std::string_view name;
  command::Handler handler;
  std::string_view summary;
  std::string_view since;
};

constexpr Row kSetters[] = {
    {"expire", Expire, "Sets the expiration time of a key in seconds.", "1.0.0"},
    {"pexpire", PExpire, "Sets the expiration time of a key in milliseconds.", "2.6.0"},
    {"expireat", ExpireAt, "Sets the expiration time of a key to a Unix timestamp.", "1.2.0"},
    {"pexpireat", PExpireAt, "Sets the expiration time of a key to a Unix milliseconds timestamp.", "2.6.0"},
};

constexpr Row kGetters[] = {
    {"ttl", Ttl, "Returns the expiration time in seconds of a key.", "1.0.0"},
    {"pttl", PTtl, "Returns the expiration time in milliseconds of a key.", "2.6.0"},
    {"expiretime", ExpireTime, "Returns the expiration time of a key as a Unix timestamp.", "7.0.0"},
    {"pexpiretime", PExpireTime, "Returns the expiration time of a key as a Unix milliseconds timestamp.",
     "7.0.0"},
};

}  // namespace

void RegisterExpireCommands(command::CommandTable& table) {
  for (const Row& row : kSetters) {
    table.Register({.name = row.name, .arity = -3, .flags = command::kWrite | command::kFast,
                    .acl_categories = command::kAclKeyspace | command::kAclWrite | command::kAclFast,
                    .keys = {1, 1, 1},
                    .doc = {row.summary, row.since, "generic", "O(1)"},
                    .handler = row.handler});
  }
  for (const Row& row : kGetters) {
    table.Register({.name = row.name, .arity = 2, .flags = command::kReadOnly | command::kFast,
                    .acl_categories = command::kAclKeyspace | command::kAclRead | command::kAclFast,
                    .keys = {1, 1, 1},
                    .doc = {row.summary, row.since, "generic", "O(1)"},
                    .handler = row.handler});
  }
  table.Register({.name = "persist", .arity = 2, .flags = command::kWrite | command::kFast,
                  .acl_categories = command::kAclKeyspace | command::kAclWrite | command::kAclFast,
                  .keys = {1, 1, 1},
                  .doc = {"Removes the expiration time of a key.", "2.2.0", "generic", "O(1)"},
                  .handler = Persist});
}

}  // namespace runnel
