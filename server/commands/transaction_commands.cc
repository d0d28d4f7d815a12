// Transaction family: MULTI, EXEC, DISCARD. Queuing itself happens in
// Server::Execute; EXEC runs the queue back to back, which is atomic because
// the loop runs one command at a time and nothing else interleaves.
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;

void Multi(CommandContext& ctx) {
  if (ctx.conn.transaction.active) {
    ctx.reply().Error(resp::kMultiNested);
    return;
  }
  ctx.conn.transaction = Transaction{};
  ctx.conn.transaction.active = true;
  ctx.reply().Ok();
}

void Discard(CommandContext& ctx) {
  if (!ctx.conn.transaction.active) {
    ctx.reply().Error(resp::kDiscardWithoutMulti);
    return;
  }
  ctx.conn.transaction = Transaction{};
  ctx.reply().Ok();
}

void Exec(CommandContext& ctx) {
  if (!ctx.conn.transaction.active) {
    ctx.reply().Error(resp::kExecWithoutMulti);
    return;
  }
  Transaction transaction = std::move(ctx.conn.transaction);
  ctx.conn.transaction = Transaction{};
  if (transaction.aborted) {
    ctx.reply().Error(resp::kExecAbort);
    return;
  }
  ctx.reply().Array(transaction.queued.size());
  std::vector<std::string_view> args;
  // A blocking command inside EXEC answers as if it timed out, as in Redis.
  ctx.conn.in_exec = true;
  for (const std::vector<std::string>& queued : transaction.queued) {
    args.assign(queued.begin(), queued.end());
    ctx.server.Execute(ctx.conn, args);
  }
  ctx.conn.in_exec = false;
}

constexpr uint32_t kTransactionFlags = command::kNoScript | command::kLoading | command::kStale |
                            command::kFast | command::kAllowBusy | command::kTransactionControl;
constexpr uint32_t kTransactionAcl = command::kAclFast | command::kAclTransaction;

}  // namespace

void RegisterTransactionCommands(command::CommandTable& table) {
  table.Register({.name = "multi", .arity = 1, .flags = kTransactionFlags, .acl_categories = kTransactionAcl,
                  .doc = {"Starts a transaction.", "1.2.0", "transactions", "O(1)"},
                  .handler = Multi});
  table.Register({.name = "exec", .arity = 1,
                  .flags = command::kNoScript | command::kLoading | command::kStale |
                           command::kSkipSlowlog | command::kTransactionControl,
                  .acl_categories = command::kAclSlow | command::kAclTransaction,
                  .doc = {"Executes all commands in a transaction.", "1.2.0", "transactions",
                          "Depends on commands in the transaction"},
                  .handler = Exec});
  table.Register({.name = "discard", .arity = 1, .flags = kTransactionFlags, .acl_categories = kTransactionAcl,
                  .doc = {"Discards a transaction.", "2.0.0", "transactions",
                          "O(N), when N is the number of queued commands"},
                  .handler = Discard});
}

}  // namespace runnel
