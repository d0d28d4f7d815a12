// Server::Execute: the path of one command from parsed arguments to a reply.
//
//   resolve (name, subcommand, arity) -> authenticated? -> ACL -> maxmemory (evict, or
//   refuse with -OOM) -> RESP2 subscriber?
//   -> in MULTI? queue
//   -> CLIENT REPLY mode -> handler -> counters
//
// Every rejection goes through Reject(), which also marks an open MULTI as
// aborted, as Redis's flagTransaction does.
#include <chrono>

#include "engine/base/logging.h"
#include "engine/base/strings.h"
#include "server/acl/permission_check.h"
#include "server/command/command_context.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {

Connection::Next Server::Reject(Connection& conn, const command::ResolvedCommand* command,
                                std::string_view error) {
  if (command != nullptr) ++command->stats.rejected_calls;
  if (conn.transaction.active) conn.transaction.aborted = true;
  conn.reply().Error(error);
  return Connection::Next::kContinue;
}

Connection::Next Server::Queue(Connection& conn, const command::ResolvedCommand& command,
                               std::span<const std::string_view> args) {
  conn.transaction.flags |= command.spec->flags;
  std::vector<std::string> copy(args.begin(), args.end());
  for (const std::string& arg : copy) conn.transaction.queued_bytes += arg.size();
  conn.transaction.queued.push_back(std::move(copy));
  conn.reply().SimpleString("QUEUED");
  return Connection::Next::kContinue;
}

void Server::Call(Connection& conn, const command::ResolvedCommand& command,
                  std::span<const std::string_view> args) {
  resp::ReplyBuilder& reply = conn.reply();
  // CLIENT REPLY SKIP silences exactly the next command's reply.
  bool skip_this = conn.reply_mode == ReplyMode::kSkip;
  if (skip_this) {
    reply.set_muted(true);
    conn.reply_mode = ReplyMode::kOn;
  }
  uint64_t errors_before = reply.errors_written();
  auto started = std::chrono::steady_clock::now();

  conn.last_command = command.full_name;  // CLIENT LIST shows the running command
  // Pushes for this connection wait for the end of its outermost command
  // (EXEC's queued commands run nested).
  Connection* const outer = calling_;
  calling_ = &conn;
  command::CommandContext ctx(*this, conn, args, command, reply);
  command.spec->handler(ctx);
  calling_ = outer;
  if (outer == nullptr && !calling_pushes_.empty()) DeliverHeldPushes(conn);
  // appendfsync always: a write's reply waits for the group commit that
  // covers it (docs/durability.md). Reads are not held.
  if ((command.spec->flags & command::kWrite) && config_.appendfsync == config::AppendFsync::kAlways) {
    const log::SyncScheduler& scheduler = storage_->scheduler();
    if (scheduler.covering_epoch() > scheduler.completed_epoch()) conn.sync_epoch = scheduler.covering_epoch();
  }

  // A command that blocked is counted once, when it finally answers.
  const bool waiting = conn.block.active && (!conn.block.rerunning || conn.block.rearmed);
  if (!waiting) {
    auto elapsed = std::chrono::steady_clock::now() - started;
    command.stats.usec += std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    ++command.stats.calls;
    if (reply.errors_written() != errors_before) ++command.stats.failed_calls;
    ++stats_.total_commands_processed;
  }
  if (skip_this && conn.reply_mode == ReplyMode::kOn) reply.set_muted(false);
}

// An HTTP request sent to the port (a browser, or a cross-protocol attack
// from a web page) starts with "POST" or carries a "Host:" line. Redis drops
// such a client at once, without a reply, and logs it at most once a minute.
bool Server::RefuseHttp(Connection& conn, std::string_view name) {
  if (!base::EqualsIgnoreCase(name, "post") && !base::EqualsIgnoreCase(name, "host:")) return false;
  const absl::Time now = absl::Now();
  if (now - last_http_warning_ >= absl::Seconds(60)) {
    last_http_warning_ = now;
    RUNNEL_LOG_WARNING(
        "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to "
        "Runnel. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise "
        "your Runnel instance. Connection from %s aborted.",
        conn.peer().address);
  }
  conn.close_requested = true;
  loop_->Close(conn.id(), io::CloseMode::kNow);
  return true;
}

