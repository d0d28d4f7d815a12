// EpollLoop's TLS glue: ciphertext read from a socket into its connection's
// TlsSession (see epoll_loop.h and server/io/tls/tls_session.h).
#include "server/io/epoll_loop.h"
#include "server/io/tls/tls_context.h"

namespace runnel::io {

void EpollLoop::SetTlsContext(std::unique_ptr<tls::TlsContext> context) {
  tls_.SetContext(std::move(context));
}

void EpollLoop::DeliverTlsInput(ConnectionId id, Connection& c, std::string_view ciphertext) {
  auto input = c.tls->Receive(ciphertext, tls_.scratch(), [&](std::string_view plain) {
    handler_->OnData(id, plain);
    return Reading(c);  // else keep the rest buffered
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

}  // namespace runnel::io
