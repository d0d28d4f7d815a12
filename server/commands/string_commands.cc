// String family, reads and writes of whole values: GET, SET, SETNX, SETEX,
// PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX (Redis's t_string.c).
// Values live in memory (engine/cache/string_value.h); their TTLs go through
// Keyspace::SetExpireAt like any key's, so lazy and active expiry apply.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "engine/base/strings.h"
#include "engine/cache/string_value.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/keyspace_notify.h"
#include "server/commands/string_access.h"
#include "server/commands/string_args.h"
#include "server/connection.h"
#include "server/server.h"

namespace runnel {
namespace {

using cache::StringValue;
using command::CommandContext;

// getGenericCommand: replies the string at `key`, nil when missing; false
// after replying WRONGTYPE. *found is the key's entry (nullptr: missing).
bool GetGeneric(CommandContext& ctx, std::string_view key, keyspace::Entry** found) {
  bool failed;
  keyspace::Entry* entry = FindString(ctx, key, Lookup::kRead, &failed);
  if (failed) return false;
  if (entry == nullptr) {
    ctx.reply().NullBulk();
  } else {
    ctx.reply().Bulk(cache::AsString(*entry->value).view());
  }
  *found = entry;
  return true;
}

// The expiry `args` asks for (0: none), or nullopt after replying the error.
std::optional<int64_t> ExpiryOrReply(CommandContext& ctx, const StringSetArgs& args) {
  if (!(args.flags & kAnyExpire)) return 0;
  auto when = ExpireAtMs(args, ctx.server.database(ctx.conn.db).now_ms(), ctx.command.full_name);
  if (const std::string* error = std::get_if<std::string>(&when)) {
    ctx.reply().Error(*error);
    return std::nullopt;
  }
  return std::get<int64_t>(when);
}

// What SET replies when it sets, and when NX/XX stop it (SETNX: 1 and 0).
enum class SetReplies : uint8_t { kOkOrNull, kOneOrZero };

// setGenericCommand: the time is checked first, then GET's read, then the
// NX/XX condition. With GET the old value is the only reply.
void SetGeneric(CommandContext& ctx, const StringSetArgs& args, std::string_view value, SetReplies replies) {
  const std::optional<int64_t> expire_at = ExpiryOrReply(ctx, args);
  if (!expire_at.has_value() || !CheckStringLength(ctx, 0, value.size())) return;
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  const std::string_view key = ctx.arg(1);
  keyspace::Entry* entry = nullptr;
  if (args.flags & kSetGet) {
    if (!GetGeneric(ctx, key, &entry)) return;
  } else {
    entry = db.Find(key);
  }
  const bool reply = !(args.flags & kSetGet);
  if (((args.flags & kSetNx) && entry != nullptr) || ((args.flags & kSetXx) && entry == nullptr)) {
    if (!reply) return;
    if (replies == SetReplies::kOneOrZero) return ctx.reply().Integer(0);
    return ctx.reply().NullBulk();
  }
  StoreString(db, key, entry, StringValue::FromBytes(value), args.flags & kKeepTtl ? KeepTtl::kYes : KeepTtl::kNo);
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyString, "set", key);
  if (*expire_at != 0) {
    SetStringExpiry(db, key, *expire_at);
    NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "expire", key);
  }
  if (!reply) return;
  if (replies == SetReplies::kOneOrZero) return ctx.reply().Integer(1);
  ctx.reply().Ok();
}

void Get(CommandContext& ctx) {
  keyspace::Entry* entry;
  GetGeneric(ctx, ctx.arg(1), &entry);
}

void Set(CommandContext& ctx) {
  auto parsed = ParseStringSetArgs(ctx.args, StringSetCommand::kSet);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error);
  SetGeneric(ctx, std::get<StringSetArgs>(parsed), ctx.arg(2), SetReplies::kOkOrNull);
}

void SetNx(CommandContext& ctx) { SetGeneric(ctx, {.flags = kSetNx}, ctx.arg(2), SetReplies::kOneOrZero); }

void SetEx(CommandContext& ctx) {
  SetGeneric(ctx, {.flags = kEx, .time = ctx.arg(2)}, ctx.arg(3), SetReplies::kOkOrNull);
}

void PSetEx(CommandContext& ctx) {
  SetGeneric(ctx, {.flags = kPx, .time = ctx.arg(2)}, ctx.arg(3), SetReplies::kOkOrNull);
}

// GETSET: the old value, then SET without options (the TTL goes).
void GetSet(CommandContext& ctx) {
  if (!CheckStringLength(ctx, 0, ctx.arg(2).size())) return;
  keyspace::Entry* entry;
  if (!GetGeneric(ctx, ctx.arg(1), &entry)) return;
  StoreString(ctx.server.database(ctx.conn.db), ctx.arg(1), entry, StringValue::FromBytes(ctx.arg(2)),
              KeepTtl::kNo);
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyString, "set", ctx.arg(1));
}

void GetDel(CommandContext& ctx) {
  keyspace::Entry* entry;
  if (GetGeneric(ctx, ctx.arg(1), &entry) && entry != nullptr) {
    ctx.server.database(ctx.conn.db).Erase(ctx.arg(1));
    NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "del", ctx.arg(1));
  }
}

