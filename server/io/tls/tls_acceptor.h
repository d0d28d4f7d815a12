// TlsAcceptor: what an event loop keeps for its TLS listeners: the context
// new connections get a session of, the scratch buffer sessions decrypt
// into, and the rate limit on failed-handshake warnings.
//
// A failed handshake is most often a port scan, a plain-text client on the
// TLS port, or a client without a valid certificate: worth a warning, but at
// most one a minute (as for HTTP requests on the plain port), with a count of
// those not logged, so a noisy peer cannot flood the log.
//
// Owned by one loop; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/io/listener.h"
#include "server/io/tls/tls_context.h"
#include "server/io/tls/tls_session.h"

namespace runnel::io::tls {

class TlsAcceptor {
 public:
  TlsAcceptor();

  // New sessions use `context` from now on; sessions already made keep theirs.
  void SetContext(std::unique_ptr<TlsContext> context) { context_ = std::move(context); }
  bool configured() const { return context_ != nullptr; }

  // The session of the connection just accepted on `fd`: none (null) for a
  // plain listener's. When a TLS session cannot be made, the failure is
  // reported, `fd` is closed and false returned: the loop drops the client.
  bool SessionForAccepted(int fd, Transport transport, std::unique_ptr<TlsSession>* session);

  // Where sessions put decrypted bytes before OnData; valid until the next Receive.
  std::span<char> scratch() { return {scratch_.get(), kScratchSize}; }

  // Logs why the connection on `fd` (with `session`, null if none could be
  // made) failed: a failed handshake as a warning at most once a minute; a
  // bad record after the handshake at verbose level, as a read error.
  void ReportFailure(int fd, const TlsSession* session, const absl::Status& status);

 private:
  static constexpr size_t kScratchSize = 16 * 1024;  // one record's plaintext
  static constexpr absl::Duration kWarningInterval = absl::Seconds(60);

  std::unique_ptr<TlsContext> context_;
  std::unique_ptr<char[]> scratch_;
  absl::Time last_warning_ = absl::InfinitePast();
  uint64_t unreported_ = 0;  // failures since the last warning
};

}  // namespace runnel::io::tls
