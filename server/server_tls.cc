// Server: TLS set-up (tls-port and the tls-* options). The loop does the
// TLS itself (server/io/tls); here its context is built from the
// configuration, at start-up and on CONFIG SET.
#include <memory>
#include <tuple>

#include "engine/base/logging.h"
#include "engine/base/strings.h"
#include "server/io/tls/tls_context.h"
#include "server/server.h"

namespace runnel {
namespace {

io::tls::TlsOptions TlsOptionsOf(const config::ServerConfig& config) {
  io::tls::TlsOptions options;
  options.cert_file = config.tls_cert_file;
  options.key_file = config.tls_key_file;
  options.key_file_pass = config.tls_key_file_pass;
  options.ca_cert_file = config.tls_ca_cert_file;
  options.ca_cert_dir = config.tls_ca_cert_dir;
  options.auth_clients = config.tls_auth_clients;
  options.protocols = config.tls_protocols;
  options.ciphers = config.tls_ciphers;
  options.ciphersuites = config.tls_ciphersuites;
  options.prefer_server_ciphers = config.tls_prefer_server_ciphers;
  options.session_caching = config.tls_session_caching;
  options.session_cache_size = config.tls_session_cache_size;
  options.session_cache_timeout = config.tls_session_cache_timeout;
  return options;
}

// Every field TlsOptionsOf() reads, for telling whether a CONFIG SET touched TLS.
auto TlsSettings(const config::ServerConfig& c) {
  return std::tie(c.tls_cert_file, c.tls_key_file, c.tls_key_file_pass, c.tls_ca_cert_file,
                  c.tls_ca_cert_dir, c.tls_auth_clients, c.tls_protocols, c.tls_ciphers,
                  c.tls_ciphersuites, c.tls_prefer_server_ciphers, c.tls_session_caching,
                  c.tls_session_cache_size, c.tls_session_cache_timeout);
}

}  // namespace

absl::StatusOr<std::unique_ptr<io::tls::TlsContext>> Server::LoadTlsContext() const {
  if (config_.tls_port == 0) return nullptr;
  auto context = io::tls::TlsContext::Create(TlsOptionsOf(config_));
  if (!context.ok()) {
    // The reason first, as Redis logs it, then Redis's summary line.
    return absl::FailedPreconditionError(
        base::StrCat(base::ToStd(context.status().message()),
                     "; Failed to configure TLS. Check logs for more info."));
  }
  return context;
}

absl::Status Server::ListenTls(std::unique_ptr<io::tls::TlsContext> context) {
  if (context == nullptr) return absl::OkStatus();
  loop_->SetTlsContext(std::move(context));
  for (const std::string& address : config_.bind) {
    absl::Status listening = loop_->ListenTls(address, static_cast<int>(config_.tls_port));
    if (!listening.ok()) return listening;
  }
  return absl::OkStatus();
}

absl::Status Server::ApplyTlsConfig(const config::ServerConfig& candidate) {
  // As Redis, the context is rebuilt only while a TLS port serves.
  if (config_.tls_port == 0 || TlsSettings(candidate) == TlsSettings(config_)) {
    return absl::OkStatus();
  }
  auto context = io::tls::TlsContext::Create(TlsOptionsOf(candidate));
  if (!context.ok()) {
    RUNNEL_LOG_WARNING("Failed to update TLS configuration: %s", context.status().message());
    return context.status();
  }
  loop_->SetTlsContext(*std::move(context));
  return absl::OkStatus();
}

}  // namespace runnel
