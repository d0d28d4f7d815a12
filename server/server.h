// Server: the process's one loop, its listeners, connections, command table,
// configuration and databases, and the path from bytes to replies.
//
// The Server is the LoopHandler of its EventLoop: bytes arrive in OnData, are
// parsed by the Connection and run by Execute(), which resolves the command in
// the table (unknown name, arity), applies the rules every command shares
// (authentication, MULTI queuing, CLIENT REPLY) and calls the handler.
// BeforeSleep() runs the periodic work (ops/sec sampling, idle timeouts,
// signals, graceful shutdown).
//
// Nothing here is global: a later shard-per-core server runs one Server-like
// shard per loop thread. Not thread-safe; everything runs on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/keyspace/evictor.h"
#include "engine/keyspace/keyspace.h"
#include "engine/pubsub/pubsub.h"
#include "server/acl/acl_log.h"
#include "server/acl/user_table.h"
#include "server/blocking/blocked_keys.h"
#include "server/command/command_table.h"
#include "server/config/config_schema.h"
#include "server/config/server_config.h"
#include "server/connection.h"
#include "server/durability/storage.h"
#include "server/info/server_stats.h"
#include "server/io/event_loop.h"
#include "server/memory/allocator_stats.h"
#include "server/resp/resp_writer.h"

namespace runnel {

class MessageFrames;

// Runnel's own version; INFO's redis_version names the Redis behaviour matched.
inline constexpr std::string_view kRunnelVersion = "0.1.0";
inline constexpr std::string_view kRedisCompatVersion = "7.2.4";

class Server final : public io::LoopHandler, public resp::ErrorObserver {
 public:
  explicit Server(config::ServerConfig config);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Creates the event loop and listens on every bind address.
  absl::Status Start();
  // What Start() makes its event loop with; by default io::EventLoop::Create
  // with the configured backend. The command fuzzer gives one without sockets.
  using LoopFactory = std::function<absl::StatusOr<std::unique_ptr<io::EventLoop>>(io::LoopHandler*)>;
  void set_loop_factory(LoopFactory factory) { loop_factory_ = std::move(factory); }
  // Serves until a SHUTDOWN or SIGTERM/SIGINT has been carried out.
  absl::Status Run();

  // io::LoopHandler
  void OnOpen(io::ConnectionId id, const io::PeerInfo& peer) override;
  void OnData(io::ConnectionId id, std::string_view data) override;
  void OnClose(io::ConnectionId id) override;
  absl::Duration BeforeSleep() override;
  void OnWake(int fd) override;

  // resp::ErrorObserver: every error reply is counted for INFO.
  void OnErrorReply(std::string_view text) override;

  // Runs one command for `conn`, replying on its output. Returns whether the
  // connection may run its next pipelined command.
  Connection::Next Execute(Connection& conn, std::span<const std::string_view> args);

  // --- state for command handlers ---
  config::ServerConfig& config() { return config_; }
  const config::ConfigSchema& config_schema() const { return schema_; }
  // Applies the side effects of a changed option (log level, parser limits).
  void OnConfigChanged();
  // CONFIG SET of tls-* options (server_tls.cc): when TLS is on and
  // `candidate` changes its settings, builds a context from them and gives
  // it to the loop for new connections. An error (logged with the reason)
  // leaves TLS as it was; the caller then refuses the whole CONFIG SET.
  absl::Status ApplyTlsConfig(const config::ServerConfig& candidate);
  const command::CommandTable& commands() const { return commands_; }
  acl::UserTable& users() { return *users_; }
  // Replaces the users with those of `aclfile` (start-up, ACL LOAD); all or
  // nothing. Connections of users that are gone are closed (`caller` after
  // its reply). The error is Redis's text without "ERR ".
  absl::Status LoadAclFile(Connection* caller);
  // ACL LOG: security events, see server_acl.cc.
  acl::AclLog& acl_log() { return acl_log_; }
  // Records a refused command, key or channel, or a failed login, for
  // `conn` now (context multi inside MULTI or EXEC). `username` is the
  // connection's user, or for kAuth the name that failed.
  void LogAclEvent(Connection& conn, acl::AclLogEntry::Reason reason, std::string_view object,
                   std::string_view username);
  // After ACL SETUSER narrowed `user`'s channels (from `old_all` /
  // `old_patterns`): closes its connections subscribed to a channel or
  // pattern it may no longer use, as Redis 7.0's ACLKillPubsubClientsIfNeeded.
  void DisconnectForbiddenSubscribers(const acl::User& user, bool old_all,
                                      const std::vector<std::string>& old_patterns, const Connection& caller);
  // Whether a new connection starts authenticated: `default` is on and
  // nopass (no requirepass), as Redis's authRequired.
  bool DefaultUserOpens() const {
    const acl::User& user = users_->default_user();
    return user.enabled() && user.nopass();
  }
  keyspace::Keyspace& database(int index) { return databases_[index]; }
  int database_count() const { return static_cast<int>(databases_.size()); }
  info::ServerStats& stats() { return stats_; }
  io::EventLoop& loop() { return *loop_; }
  durability::Storage& storage() { return *storage_; }
  absl::Time start_time() const { return start_time_; }
  const std::string& run_id() const { return run_id_; }
  size_t blocked_clients() const { return blocked_clients_; }

