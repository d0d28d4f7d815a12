// UringLoop's TLS glue: ciphertext from recv completions into a connection's
// TlsSession, and the session's ciphertext as what a send carries (see
// uring_loop.h and server/io/tls/tls_session.h).
#include "server/io/tls/tls_context.h"
#include "server/io/uring_loop.h"

namespace runnel::io {

void UringLoop::SetTlsContext(std::unique_ptr<tls::TlsContext> context) {
  tls_.SetContext(std::move(context));
}

void UringLoop::DeliverTlsInput(ConnectionId id, Connection& c, std::string_view ciphertext) {
  auto input = c.tls->Receive(ciphertext, tls_.scratch(), [&](std::string_view plain) {
    handler_->OnData(id, plain);
    return c.closing == Closing::kNo && !c.paused;  // else keep the rest buffered
  });
  if (!input.ok()) {
    tls_.ReportFailure(c.fd, c.tls.get(), input.status());
    c.peer_done = true;
    StartClose(id, c, CloseMode::kNow);
    return;
  }
  if (*input == tls::TlsSession::Input::kPeerClosed) {
    c.peer_done = true;  // close_notify: as an EOF
    StartClose(id, c, CloseMode::kAfterFlush);
  }
  // Handshake messages to send, or replies that waited for the handshake.
  if (AcceptsOutput(c.closing) && HasOutput(c)) flush_list_.Push(id, c);
}

OutputBuffer* UringLoop::SendSource(ConnectionId id, Connection& c) {
  absl::Status encrypted = c.tls->Encrypt(c.output);
  if (!encrypted.ok()) {
    tls_.ReportFailure(c.fd, c.tls.get(), encrypted);
    StartClose(id, c, CloseMode::kNow);
    return nullptr;
  }
  return &c.tls->ciphertext();
}

}  // namespace runnel::io
