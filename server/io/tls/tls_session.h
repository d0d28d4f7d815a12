// TlsSession: one connection's TLS state, an SSL object over two memory BIOs.
//
// The session never touches the socket, so the same code serves both event
// loops: the loop hands it the ciphertext it received (io_uring's provided
// buffers or epoll's read buffer) and sends the ciphertext it produced from
// ciphertext(), an OutputBuffer like any connection's, whose blocks stay put
// while a send points into them.
//
//   socket --recv--> Receive() --BIO_write--> [rbio] --SSL_read--> plaintext --> deliver(OnData)
//   socket <--send-- ciphertext() <--BIO_read-- [wbio] <--SSL_write-- Encrypt(connection output)
//
// Replies stay plaintext in the connection's OutputBuffer (counted by the
// client-output-buffer limits as for any client) and are encrypted only while
// less than kMaxCiphertext waits to be sent, so a client that stops reading
// holds at most that much ciphertext besides its ordinary output.
//
// Owned by the loop's connection slot; destroyed only when nothing the loop
// has in flight points into ciphertext(). Not thread-safe.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "server/io/output_buffer.h"

namespace runnel::io::tls {

class TlsSession {
 public:
  // Ciphertext buffered beyond this is not added to: four full TLS records.
  static constexpr size_t kMaxCiphertext = 64 * 1024;

  // A server-side session of `ctx` (which it holds a reference to).
  static absl::StatusOr<std::unique_ptr<TlsSession>> Create(SSL_CTX* ctx);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  enum class Input : uint8_t {
    kOpen,        // more may come
    kPeerClosed,  // the client sent close_notify: as a TCP EOF
  };
  // Takes `ciphertext` (may be empty: only drain what is buffered), advances
  // the handshake, and hands each piece of decrypted plaintext to `deliver`
  // (its bytes valid only during the call) until `deliver` returns false
  // (the reader paused or closed); what is left stays buffered for the next
  // call. `scratch` receives the plaintext. An error (handshake failure, a
  // bad record, not TLS at all) carries OpenSSL's reason; the connection must
  // then be closed. Any reply the session has to send (handshake messages,
  // alerts, session tickets) is appended to ciphertext().
  absl::StatusOr<Input> Receive(std::string_view ciphertext, std::span<char> scratch,
                                absl::FunctionRef<bool(std::string_view)> deliver);
  // Whether a Receive() with no new bytes could deliver plaintext.
  bool HasBufferedInput() const;

  // Moves plaintext from the head of `plain` into ciphertext() while less
  // than kMaxCiphertext is buffered, once the handshake is done.
  absl::Status Encrypt(OutputBuffer& plain);
  // Queues close_notify once, when the handshake is done (a clean close).
  void Shutdown();

  bool established() const { return established_; }
  // Whether Encrypt() takes plaintext now: after the handshake, before Shutdown().
  bool writable() const { return established_ && !shutdown_sent_; }
  OutputBuffer& ciphertext() { return ciphertext_; }
  bool has_ciphertext() const { return !ciphertext_.empty(); }

 private:
  explicit TlsSession(SSL* ssl, BIO* rbio, BIO* wbio) : ssl_(ssl), rbio_(rbio), wbio_(wbio) {}
  // Moves whatever OpenSSL wrote into wbio_ to ciphertext_.
  void DrainWrites();

  SSL* const ssl_;  // owns both BIOs
  BIO* const rbio_;
  BIO* const wbio_;
  bool established_ = false;
  bool shutdown_sent_ = false;
  OutputBuffer ciphertext_;
};

}  // namespace runnel::io::tls