  // --- memory (server_memory.cc) ---
  memory::AllocatorStats& allocator() { return allocator_; }
  // Heap bytes in use now (INFO used_memory); also moves used_memory_peak.
  size_t UsedMemory();

  size_t connection_count() const { return connection_count_; }
  // Live connections ordered by client id (CLIENT LIST order).
  std::vector<Connection*> ConnectionsById();
  // Closes `conn` at once, or after the current reply when it is the caller.
  void KillClient(Connection& conn, const Connection& caller);
  // Starts a graceful shutdown: stop accepting, flush replies, sync, exit 0.
  void RequestShutdown(std::string_view reason);

  // --- pub/sub ---
  pubsub::PubSub& pubsub() { return pubsub_; }
  // A connection's id in the pub/sub registries: its loop slot and the
  // slot's generation, so a message for a closed client whose slot was
  // reused finds no one.
  static pubsub::SubscriberId SubscriberOf(const Connection& conn) {
    return static_cast<uint64_t>(conn.id().slot) << 32 | conn.id().generation;
  }
  Connection* FindSubscriber(pubsub::SubscriberId subscriber) {
    return FindConnection({static_cast<uint32_t>(subscriber >> 32), static_cast<uint32_t>(subscriber)});
  }
  // Subscribed to at least one channel, pattern or shard channel (Redis's
  // CLIENT_PUBSUB).
  bool IsSubscribed(const Connection& conn) const {
    return pubsub_.TotalSubscriptionCount(SubscriberOf(conn)) > 0;
  }
  // Queues a frame encoded once for many receivers on `conn` and has the
  // loop send it this turn. A client closing after its last reply (QUIT)
  // gets nothing more, as in Redis; a frame for the connection whose command
  // is running waits until its reply is complete (server_pubsub.cc).
  void DeliverShared(Connection& conn, const std::shared_ptr<const std::string>& frame);
  // PUBLISH / SPUBLISH: delivers `message` to every receiver; returns how
  // many there were.
  size_t Publish(std::string_view channel, std::string_view message);
  size_t ShardPublish(std::string_view channel, std::string_view message);
  // A keyspace notification (Redis's notifyKeyspaceEvent): published when
  // `notify-keyspace-events` enables `event_class` (a
  // pubsub::KeyspaceEventClass) and K and/or E.
  void NotifyKeyspaceEvent(uint32_t event_class, std::string_view event, std::string_view key, int db);

  // --- blocking commands (server_blocking.cc) ---
  // Called by a blocking command that cannot answer yet: `conn` waits on
  // `keys` (of its database) until one is written, when `command` runs again
  // with `args`, or until `timeout` passes (InfiniteDuration: never), when it
  // gets a null reply. `wake_on` says whether a deleted key (or one that is
  // no longer a stream) runs it again too. Returns false when the client
  // may not block (inside EXEC): the command then answers as on a timeout,
  // as Redis does.
  bool BlockClient(Connection& conn, const command::ResolvedCommand& command,
                   std::span<const std::string_view> keys, absl::Duration timeout,
                   std::vector<std::string> args, WakeOn wake_on = WakeOn::kStream);
  // A key was written (XADD, a rename onto it) or removed (every keyspace
  // removal, through Keyspace's removal listener): the commands of clients
  // blocked on it are run again, oldest first, before the next command.
  void SignalKeyReady(int db, std::string_view key) { blocked_keys_.SignalReady(db, key); }
  // CLIENT UNBLOCK: ends `conn`'s wait with the timeout reply or an
  // UNBLOCKED error; false when it is not blocked.
  bool UnblockByRequest(Connection& conn, bool with_error);

 private:
  Connection* FindConnection(io::ConnectionId id);
  // `address` ("ip:port", "[ip6]:port") is 127.0.0.1 or ::1 (protected-mode).
  static bool IsLoopbackPeer(std::string_view address);
  // TLS at start-up (server_tls.cc): the context of the tls-* options
  // (nullptr without a tls-port), built before the data is recovered so a
  // bad file stops start-up at once, naming it; then the tls-port listeners.
  absl::StatusOr<std::unique_ptr<io::tls::TlsContext>> LoadTlsContext() const;
  absl::Status ListenTls(std::unique_ptr<io::tls::TlsContext> context);
  void RunCron(absl::Time now);
  void CloseIdleClients(absl::Time now);
  void ExpireKeys(absl::Time now);
  void CheckSignals();
  void AdvanceShutdown(absl::Time now);
  resp::ParserLimits ParserLimitsFor(const Connection* conn) const;
  void AfterInput(Connection& conn, Connection::InputStatus status);
  // Sends the held output of connections whose writes are now durable.
  void ReleaseSyncedReplies();
  void ResumeDrainedReaders();

