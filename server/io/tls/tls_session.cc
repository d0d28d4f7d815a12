#include "server/io/tls/tls_session.h"

#include <openssl/err.h>
#include <sys/uio.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "engine/base/strings.h"
#include "server/io/tls/tls_context.h"

namespace runnel::io::tls {
namespace {

// The largest TLS record's plaintext: one SSL_write of this fills one record.
constexpr size_t kMaxRecordPlaintext = 16 * 1024;

bool WouldBlock(int ssl_error) {
  return ssl_error == SSL_ERROR_WANT_READ || ssl_error == SSL_ERROR_WANT_WRITE;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TlsSession>> TlsSession::Create(SSL_CTX* ctx) {
  ERR_clear_error();
  SSL* ssl = SSL_new(ctx);
  BIO* rbio = BIO_new(BIO_s_mem());
  BIO* wbio = BIO_new(BIO_s_mem());
  if (ssl == nullptr || rbio == nullptr || wbio == nullptr) {
    SSL_free(ssl);
    BIO_free(rbio);
    BIO_free(wbio);
    return absl::ResourceExhaustedError(
        base::StrCat("Creating a TLS session: ", TakeOpenSslError("out of memory")));
  }
  // An empty memory BIO must read as "try again", not as EOF: more bytes
  // come with the next recv.
  BIO_set_mem_eof_return(rbio, -1);
  BIO_set_mem_eof_return(wbio, -1);
  SSL_set_bio(ssl, rbio, wbio);  // the SSL owns both from here
  SSL_set_accept_state(ssl);
  return std::unique_ptr<TlsSession>(new TlsSession(ssl, rbio, wbio));
}

TlsSession::~TlsSession() { SSL_free(ssl_); }

absl::StatusOr<TlsSession::Input> TlsSession::Receive(
    std::string_view ciphertext, std::span<char> scratch,
    absl::FunctionRef<bool(std::string_view)> deliver) {
  ERR_clear_error();
  // A memory BIO grows to take it all; one recv is at most a few hundred KiB.
  if (!ciphertext.empty() &&
      BIO_write(rbio_, ciphertext.data(), static_cast<int>(ciphertext.size())) !=
          static_cast<int>(ciphertext.size())) {
    return absl::ResourceExhaustedError("TLS input buffer: out of memory");
  }
  if (!established_) {
    const int r = SSL_do_handshake(ssl_);
    if (r != 1) {
      const int error = SSL_get_error(ssl_, r);
      DrainWrites();  // the next handshake message, or the alert telling why not
      if (WouldBlock(error)) return Input::kOpen;
      return absl::UnavailableError(TakeOpenSslError("handshake failed"));
    }
    established_ = true;
  }
  const int chunk = static_cast<int>(std::min<size_t>(scratch.size(), INT_MAX));
  Input state = Input::kOpen;
  while (true) {
    const int n = SSL_read(ssl_, scratch.data(), chunk);
    if (n > 0) {
      if (!deliver(std::string_view(scratch.data(), static_cast<size_t>(n)))) break;
      continue;
    }
    const int error = SSL_get_error(ssl_, n);
    if (WouldBlock(error)) break;
    if (error == SSL_ERROR_ZERO_RETURN) {
      state = Input::kPeerClosed;
      break;
    }
    DrainWrites();
    return absl::DataLossError(TakeOpenSslError("bad TLS record"));
  }
  DrainWrites();  // session tickets, key updates
  return state;
}

bool TlsSession::HasBufferedInput() const {
  return SSL_pending(ssl_) > 0 || BIO_ctrl_pending(rbio_) > 0;
}

absl::Status TlsSession::Encrypt(OutputBuffer& plain) {
  if (!established_ || shutdown_sent_) return absl::OkStatus();
  ERR_clear_error();
  while (!plain.empty() && ciphertext_.size() < kMaxCiphertext) {
    // Small pieces (short replies, the framing between zero-copy values) are
    // gathered into one record; a large one is encrypted in place.
    iovec iov[16];
    const int count = plain.PrepareSend(iov, 16);
    const char* data = static_cast<const char*>(iov[0].iov_base);
    size_t size = std::min(iov[0].iov_len, kMaxRecordPlaintext);
    char staged[kMaxRecordPlaintext];
    if (size < kMaxRecordPlaintext && count > 1) {
      size = 0;
      for (int i = 0; i < count && size < kMaxRecordPlaintext; ++i) {
        const size_t take = std::min(iov[i].iov_len, kMaxRecordPlaintext - size);
        std::memcpy(staged + size, iov[i].iov_base, take);
        size += take;
      }
      data = staged;
    }
    const int n = SSL_write(ssl_, data, static_cast<int>(size));
    if (n <= 0) {
      return absl::InternalError(base::StrCat("TLS write: ", TakeOpenSslError("write failed")));
    }
    // Without SSL_MODE_ENABLE_PARTIAL_WRITE, and with a memory BIO that
    // never refuses bytes, a successful write took everything.
    plain.ConsumeSent(static_cast<size_t>(n));
    DrainWrites();
  }
  return absl::OkStatus();
}

void TlsSession::Shutdown() {
  if (!established_ || shutdown_sent_) return;
  shutdown_sent_ = true;
  SSL_shutdown(ssl_);  // queues close_notify; the peer's answer is not awaited
  ERR_clear_error();
  DrainWrites();
}

void TlsSession::DrainWrites() {
  char buf[16 * 1024];
  while (BIO_ctrl_pending(wbio_) > 0) {
    const int n = BIO_read(wbio_, buf, sizeof(buf));
    if (n <= 0) break;
    ciphertext_.Append(std::string_view(buf, static_cast<size_t>(n)));
  }
}

}  // namespace runnel::io::tls
