// Keyspace family: DBSIZE, FLUSHDB, FLUSHALL, TYPE, EXISTS, DEL, UNLINK.
// Removing a key discards its value (a stream's files go with it).
#include "engine/base/strings.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;

void Type(CommandContext& ctx) {
  keyspace::Entry* entry = ctx.server.database(ctx.conn.db).Find(ctx.arg(1));
  ctx.reply().SimpleString(entry == nullptr ? "none" : keyspace::ValueTypeName(entry->value->type()));
}

// EXISTS counts a key each time it is named, as Redis does.
void Exists(CommandContext& ctx) {
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  int64_t found = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) found += db.Find(ctx.arg(i)) != nullptr ? 1 : 0;
  ctx.reply().Integer(found);
}

// DEL and UNLINK: removal is the same work for both (a stream's files are
// renamed away, then unlinked), so UNLINK has nothing to defer.
void Del(CommandContext& ctx) {
  keyspace::Keyspace& db = ctx.server.database(ctx.conn.db);
  int64_t removed = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) removed += db.Erase(ctx.arg(i)) ? 1 : 0;
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
}

}  // namespace runnel