// getexCommand: options, then the key (nil when missing, even with a bad
// time), then the type, then the time. An EXAT/PXAT already past deletes
// the key after its value is replied.
void GetEx(CommandContext& ctx) {
  auto parsed = ParseStringSetArgs(ctx.args, StringSetCommand::kGetEx);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error);
  const StringSetArgs& args = std::get<StringSetArgs>(parsed);
  bool failed;
  keyspace::Entry* entry = FindString(ctx, ctx.arg(1), Lookup::kRead, &failed);
  if (failed) return;
  if (entry == nullptr) return ctx.reply().NullBulk();
  const std::optional<int64_t> expire_at = ExpiryOrReply(ctx, args);
  if (!expire_at.has_value()) return;
  ctx.reply().Bulk(cache::AsString(*entry->value).view());
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  if ((args.flags & (kExAt | kPxAt)) && *expire_at <= db.now_ms()) {
    db.Erase(ctx.arg(1));
    NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "del", ctx.arg(1));
  } else if (*expire_at != 0) {
    SetStringExpiry(db, ctx.arg(1), *expire_at);
    NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "expire", ctx.arg(1));
  } else if ((args.flags & kPersist) && db.ExpireAtMs(*entry) != 0) {
    SetStringExpiry(db, ctx.arg(1), 0);
    NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "persist", ctx.arg(1));
  }
}

// MGET: nil for a missing key and for a key of another type.
void MGet(CommandContext& ctx) {
  ctx.reply().Array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const keyspace::Entry* entry = LookupKey(ctx, ctx.arg(i), Lookup::kRead);
    if (entry == nullptr || entry->value->type() != keyspace::ValueType::kString) {
      ctx.reply().NullBulk();
    } else {
      ctx.reply().Bulk(cache::AsString(*entry->value).view());
    }
  }
}

enum class MSetMode : uint8_t { kAlways, kOnlyNew };

// msetGenericCommand: pairs (the arity error for a key without a value),
// MSETNX's check that no key exists, then every pair in order (a key named
// twice gets its last value).
void MSetGeneric(CommandContext& ctx, MSetMode mode) {
  if (ctx.argc() % 2 == 0) {
    return ctx.reply().Error(base::StrCat("ERR wrong number of arguments for '", ctx.command.full_name, "' command"));
  }
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (!CheckStringLength(ctx, 0, ctx.arg(i + 1).size())) return;
    if (mode == MSetMode::kOnlyNew && db.Find(ctx.arg(i)) != nullptr) return ctx.reply().Integer(0);
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    StoreString(db, ctx.arg(i), db.Find(ctx.arg(i)), StringValue::FromBytes(ctx.arg(i + 1)), KeepTtl::kNo);
    NotifyKeyspaceEvent(ctx, pubsub::kNotifyString, "set", ctx.arg(i));
  }
  if (mode == MSetMode::kOnlyNew) return ctx.reply().Integer(1);
  ctx.reply().Ok();
}

void MSet(CommandContext& ctx) { MSetGeneric(ctx, MSetMode::kAlways); }
void MSetNx(CommandContext& ctx) { MSetGeneric(ctx, MSetMode::kOnlyNew); }

using command::kAclFast;
using command::kAclRead;
using command::kAclSlow;
using command::kAclWrite;
using command::kDenyOom;
using command::kFast;
using command::kReadOnly;
using command::kWrite;

constexpr std::string_view kPerKey = "O(N) where N is the number of keys to set.";

const StringCommandRow kRows[] = {
    {"get", 2, kReadOnly | kFast, kAclRead | kAclFast, Get, "Returns the string value of a key.", "1.0.0"},
    {"set", -3, kWrite | kDenyOom, kAclWrite | kAclSlow, Set,
     "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "1.0.0"},
    {"setnx", 3, kWrite | kDenyOom | kFast, kAclWrite | kAclFast, SetNx,
     "Set the string value of a key only when the key doesn't exist.", "1.0.0"},
    {"setex", 4, kWrite | kDenyOom, kAclWrite | kAclSlow, SetEx,
     "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", "2.0.0"},
    {"psetex", 4, kWrite | kDenyOom, kAclWrite | kAclSlow, PSetEx,
     "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't "
     "exist.",
     "2.6.0"},
    {"getset", 3, kWrite | kDenyOom | kFast, kAclWrite | kAclFast, GetSet,
     "Returns the previous string value of a key after setting it to a new value.", "1.0.0"},
    {"getdel", 2, kWrite | kFast, kAclWrite | kAclFast, GetDel,
     "Returns the string value of a key after deleting the key.", "6.2.0"},
    {"getex", -2, kWrite | kFast, kAclWrite | kAclFast, GetEx,
     "Returns the string value of a key after setting its expiration time.", "6.2.0"},
    {"mget", -2, kReadOnly | kFast, kAclRead | kAclFast, MGet,
     "Atomically returns the string values of one or more keys.", "1.0.0",
     "O(N) where N is the number of keys to retrieve.", {1, -1, 1}},
    {"mset", -3, kWrite | kDenyOom, kAclWrite | kAclSlow, MSet,
     "Atomically creates or modifies the string values of one or more keys.", "1.0.1", kPerKey, {1, -1, 2}},
    {"msetnx", -3, kWrite | kDenyOom, kAclWrite | kAclSlow, MSetNx,
     "Atomically modifies the string values of one or more keys only when all keys don't exist.", "1.0.1",
     kPerKey, {1, -1, 2}},
};

}  // namespace

void RegisterStringCommands(command::CommandTable& table) { RegisterStringRows(table, kRows); }

}  // namespace runnel
