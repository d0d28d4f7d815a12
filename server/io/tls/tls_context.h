// TlsContext: the server side of TLS, an OpenSSL SSL_CTX built once from
// TlsOptions (certificate, key, CAs, protocols, ciphers, client
// authentication) and never changed after.
//
// A CONFIG SET of a tls-* option builds a new context and swaps it in for new
// connections; connections already open keep the one they started with (each
// SSL holds its own reference to its SSL_CTX, so the old context lives until
// its last connection closes).
//
// Immutable once built; SSL_CTX itself is safe to share across threads.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/io/tls/tls_options.h"

namespace runnel::io::tls {

class TlsContext {
 public:
  // Loads the files and applies the options. The error names the file and
  // OpenSSL's reason with Redis's wording, e.g. "Failed to load certificate:
  // /etc/runnel/server.crt: error:80000002:system library::No such file or
  // directory".
  static absl::StatusOr<std::unique_ptr<TlsContext>> Create(const TlsOptions& options);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* ssl_ctx() const { return ctx_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}

  SSL_CTX* const ctx_;  // owned (one reference)
};

// The oldest error on this thread's OpenSSL error queue as OpenSSL prints it
// ("error:0A0000C7:SSL routines::peer did not return a certificate"), or
// `fallback` when the queue is empty; the queue is cleared.
std::string TakeOpenSslError(std::string_view fallback);

}  // namespace runnel::io::tls