  // Pub/sub (server_pubsub.cc).
  template <typename PublishFn>
  size_t Fanout(MessageFrames& frames, PublishFn&& publish);
  // Sends the pushes held for `conn` while its command ran.
  void DeliverHeldPushes(Connection& conn);
  // Closes `conn` (its output dropped) when its output passes the
  // client-output-buffer-limit of `client_class` (the client's class:
  // kPubSub while it has a subscription); returns whether it did.
  bool OutputLimitReached(Connection& conn, config::ClientClass client_class);
  // Keyspace removals and additions: wakes blocked clients, notifies.
  void OnKeyChange(int db, keyspace::KeyChange change, std::string_view key, const keyspace::Value& value);

  // Blocking (server_blocking.cc).
  void UnblockClient(Connection& conn);
  void ServeReadyKeys();
  void ExpireBlockedClients(absl::Time now);
  void ResumeUnblockedClients();
  // Whether `key` of `db` holds a stream now (expiring it if due).
  bool HoldsStream(int db, std::string_view key);
  // How long the loop may sleep before the nearest block deadline.
  absl::Duration UntilNextBlockDeadline(absl::Time now, absl::Duration cap) const;

  // Memory (server_memory.cc).
  // Hands maxmemory-policy and the LFU options to every database.
  void ApplyAccessTracking();
  // Redis's performEvictions: evicts by the policy while over maxmemory,
  // for a bounded time; kRunning continues from BeforeSleep.
  keyspace::EvictionResult PerformEvictions();
  // Whether `command` must be refused with -OOM: over maxmemory after
  // evicting, and the command may grow memory (denyoom, any command queued
  // in MULTI, an EXEC whose queue holds a denyoom command).
  bool RefusedForMemory(const Connection& conn, const command::ResolvedCommand& command);

  // Dispatch steps (server_dispatch.cc).
  Connection::Next Reject(Connection& conn, const command::ResolvedCommand* command,
                          std::string_view error);
  Connection::Next Queue(Connection& conn, const command::ResolvedCommand& command,
                         std::span<const std::string_view> args);
  // Drops a client sending HTTP ("POST", "Host:"); returns whether it did.
  bool RefuseHttp(Connection& conn, std::string_view name);
  // The NOPERM error when `conn`'s user may not run `command` with `args`
  // (a command outside its rules, a key or channel outside its patterns),
  // after logging the refusal in ACL LOG; empty if it may.
  std::string AclDenial(Connection& conn, const command::ResolvedCommand& command,
                        std::span<const std::string_view> args);
  // Whether `conn` holds a channel, pattern or shard channel its user may
  // no longer use.
  bool SubscribedToForbidden(const Connection& conn) const;
  void ApplyAclPubsubDefault();
  // The config file's `user` lines (after the whole file was read).
  absl::Status LoadConfigUsers();
  void Call(Connection& conn, const command::ResolvedCommand& command,
            std::span<const std::string_view> args);

  config::ServerConfig config_;
  config::ConfigSchema schema_;
  command::CommandTable commands_;
  // Built once the table is complete (a user's permissions index it).
  std::unique_ptr<acl::UserTable> users_;
  acl::AclLog acl_log_;
  std::string applied_requirepass_;  // what `default` mirrors; see OnConfigChanged
  std::vector<keyspace::Keyspace> databases_;
  info::ServerStats stats_;
  std::unique_ptr<durability::Storage> storage_;
  LoopFactory loop_factory_;
  std::unique_ptr<io::EventLoop> loop_;
  memory::AllocatorStats allocator_;
  keyspace::Evictor evictor_;
  bool eviction_running_ = false;  // over maxmemory, out of time: BeforeSleep goes on

  // Connections by loop slot; null where no client is.
  std::vector<std::unique_ptr<Connection>> connections_;
  size_t connection_count_ = 0;
  uint64_t next_client_id_ = 1;
  size_t blocked_clients_ = 0;
  blocking::BlockedKeys blocked_keys_;
  pubsub::PubSub pubsub_;
  // Deadlines of blocked clients with a timeout, soonest first.
  std::multimap<absl::Time, io::ConnectionId> block_deadlines_;
  // Clients whose wait ended; their pipelined input runs in BeforeSleep,
  // outside any other client's command.
  std::vector<io::ConnectionId> unblocked_;
  bool serving_blocked_ = false;  // ServeReadyKeys is running (no nesting)
  // The connection whose command is running (outermost Call), and the
  // pushes for it held until its reply is complete.
  Connection* calling_ = nullptr;
  std::vector<std::shared_ptr<const std::string>> calling_pushes_;
  // Connections whose reading is paused until their output drains.
  std::vector<io::ConnectionId> paused_readers_;
  // Connections whose replies wait for a group commit (appendfsync always).
  std::vector<io::ConnectionId> sync_waiters_;

  absl::Time start_time_;
  std::string run_id_;
  absl::Time last_cron_ = absl::InfinitePast();
  absl::Time last_http_warning_ = absl::InfinitePast();
  int signal_fd_ = -1;

  bool shutting_down_ = false;
  absl::Time shutdown_deadline_;
};

}  // namespace runnel
