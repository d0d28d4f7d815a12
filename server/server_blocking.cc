// Blocking commands (XREAD and XREADGROUP with BLOCK): how a client waits on
// keys and how its wait ends.
//
//   block   — the command finds nothing to answer and calls BlockClient: the
//             client joins each key's queue (BlockedKeys) and, with a
//             timeout, block_deadlines_; its input stops being read.
//   written — a write calls SignalKeyReady, and so does every removal of a
//             key (the keyspace's removal listener); after that command (or
//             EXEC, or the cron's active expiry), ServeReadyKeys re-runs the
//             blocked command of every waiter on each signalled key, oldest
//             first — only while the key holds a stream, unless the waiter
//             asked for WakeOn::kAnyChange (XREADGROUP). A command that
//             still has nothing to answer blocks again and keeps its place.
//   ended   — served, timed out (null reply), CLIENT UNBLOCK, or the client
//             left. A served or timed-out client's pipelined input runs in
//             BeforeSleep (ResumeUnblockedClients), never inside another
//             client's command, so no command can close a connection whose
//             input is being parsed further up the stack.
#include <algorithm>

#include "server/command/command_table.h"
#include "server/connection.h"
#include "server/server.h"

namespace runnel {
namespace {

constexpr std::string_view kUnblockedError = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

void EraseDeadline(std::multimap<absl::Time, io::ConnectionId>& deadlines, absl::Time deadline,
                   io::ConnectionId id) {
  auto [first, last] = deadlines.equal_range(deadline);
  for (auto it = first; it != last; ++it) {
    if (it->second == id) {
      deadlines.erase(it);
      return;
    }
  }
}

}  // namespace

bool Server::BlockClient(Connection& conn, const command::ResolvedCommand& command,
                         std::span<const std::string_view> keys, absl::Duration timeout,
                         std::vector<std::string> args, WakeOn wake_on) {
  BlockState& block = conn.block;
  if (block.rerunning) {
    // Still nothing to answer: the wait goes on as it was (same place in
    // each queue, same deadline, same resolved arguments).
    block.rearmed = true;
    return true;
  }
  if (conn.in_exec) return false;
  block.active = true;
  block.db = conn.db;
  block.wake_on = wake_on;
  block.keys.assign(keys.begin(), keys.end());
  block.args = std::move(args);
  block.command = &command;
  block.deadline = timeout == absl::InfiniteDuration() ? absl::InfiniteFuture() : absl::Now() + timeout;
  for (const std::string& key : block.keys) blocked_keys_.Add(block.db, key, conn.id());
  if (block.deadline != absl::InfiniteFuture()) block_deadlines_.emplace(block.deadline, conn.id());
  ++blocked_clients_;
  return true;
}

void Server::UnblockClient(Connection& conn) {
  BlockState& block = conn.block;
  if (!block.active) return;
  for (const std::string& key : block.keys) blocked_keys_.Remove(block.db, key, conn.id());
  if (block.deadline != absl::InfiniteFuture()) EraseDeadline(block_deadlines_, block.deadline, conn.id());
  --blocked_clients_;
  block = BlockState{};
  // The wait ends with a reply: an interaction, so the idle timeout (which
  // spared the client while it waited) counts from now, not from the command
  // that blocked.
  conn.last_interaction = absl::Now();
}

void Server::ServeReadyKeys() {
  serving_blocked_ = true;
  // Re-running a command never signals a key (XREAD only reads; XREADGROUP
  // changes its group, not the stream), but the loop keeps going until no
  // key is left signalled: a key found expired while serving is signalled
  // as it is removed.
  while (blocked_keys_.has_ready()) {
    for (const blocking::ReadyKey& ready : blocked_keys_.TakeReady()) {
      for (io::ConnectionId id : blocked_keys_.Waiters(ready.db, ready.key)) {
        Connection* conn = FindConnection(id);
        if (conn == nullptr || !conn->block.active) continue;
        BlockState& block = conn->block;
        if (block.wake_on == WakeOn::kStream && !HoldsStream(ready.db, ready.key)) continue;
        std::vector<std::string_view> args(block.args.begin(), block.args.end());
        const int saved_db = conn->db;
        conn->db = block.db;
        block.rerunning = true;
        block.rearmed = false;
        Call(*conn, *block.command, args);
        block.rerunning = false;
        conn->db = saved_db;
        if (!block.rearmed) {
          UnblockClient(*conn);
          unblocked_.push_back(id);
        }
      }
    }
  }
  serving_blocked_ = false;
}

void Server::ExpireBlockedClients(absl::Time now) {
  while (!block_deadlines_.empty() && block_deadlines_.begin()->first <= now) {
    io::ConnectionId id = block_deadlines_.begin()->second;
    block_deadlines_.erase(block_deadlines_.begin());
    Connection* conn = FindConnection(id);
    if (conn == nullptr || !conn->block.active) continue;
    conn->block.deadline = absl::InfiniteFuture();  // its deadline entry is gone
    UnblockClient(*conn);
    // XREAD's (and BLPOP's) timeout reply.
    conn->reply().NullArray();
    unblocked_.push_back(id);
  }
}

bool Server::UnblockByRequest(Connection& conn, bool with_error) {
  if (!conn.block.active) return false;
  UnblockClient(conn);
  if (with_error) {
    conn.reply().Error(kUnblockedError);
  } else {
    conn.reply().NullArray();
  }
  unblocked_.push_back(conn.id());
  return true;
}

void Server::ResumeUnblockedClients() {
  // A resumed client's commands may unblock others (XADD), which join the
  // list; each round takes the clients queued so far.
  while (!unblocked_.empty()) {
    std::vector<io::ConnectionId> batch;
    batch.swap(unblocked_);
    for (io::ConnectionId id : batch) {
      Connection* conn = FindConnection(id);
      if (conn == nullptr || conn->block.active) continue;
      auto status = conn->ResumeInput(
          static_cast<size_t>(config_.client_query_buffer_limit),
          [this](Connection& c, std::span<const std::string_view> args) { return Execute(c, args); });
      AfterInput(*conn, status);
    }
  }
}

bool Server::HoldsStream(int db, std::string_view key) {
  const keyspace::Entry* entry = databases_[db].Find(key);
  return entry != nullptr && entry->value->type() == keyspace::ValueType::kStream;
}

absl::Duration Server::UntilNextBlockDeadline(absl::Time now, absl::Duration cap) const {
  if (block_deadlines_.empty()) return cap;
  return std::clamp(block_deadlines_.begin()->first - now, absl::ZeroDuration(), cap);
}

}  // namespace runnel
