#include "server/server.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "engine/base/strings.h"
#include "engine/base/logging.h"
#include "engine/base/status_macros.h"
#include "engine/stream/stream.h"
#include "server/commands/families.h"
#include "server/io/tls/tls_context.h"
#include "server/resp/error_text.h"

namespace runnel {
namespace {

// Redis's cron runs `hz` times a second; the loop never sleeps longer than
// one cron period so timers and signals are seen promptly.
absl::Duration CronPeriod(int64_t hz) { return absl::Milliseconds(1000 / std::max<int64_t>(hz, 1)); }

// A client that pipelines commands but does not read its replies stops being
// read once this much output waits for it, and is read again when half of it
// has drained: its memory stays bounded and the server keeps serving others.
// (client-output-buffer-limit, #9, decides when such a client is dropped.)
constexpr size_t kPauseReadingOutputBytes = 16 * 1024 * 1024;

// Time the cron spends removing expired keys per database per tick.
constexpr absl::Duration kActiveExpireBudget = absl::Milliseconds(1);

// How long a graceful shutdown waits for clients to take their last replies.
constexpr absl::Duration kShutdownFlushTimeout = absl::Seconds(2);

// 40 hex characters, like Redis's run_id.
std::string NewRunId() {
  std::random_device device;
  std::mt19937_64 rng(static_cast<uint64_t>(device()) << 32 | device());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(40, '0');
  for (char& c : id) c = kHex[rng() % 16];
  return id;
}

}  // namespace

Server::Server(config::ServerConfig config)
    : config_(std::move(config)),
      blocked_keys_(static_cast<int>(config_.databases)),
      start_time_(absl::Now()),
      run_id_(NewRunId()) {
  RegisterConnectionCommands(commands_);
  RegisterServerCommands(commands_);
  RegisterKeyspaceCommands(commands_);
  RegisterScanCommands(commands_);
  RegisterExpireCommands(commands_);
  RegisterClientCommands(commands_);
  RegisterConfigCommands(commands_);
  RegisterCommandCommands(commands_);
  RegisterTransactionCommands(commands_);
  RegisterStreamCommands(commands_);
  RegisterStreamReadCommands(commands_);
  RegisterStreamMetaCommands(commands_);
  RegisterGroupCommands(commands_);
  RegisterPendingCommands(commands_);
  RegisterStreamGroupReadCommands(commands_);
  RegisterClaimCommands(commands_);
  RegisterPubSubCommands(commands_);
  RegisterStringCommands(commands_);
  RegisterStringRangeCommands(commands_);
  RegisterStringNumberCommands(commands_);
  RegisterAclCommands(commands_);
  users_ = std::make_unique<acl::UserTable>(commands_);
  users_->SetDefaultPassword(config_.requirepass);
  applied_requirepass_ = config_.requirepass;
  ApplyAclPubsubDefault();
  databases_.resize(static_cast<size_t>(config_.databases));
  for (int db = 0; db < database_count(); ++db) {
    databases_[db].set_key_listener(
        [this, db](keyspace::KeyChange change, std::string_view key, const keyspace::Value& value) {
          OnKeyChange(db, change, key, value);
        });
  }
  ApplyAccessTracking();
}

Server::~Server() {
  // Values before the storage their logs use; destroying a keyspace (rather
  // than clearing it) keeps every stream's files for the next start.
  databases_.clear();
  if (signal_fd_ >= 0) close(signal_fd_);
}

absl::Status Server::Start() {
  RETURN_IF_ERROR(LoadConfigUsers());
  if (!config_.aclfile.empty()) {
    absl::Status loaded = LoadAclFile(nullptr);
    if (!loaded.ok()) {
      return absl::FailedPreconditionError(
          base::StrCat("Aborting startup because of ACL errors: ", base::ToStd(loaded.message())));
    }
  }
  // SIGTERM/SIGINT are read from a signalfd by the cron, so shutdown runs on
  // the loop thread like everything else; SIGPIPE is never wanted.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) {
    return absl::InternalError("cannot block SIGTERM/SIGINT");
  }
  signal_fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return absl::InternalError(base::StrCat("signalfd: ", strerror(errno)));
  signal(SIGPIPE, SIG_IGN);

  ASSIGN_OR_RETURN(std::unique_ptr<io::tls::TlsContext> tls_context, LoadTlsContext());
  // The data is recovered before the port opens, as Redis loads before it
  // accepts clients.
  ASSIGN_OR_RETURN(storage_, durability::Storage::Open(
                                 config_, [this](int db, std::string key, std::unique_ptr<log::Log> log) {
                                   if (db >= database_count()) {
                                     // Kept on disk; served again once `databases` covers it.
                                     RUNNEL_LOG_WARNING("Stream in database %d ignored: databases is %d", db,
                                                        database_count());
                                     return;
                                   }
                                   databases_[db].Set(key, std::make_unique<stream::Stream>(std::move(log)));
                                 }));

