// ServerConfig: the typed values of every configuration option.
//
// One instance is owned by the Server and read live by whoever needs a value,
// so a CONFIG SET takes effect on the next read. Options are declared once,
// in config_schema.cc, which binds each redis.conf name to a field here.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/keyspace/eviction_policy.h"
#include "server/io/event_loop.h"
#include "server/io/tls/tls_options.h"

namespace runnel::config {

enum class LogLevel : uint8_t { kDebug, kVerbose, kNotice, kWarning, kNothing };

// When the stream log is fsynced (Redis's appendfsync): before replying to
// each write, once a second, or only when the kernel (or shutdown) does.
enum class AppendFsync : uint8_t { kAlways, kEverysec, kNo };

// The client classes of `client-output-buffer-limit`, in the order CONFIG GET
// prints them. Replicas do not exist yet; their class is kept for redis.conf
// compatibility.
enum class ClientClass : uint8_t { kNormal, kReplica, kPubSub };

// A client whose pending output passes `hard_bytes`, or stays above
// `soft_bytes` for `soft_seconds`, is disconnected. 0 disables a limit.
struct OutputBufferLimit {
  int64_t hard_bytes = 0;
  int64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
};
using OutputBufferLimits = std::array<OutputBufferLimit, 3>;  // by ClientClass

// acl-pubsub-default: the channels a new ACL user starts with (Redis 7.0's
// default: none).
enum class AclPubsubDefault : uint8_t { kAllChannels, kResetChannels };

// One `user` directive of the config file: its words after "user" (name,
// then rules) and where it was, for a start-up error naming the line.
struct ConfigUser {
  std::vector<std::string> words;
  std::string origin;  // file path, or "command line"
  int line_number = 0;
  std::string line;
};

struct ServerConfig {
  // Network.
  int64_t port = 6379;
  std::vector<std::string> bind = {"127.0.0.1"};
  int64_t tcp_backlog = 511;
  int64_t maxclients = 10000;
  int64_t timeout = 0;  // seconds of client idleness before closing; 0 = never
  int64_t tcp_keepalive = 300;
  io::IoBackend io_backend = io::IoBackend::kUring;

  // Data and databases.
  std::string dir = "./data";
  int64_t databases = 16;

  // Persistence. The stream log is always on: `appendonly` is always true and
  // `save` (RDB snapshot points, as "seconds changes" words) is accepted for
  // redis.conf compatibility but never acted on.
  std::vector<std::string> save;
  bool appendonly = true;
  AppendFsync appendfsync = AppendFsync::kEverysec;
  int64_t segment_max_bytes = 64LL * 1024 * 1024;  // a segment file is rolled past this
  int64_t open_segments_max = 1024;                // segment files mapped at once

  // Security.
  std::string requirepass;  // empty: no password
  std::string aclfile;      // ACL users file (ACL LOAD/SAVE); empty: none
  int64_t acllog_max_len = 128;  // ACL LOG entries kept
  AclPubsubDefault acl_pubsub_default = AclPubsubDefault::kResetChannels;
  // `user <name> <rules...>` lines of the config file, in file order
  // (applied at start-up; never together with aclfile).
  std::vector<ConfigUser> config_users;
  // With no password, only loopback clients (127.0.0.1, ::1) are served.
  bool protected_mode = true;

  // TLS (Redis's tls-*; docs/security.md). tls_port 0: no TLS listener; with
  // port 0 and a tls_port, TLS only. The files are read when TLS starts and
  // again on CONFIG SET of any of these.
  int64_t tls_port = 0;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_key_file_pass;
  std::string tls_ca_cert_file;
  std::string tls_ca_cert_dir;
  io::tls::ClientAuth tls_auth_clients = io::tls::ClientAuth::kYes;
  std::string tls_protocols;  // empty: "TLSv1.2 TLSv1.3"
  std::string tls_ciphers;
  std::string tls_ciphersuites;
  bool tls_prefer_server_ciphers = false;
  bool tls_session_caching = true;
  int64_t tls_session_cache_size = 20 * 1024;
  int64_t tls_session_cache_timeout = 300;

  // Memory limit and eviction (docs/architecture.md, "Memory").
  int64_t maxmemory = 0;  // bytes of heap (INFO used_memory); 0: no limit
  keyspace::EvictionPolicy maxmemory_policy = keyspace::EvictionPolicy::kNoEviction;
  int64_t maxmemory_samples = 5;             // keys sampled per database per eviction
  int64_t maxmemory_eviction_tenacity = 10;  // 0..100: time an eviction call may take
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;  // minutes

  // Protocol limits.
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  // Redis's defaults: normal clients unbounded, replicas 256mb/64mb/60s,
  // pub/sub subscribers 32mb/8mb/60s.
  OutputBufferLimits client_output_buffer_limit = {{
      {0, 0, 0},
      {256LL * 1024 * 1024, 64LL * 1024 * 1024, 60},
      {32LL * 1024 * 1024, 8LL * 1024 * 1024, 60},
  }};

  // Keyspace notifications: pubsub::KeyspaceEventClass flags (0: off).
  uint32_t notify_keyspace_events = 0;

  // Logging.
  LogLevel loglevel = LogLevel::kNotice;
  std::string logfile;  // empty: standard output

  // Process.
  bool daemonize = false;  // accepted for redis.conf compatibility; must be "no"
  std::string pidfile;
  int64_t hz = 10;

  // The config file this process was started with, for CONFIG REWRITE; empty
  // when started without one.
  std::string config_file;
};

}  // namespace runnel::config
