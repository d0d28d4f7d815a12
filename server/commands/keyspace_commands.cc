// Keyspace family (the commands of this issue): DBSIZE, FLUSHDB, FLUSHALL.
// TYPE, DEL, EXISTS, SCAN and the TTL family join them with the first value
// type (#4).
#include "engine/base/strings.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;

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