  io::LoopOptions options;
  options.backend = config_.io_backend;
  ASSIGN_OR_RETURN(loop_, loop_factory_ ? loop_factory_(this) : io::EventLoop::Create(options, this));
  loop_->WatchWakeFd(storage_->sync_wake_fd());
  // SIGTERM starts the shutdown in the turn it arrives, not at the next cron.
  loop_->WatchWakeFd(signal_fd_);
  // With port 0 the kernel picks a port for the first address; every other
  // address then listens on that same port. As in Redis, port 0 with a
  // tls-port means TLS only.
  int port = static_cast<int>(config_.port);
  const bool plain = config_.port != 0 || config_.tls_port == 0;
  for (const std::string& address : config_.bind) {
    if (!plain) break;
    RETURN_IF_ERROR(loop_->Listen(address, port));
    if (port == 0) port = loop_->bound_port();
  }
  RETURN_IF_ERROR(ListenTls(std::move(tls_context)));
  std::string tls_port;
  if (config_.tls_port != 0) tls_port = base::StrCat(", tls-port=", config_.tls_port);
  RUNNEL_LOG_NOTICE("Runnel %s (Redis %s compatible) started, pid=%d, io-backend=%s, port=%d%s",
                    kRunnelVersion, kRedisCompatVersion, getpid(),
                    io::IoBackendName(loop_->backend()), port, tls_port);
  if (plain) RUNNEL_LOG_NOTICE("Ready to accept connections tcp");
  if (config_.tls_port != 0) RUNNEL_LOG_NOTICE("Ready to accept connections tls");
  return absl::OkStatus();
}

absl::Status Server::Run() {
  RETURN_IF_ERROR(loop_->Run());
  RUNNEL_LOG_WARNING("Runnel is now ready to exit, bye bye...");
  return absl::OkStatus();
}

resp::ParserLimits Server::ParserLimitsFor(const Connection* conn) const {
  resp::ParserLimits limits;
  limits.max_bulk_len = config_.proto_max_bulk_len;
  limits.unauthenticated = conn == nullptr ? !DefaultUserOpens() : !conn->authenticated;
  return limits;
}

void Server::OnOpen(io::ConnectionId id, const io::PeerInfo& peer) {
  ++stats_.total_connections_received;
  // Redis answers a refused client before closing so it can tell why.
  auto refuse = [&](std::string_view error) {
    ++stats_.rejected_connections;
    loop_->Output(id).Append(base::StrCat("-", error, "\r\n"));
    loop_->Flush(id);
    loop_->Close(id, io::CloseMode::kAfterFlush);
  };
  // Redis checks the default user rather than requirepass: ACL SETUSER
  // default >pass protects as well.
  if (config_.protected_mode && users_->default_user().nopass() && !IsLoopbackPeer(peer.address)) {
    return refuse(resp::kProtectedMode);
  }
  if (shutting_down_ || connection_count_ >= static_cast<size_t>(config_.maxclients)) {
    return refuse(resp::kMaxClients);
  }
  if (connections_.size() <= id.slot) connections_.resize(id.slot + 1);
  auto conn = std::make_unique<Connection>(id, next_client_id_++, peer, &loop_->Output(id),
                                           ParserLimitsFor(nullptr), absl::Now());
  conn->authenticated = DefaultUserOpens();
  conn->user = &users_->default_user();
  conn->reply().set_error_observer(this);
  connections_[id.slot] = std::move(conn);
  ++connection_count_;
  RUNNEL_LOG_VERBOSE("Accepted %s", peer.address);
}

bool Server::IsLoopbackPeer(std::string_view address) {
  // As Redis's connIsLocal: exactly 127.0.0.1 or ::1 (127.0.0.2 is not).
  return address.starts_with("127.0.0.1:") || address.starts_with("[::1]:");
}

Connection* Server::FindConnection(io::ConnectionId id) {
  if (id.slot >= connections_.size()) return nullptr;
  Connection* conn = connections_[id.slot].get();
  return conn != nullptr && conn->id() == id ? conn : nullptr;
}

void Server::OnData(io::ConnectionId id, std::string_view data) {
  Connection* conn = FindConnection(id);
  if (conn == nullptr) return;
  stats_.total_net_input_bytes += data.size();
  ++stats_.total_reads_processed;
  conn->last_interaction = absl::Now();
  size_t before = conn->output().size();
  auto status = conn->OnData(
      data, static_cast<size_t>(config_.client_query_buffer_limit),
      [this](Connection& c, std::span<const std::string_view> args) { return Execute(c, args); });
  stats_.total_net_output_bytes += conn->output().size() - std::min(before, conn->output().size());
  AfterInput(*conn, status);
}

