// Keyspace family: DBSIZE, FLUSHDB, FLUSHALL, TYPE, EXISTS, DEL, UNLINK,
// RENAME, RENAMENX, OBJECT ENCODING|FREQ|IDLETIME|HELP. Removing a key discards its value
// (a stream's files go with it); renaming moves them.
#include "engine/base/strings.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/keyspace_notify.h"
#include "server/commands/help_reply.h"
#include "server/commands/key_lookup.h"
#include "server/commands/object_access.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;

void Type(CommandContext& ctx) {
  keyspace::Entry* entry = LookupKey(ctx, ctx.arg(1), Lookup::kRead, keyspace::Touch::kNo);
  ctx.reply().SimpleString(entry == nullptr ? "none" : keyspace::ValueTypeName(entry->value->type()));
}

// EXISTS counts a key each time it is named, as Redis does.
void Exists(CommandContext& ctx) {
  int64_t found = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    found += LookupKey(ctx, ctx.arg(i), Lookup::kRead, keyspace::Touch::kNo) != nullptr ? 1 : 0;
  }
  ctx.reply().Integer(found);
}

// DEL and UNLINK: removal is the same work for both (a stream's files are
// renamed away, then unlinked), so UNLINK has nothing to defer.
void Del(CommandContext& ctx) {
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  int64_t removed = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (!db.Erase(ctx.arg(i))) continue;
    ++removed;
    NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "del", ctx.arg(i));
  }
  ctx.reply().Integer(removed);
}

void DbSize(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server.database(ctx.conn.db).size()));
}

// FLUSHDB/FLUSHALL [ASYNC|SYNC]: both modes free at once; values are small
// or (streams) on disk, so there is nothing to hand to a background thread.
bool ParseFlushMode(CommandContext& ctx) {
  if (ctx.argc() == 1) return true;
  if (ctx.argc() == 2 &&
      (base::EqualsIgnoreCase(ctx.arg(1), "async") || base::EqualsIgnoreCase(ctx.arg(1), "sync"))) {
    return true;
  }
  ctx.reply().Error(resp::kSyntaxError);
  return false;
}

void FlushDb(CommandContext& ctx) {
  if (!ParseFlushMode(ctx)) return;
  ctx.server.database(ctx.conn.db).Clear();
  ctx.reply().Ok();
}

void FlushAll(CommandContext& ctx) {
  if (!ParseFlushMode(ctx)) return;
  for (int i = 0; i < ctx.server.database_count(); ++i) ctx.server.database(i).Clear();
  ctx.reply().Ok();
}

// RENAME / RENAMENX (renameGenericCommand): the source must exist (even
// when renamed to itself); the TTL moves with the value. Clients blocked on
// the destination (XREAD BLOCK) are woken, as Redis's dbAdd does.
enum class Overwrite : uint8_t { kReplace, kNever };

void RenameGeneric(CommandContext& ctx, Overwrite overwrite) {
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  const std::string_view from = ctx.arg(1);
  const std::string_view to = ctx.arg(2);
  if (db.Find(from) == nullptr) {
    ctx.reply().Error(resp::kNoSuchKey);
    return;
  }
  if (overwrite == Overwrite::kNever && (from == to || db.Find(to) != nullptr)) {
    ctx.reply().Integer(0);
    return;
  }
  if (absl::Status status = db.Rename(from, to); !status.ok()) {
    ctx.reply().Error(resp::EngineError(status));
    return;
  }
  ctx.server.SignalKeyReady(ctx.conn.db, to);
  // Redis's rename adds the target first: `new` fires for it.
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyNew, "new", to);
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "rename_from", from);
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyGeneric, "rename_to", to);
  if (overwrite == Overwrite::kNever) {
    ctx.reply().Integer(1);
  } else {
    ctx.reply().Ok();
  }
}

void Rename(CommandContext& ctx) { RenameGeneric(ctx, Overwrite::kReplace); }
void RenameNx(CommandContext& ctx) { RenameGeneric(ctx, Overwrite::kNever); }

// OBJECT ENCODING: the value's encoding, nil for a missing key.
void ObjectEncoding(CommandContext& ctx) {
  keyspace::Entry* entry = ctx.server.database(ctx.conn.db).Find(ctx.arg(2), keyspace::Touch::kNo);
  if (entry == nullptr) {
    ctx.reply().NullBulk();
  } else {
    ctx.reply().Bulk(entry->value->encoding());
  }
}

// Only the subcommands Runnel has are listed (Redis also lists REFCOUNT).
void ObjectHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply(), "object",
            {"ENCODING <key>",
             "    Return the kind of internal representation used in order to store the value",
             "    associated with a <key>.",
             "FREQ <key>",
             "    Return the access frequency index of the <key>. The returned integer is",
             "    proportional to the logarithm of the recent access frequency of the key.",
             "IDLETIME <key>",
             "    Return the idle time of the <key>, that is the approximated number of",
             "    seconds elapsed since the last access to the key."});
}

constexpr uint32_t kFlushAcl =
    command::kAclKeyspace | command::kAclWrite | command::kAclSlow | command::kAclDangerous;

}  // namespace

