#include "server/io/tls/tls_acceptor.h"

#include <unistd.h>

#include "engine/base/logging.h"
#include "server/io/listener.h"

namespace runnel::io::tls {

TlsAcceptor::TlsAcceptor() : scratch_(std::make_unique<char[]>(kScratchSize)) {}

bool TlsAcceptor::SessionForAccepted(int fd, Transport transport, std::unique_ptr<TlsSession>* session) {
  session->reset();
  if (transport == Transport::kPlain) return true;
  absl::StatusOr<std::unique_ptr<TlsSession>> created =
      context_ == nullptr ? absl::FailedPreconditionError("TLS is not configured")
                          : TlsSession::Create(context_->ssl_ctx());
  if (!created.ok()) {
    ReportFailure(fd, nullptr, created.status());
    close(fd);
    return false;
  }
  *session = *std::move(created);
  return true;
}

void TlsAcceptor::ReportFailure(int fd, const TlsSession* session, const absl::Status& status) {
  if (session != nullptr && session->established()) {
    // As a read error on a plain connection: the client is already known.
    RUNNEL_LOG_VERBOSE("Reading from client: %s", status.message());
    return;
  }
  const absl::Time now = absl::Now();
  if (now - last_warning_ < kWarningInterval) {
    ++unreported_;
    return;
  }
  last_warning_ = now;
  const std::string peer = DescribeAcceptedSocket(fd).address;
  if (unreported_ == 0) {
    RUNNEL_LOG_WARNING("Error accepting a client connection: %s (conn: %s)", status.message(),
                       peer);
  } else {
    RUNNEL_LOG_WARNING(
        "Error accepting a client connection: %s (conn: %s; %d more failed handshakes not logged "
        "in the last minute)",
        status.message(), peer, unreported_);
  }
  unreported_ = 0;
}

}  // namespace runnel::io::tls