void Server::AfterInput(Connection& conn, Connection::InputStatus status) {
  switch (status) {
    case Connection::InputStatus::kOk:
    case Connection::InputStatus::kProtocolError:
      break;
    case Connection::InputStatus::kQueryBufferLimit:
      ++stats_.client_query_buffer_limit_disconnections;
      RUNNEL_LOG_WARNING("Closing client that reached max query buffer length: id=%d addr=%s",
                         conn.client_id(), conn.peer().address);
      loop_->Close(conn.id(), io::CloseMode::kNow);
      return;
  }
  if (conn.sync_epoch > storage_->scheduler().completed_epoch()) {
    // Held until its writes are durable; ReleaseSyncedReplies() sends it
    // (and carries out a QUIT that came after the write).
    if (std::find(sync_waiters_.begin(), sync_waiters_.end(), conn.id()) == sync_waiters_.end()) {
      sync_waiters_.push_back(conn.id());
    }
    return;
  }
  if (OutputLimitReached(conn, IsSubscribed(conn) ? config::ClientClass::kPubSub : config::ClientClass::kNormal)) {
    return;
  }
  if (!conn.output().empty()) loop_->Flush(conn.id());
  if (conn.close_requested) {
    loop_->Close(conn.id(), io::CloseMode::kAfterFlush);
  } else if (!conn.reading_paused && conn.output().size() > kPauseReadingOutputBytes) {
    conn.reading_paused = true;
    loop_->PauseReading(conn.id(), true);
    paused_readers_.push_back(conn.id());
  }
}

void Server::ResumeDrainedReaders() {
  size_t kept = 0;
  for (io::ConnectionId id : paused_readers_) {
    Connection* conn = FindConnection(id);
    if (conn == nullptr) continue;  // closed meanwhile
    if (conn->output().size() <= kPauseReadingOutputBytes / 2) {
      conn->reading_paused = false;
      loop_->PauseReading(id, false);
    } else {
      paused_readers_[kept++] = id;
    }
  }
  paused_readers_.resize(kept);
}

void Server::OnClose(io::ConnectionId id) {
  Connection* conn = FindConnection(id);
  if (conn == nullptr) return;  // a client refused at accept
  RUNNEL_LOG_VERBOSE("Client closed connection id=%d addr=%s", conn->client_id(),
                     conn->peer().address);
  if (conn->block.active) UnblockClient(*conn);
  // Every subscription goes at once, whatever closed the connection
  // (disconnect, QUIT, CLIENT KILL, a limit).
  pubsub_.RemoveSubscriber(SubscriberOf(*conn));
  connections_[id.slot].reset();
  --connection_count_;
}

void Server::OnErrorReply(std::string_view text) { stats_.CountError(text); }

std::vector<Connection*> Server::ConnectionsById() {
  std::vector<Connection*> out;
  out.reserve(connection_count_);
  for (auto& conn : connections_) {
    if (conn) out.push_back(conn.get());
  }
  std::sort(out.begin(), out.end(),
            [](Connection* a, Connection* b) { return a->client_id() < b->client_id(); });
  return out;
}

void Server::KillClient(Connection& conn, const Connection& caller) {
  if (&conn == &caller) {
    // The caller still gets its reply, as Redis's CLIENT_CLOSE_AFTER_REPLY.
    conn.close_requested = true;
    return;
  }
  // The loop closes the socket at the end of the turn; the subscriptions go
  // now, as Redis frees the client at once: a PUBLISH right after the KILL
  // no longer counts it.
  pubsub_.RemoveSubscriber(SubscriberOf(conn));
  loop_->Close(conn.id(), io::CloseMode::kNow);
}

void Server::OnConfigChanged() {
  // CONFIG SET requirepass rewrites `default`'s passwords, as Redis's
  // updateRequirePass; other changes leave ACL SETUSER default's alone.
  if (config_.requirepass != applied_requirepass_) {
    users_->SetDefaultPassword(config_.requirepass);
    applied_requirepass_ = config_.requirepass;
  }
  ApplyAclPubsubDefault();
  base::SetLogLevel(static_cast<int>(config_.loglevel));
  ApplyAccessTracking();
  // A lowered maxmemory evicts at once, as Redis's updateMaxmemory.
  if (config_.maxmemory > 0) PerformEvictions();
  if (storage_ != nullptr) storage_->ApplyConfig(config_);
  for (auto& conn : connections_) {
    if (conn) conn->parser().set_limits(ParserLimitsFor(conn.get()));
  }
}