std::string Server::AclDenial(Connection& conn, const command::ResolvedCommand& command,
                              std::span<const std::string_view> args) {
  const acl::Denial denial = acl::CheckPermission(*conn.user, command, args);
  if (denial.kind == acl::Denial::Kind::kNone) return {};
  // ACL LOG's client-info shows the refused command as cmd=, as Redis sets
  // lastcmd before its ACL check.
  conn.last_command = command.full_name;
  // Redis 7.0.15's texts (7.2 reworded them).
  using Reason = acl::AclLogEntry::Reason;
  switch (denial.kind) {
    case acl::Denial::Kind::kNone:
      break;
    case acl::Denial::Kind::kCommand:
      LogAclEvent(conn, Reason::kCommand, command.full_name, conn.user->name());
      return base::StrCat("NOPERM this user has no permissions to run the '", command.full_name, "' command");
    case acl::Denial::Kind::kKey:
      LogAclEvent(conn, Reason::kKey, denial.object, conn.user->name());
      return "NOPERM this user has no permissions to access one of the keys used as arguments";
    case acl::Denial::Kind::kChannel:
      LogAclEvent(conn, Reason::kChannel, denial.object, conn.user->name());
      return "NOPERM this user has no permissions to access one of the channels used as arguments";
  }
  return {};
}

Connection::Next Server::Execute(Connection& conn, std::span<const std::string_view> args) {
  if (RefuseHttp(conn, args[0])) return Connection::Next::kStop;
  command::CommandTable::Resolution resolution = commands_.Resolve(args);
  if (resolution.command == nullptr) return Reject(conn, resolution.rejected, resolution.error);
  const command::ResolvedCommand& command = *resolution.command;
  const command::CommandSpec& spec = *command.spec;

  if (!conn.authenticated && !(spec.flags & command::kNoAuth)) {
    return Reject(conn, &command, resp::kNoAuth);
  }
  // The hot path: a user with every command and every key (`default`
  // unless ACL SETUSER narrowed it) costs this one branch. Checked again for
  // each command EXEC runs, since the user may have changed since queuing.
  if (!conn.user->unrestricted()) {
    std::string denial = AclDenial(conn, command, args);
    if (!denial.empty()) return Reject(conn, &command, denial);
  }
  // Commands inside EXEC were checked when queued and at EXEC, as in Redis.
  if (config_.maxmemory > 0 && !conn.in_exec && RefusedForMemory(conn, command)) {
    if (spec.name == "exec") {
      // The transaction is discarded (Redis's execCommandAbort).
      conn.transaction = Transaction{};
      return Reject(conn, &command,
                    base::StrCat("EXECABORT Transaction discarded because of: ", resp::kOom));
    }
    return Reject(conn, &command, resp::kOom);
  }
  // RESP2 has one stream of replies, which a subscriber reads as messages;
  // RESP3 tells pushes apart, so there any command runs. EXEC runs its whole
  // queue even after a queued SUBSCRIBE, as Redis checks only on arrival.
  if (!conn.reply().resp3() && !conn.in_exec && !(spec.flags & command::kSubscribedContext) &&
      IsSubscribed(conn)) {
    return Reject(conn, &command,
                  base::StrCat("ERR Can't execute '", command.full_name,
                               "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
                               "this context"));
  }
  if (conn.transaction.active && !(spec.flags & command::kTransactionControl)) {
    if (spec.flags & command::kNoMulti) return Reject(conn, &command, resp::kNotAllowedInMulti);
    return Queue(conn, command, args);
  }
  Call(conn, command, args);
  // Clients blocked on keys this command wrote are served before the next
  // command runs (after EXEC for a transaction's writes), as in Redis.
  if (blocked_keys_.has_ready() && !conn.in_exec && !serving_blocked_) ServeReadyKeys();
  return conn.close_requested || conn.block.active ? Connection::Next::kStop : Connection::Next::kContinue;
}

}  // namespace runnel