void RegisterKeyspaceCommands(command::CommandTable& table) {
  table.Register({.name = "type", .arity = 2, .flags = command::kReadOnly | command::kFast,
                  .acl_categories = command::kAclKeyspace | command::kAclRead | command::kAclFast,
                  .keys = {1, 1, 1},
                  .doc = {"Determines the type of value stored at a key.", "1.0.0", "generic", "O(1)"},
                  .handler = Type});
  table.Register({.name = "exists", .arity = -2, .flags = command::kReadOnly | command::kFast,
                  .acl_categories = command::kAclKeyspace | command::kAclRead | command::kAclFast,
                  .keys = {1, -1, 1},
                  .doc = {"Determines whether one or more keys exist.", "1.0.0", "generic",
                          "O(N) where N is the number of keys to check."},
                  .handler = Exists});
  table.Register({.name = "del", .arity = -2, .flags = command::kWrite,
                  .acl_categories = command::kAclKeyspace | command::kAclWrite | command::kAclSlow,
                  .keys = {1, -1, 1},
                  .doc = {"Deletes one or more keys.", "1.0.0", "generic",
                          "O(N) where N is the number of keys that will be removed. When a key to remove holds a "
                          "value other than a string, the individual complexity for this key is O(M) where M is "
                          "the number of elements in the list, set, sorted set or hash. Removing a single key "
                          "that holds a string value is O(1)."},
                  .handler = Del});
  table.Register({.name = "unlink", .arity = -2, .flags = command::kWrite | command::kFast,
                  .acl_categories = command::kAclKeyspace | command::kAclWrite | command::kAclFast,
                  .keys = {1, -1, 1},
                  .doc = {"Asynchronously deletes one or more keys.", "4.0.0", "generic",
                          "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
                          "different thread in order to reclaim memory, where N is the number of allocations the "
                          "deleted objects where composed of."},
                  .handler = Del});
  table.Register({.name = "dbsize", .arity = 1, .flags = command::kReadOnly | command::kFast,
                  .acl_categories = command::kAclKeyspace | command::kAclRead | command::kAclFast,
                  .doc = {"Returns the number of keys in the database.", "1.0.0", "server", "O(1)"},
                  .handler = DbSize});
  table.Register({.name = "flushdb", .arity = -1, .flags = command::kWrite,
                  .acl_categories = kFlushAcl,
                  .doc = {"Remove all keys from the current database.", "1.0.0", "server",
                          "O(N) where N is the number of keys in the selected database"},
                  .handler = FlushDb});
  table.Register({.name = "flushall", .arity = -1, .flags = command::kWrite,
                  .acl_categories = kFlushAcl,
                  .doc = {"Removes all keys from all databases.", "1.0.0", "server",
                          "O(N) where N is the total number of keys in all databases"},
                  .handler = FlushAll});
  table.Register({.name = "rename", .arity = 3, .flags = command::kWrite,
                  .acl_categories = command::kAclKeyspace | command::kAclWrite | command::kAclSlow,
                  .keys = {1, 2, 1},
                  .doc = {"Renames a key and overwrites the destination.", "1.0.0", "generic", "O(1)"},
                  .handler = Rename});
  table.Register({.name = "renamenx", .arity = 3, .flags = command::kWrite | command::kFast,
                  .acl_categories = command::kAclKeyspace | command::kAclWrite | command::kAclFast,
                  .keys = {1, 2, 1},
                  .doc = {"Renames a key only when the target key name doesn't exist.", "1.0.0", "generic",
                          "O(1)"},
                  .handler = RenameNx});
  table.Register({
      .name = "object",
      .arity = -2,
      .acl_categories = command::kAclSlow,
      .doc = {"A container for object introspection commands.", "2.2.3", "generic", "Depends on subcommand."},
      .subcommands = {
          {.name = "encoding", .arity = 3, .flags = command::kReadOnly,
           .acl_categories = command::kAclKeyspace | command::kAclRead | command::kAclSlow,
           .keys = {2, 2, 1},
           .doc = {"Returns the internal encoding of a Redis object.", "2.2.3", "generic", "O(1)"},
           .handler = ObjectEncoding},
          {.name = "freq", .arity = 3, .flags = command::kReadOnly,
           .acl_categories = command::kAclKeyspace | command::kAclRead | command::kAclSlow,
           .keys = {2, 2, 1},
           .doc = {"Returns the logarithmic access frequency counter of a Redis object.", "4.0.0", "generic",
                   "O(1)"},
           .handler = ObjectFreq},
          {.name = "idletime", .arity = 3, .flags = command::kReadOnly,
           .acl_categories = command::kAclKeyspace | command::kAclRead | command::kAclSlow,
           .keys = {2, 2, 1},
           .doc = {"Returns the time since the last access to a Redis object.", "2.2.3", "generic", "O(1)"},
           .handler = ObjectIdleTime},
          {.name = "help", .arity = 2, .flags = command::kLoading | command::kStale,
           .acl_categories = command::kAclKeyspace | command::kAclSlow,
           .doc = {"Returns helpful text about the different subcommands.", "6.2.0", "generic", "O(1)"},
           .handler = ObjectHelp},
      }});
}

}  // namespace runnel