void Server::ReleaseSyncedReplies() {
  const uint64_t completed = storage_->scheduler().completed_epoch();
  size_t kept = 0;
  for (io::ConnectionId id : sync_waiters_) {
    Connection* conn = FindConnection(id);
    if (conn == nullptr) continue;  // closed meanwhile
    if (conn->sync_epoch > completed) {
      sync_waiters_[kept++] = id;
      continue;
    }
    conn->sync_epoch = 0;
    AfterInput(*conn, Connection::InputStatus::kOk);
  }
  sync_waiters_.resize(kept);
}

absl::Duration Server::BeforeSleep() {
  absl::Time now = absl::Now();
  absl::Duration period = CronPeriod(config_.hz);
  // The cron first: the keys its active expiry removes wake their blocked
  // XREADGROUP clients, served below in this same turn.
  if (now - last_cron_ >= period) {
    RunCron(now);
    last_cron_ = now;
  }
  if (!paused_readers_.empty()) ResumeDrainedReaders();
  if (!block_deadlines_.empty()) ExpireBlockedClients(absl::Now());
  if (blocked_keys_.has_ready()) ServeReadyKeys();
  if (!unblocked_.empty()) ResumeUnblockedClients();
  storage_->BeforeSleep(config_.appendfsync);
  if (!sync_waiters_.empty()) ReleaseSyncedReplies();
  // Over maxmemory with the last call's time spent: evict a little more
  // each turn without sleeping, as Redis's evictionTimeProc.
  if (eviction_running_) PerformEvictions();
  // Each turn, so the server stops as soon as its last client has gone.
  if (shutting_down_) AdvanceShutdown(now);
  if (eviction_running_) return absl::ZeroDuration();
  return UntilNextBlockDeadline(absl::Now(), period);
}

void Server::RunCron(absl::Time now) {
  stats_.ops_per_sec.Sample(stats_.total_commands_processed, now);
  stats_.input_bytes_per_sec.Sample(stats_.total_net_input_bytes, now);
  stats_.output_bytes_per_sec.Sample(stats_.total_net_output_bytes, now);
  CheckSignals();  // in case polling the signal fd failed (OnWake)
  CloseIdleClients(now);
  storage_->Cron(config_.appendfsync, now);
  ExpireKeys(now);
  // The allocator's totals, which other threads' memory reaches only here.
  allocator_.Refresh();
  UsedMemory();
}

void Server::ExpireKeys(absl::Time now) {
  // Active expiry, as Redis's cycle: sample keys with a TTL and remove the
  // expired ones, within a budget per database per tick. Removing a stream
  // deletes its files, so a tick removes few streams; lazy expiry on access
  // covers the rest.
  const int64_t now_ms = absl::ToUnixMillis(now);
  for (keyspace::Keyspace& db : databases_) {
    if (db.expires_count() > 0) db.ExpireSome(now_ms, kActiveExpireBudget);
  }
}

void Server::CloseIdleClients(absl::Time now) {
  if (config_.timeout <= 0) return;
  absl::Duration limit = absl::Seconds(config_.timeout);
  for (auto& conn : connections_) {
    // A blocked client waits by request; its own timeout ends the wait. A
    // subscriber is quiet by nature and is never idle, as in Redis.
    if (conn && !conn->block.active && !IsSubscribed(*conn) && now - conn->last_interaction > limit) {
      RUNNEL_LOG_VERBOSE("Closing idle client id=%d", conn->client_id());
      loop_->Close(conn->id(), io::CloseMode::kNow);
    }
  }
}

void Server::OnWake(int fd) {
  if (fd == signal_fd_) CheckSignals();
}

void Server::CheckSignals() {
  signalfd_siginfo info;
  while (read(signal_fd_, &info, sizeof(info)) == sizeof(info)) {
    const char* name = info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM";
    RequestShutdown(base::StrCat("Received ", name, " scheduling shutdown..."));
  }
}

void Server::RequestShutdown(std::string_view reason) {
  if (shutting_down_) return;
  RUNNEL_LOG_WARNING("%s", reason);
  shutting_down_ = true;
  shutdown_deadline_ = absl::Now() + kShutdownFlushTimeout;
  loop_->StopAccepting();
  for (auto& conn : connections_) {
    if (conn) loop_->Close(conn->id(), io::CloseMode::kAfterFlush);
  }
}

void Server::AdvanceShutdown(absl::Time now) {
  if (connection_count_ > 0 && now < shutdown_deadline_) return;
  RUNNEL_LOG_NOTICE("Clients closed (%d left); syncing the stream log", connection_count_);
  if (absl::Status synced = storage_->SyncAll(); !synced.ok()) {
    RUNNEL_LOG_WARNING("Error syncing the stream log on shutdown: %s", synced.message());
  }
  loop_->Stop();
}

}  // namespace runnel
