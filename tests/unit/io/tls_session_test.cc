// TlsSession and TlsContext against an OpenSSL client in the same process:
// bytes are carried between the two by hand, so each test controls exactly
// what the server side sees (whole records, pauses, garbage, a client that
// does not read). Certificates: tests/make_test_certs.sh.
#include "server/io/tls/tls_session.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/uio.h>

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/io/tls/tls_context.h"

namespace runnel::io::tls {
namespace {

using ::testing::HasSubstr;

std::string Cert(const std::string& name) { return std::string(RUNNEL_TEST_CERTS) + "/" + name; }

TlsOptions ServerOptions(ClientAuth auth = ClientAuth::kYes) {
  TlsOptions options;
  options.cert_file = Cert("server.crt");
  options.key_file = Cert("server.key");
  options.ca_cert_file = Cert("ca.crt");
  options.auth_clients = auth;
  return options;
}

// All unsent bytes of `buffer`, consumed.
std::string TakeAll(OutputBuffer& buffer) {
  std::string out;
  while (!buffer.empty()) {
    iovec iov[16];
    int n = buffer.PrepareSend(iov, 16);
    size_t taken = 0;
    for (int i = 0; i < n; ++i) {
      out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
      taken += iov[i].iov_len;
    }
    buffer.ConsumeSent(taken);
  }
  return out;
}

// An OpenSSL client over memory BIOs, trusting the test CA.
class Client {
 public:
  explicit Client(bool with_certificate = true) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx_, Cert("ca.crt").c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (with_certificate) {
      SSL_CTX_use_certificate_file(ctx_, Cert("client.crt").c_str(), SSL_FILETYPE_PEM);
      SSL_CTX_use_PrivateKey_file(ctx_, Cert("client.key").c_str(), SSL_FILETYPE_PEM);
    }
    ssl_ = SSL_new(ctx_);
    rbio_ = BIO_new(BIO_s_mem());
    wbio_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(rbio_, -1);
    SSL_set_bio(ssl_, rbio_, wbio_);
    SSL_set_connect_state(ssl_);
  }
  ~Client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }

  // What the client has to send.
  std::string Outgoing() {
    SSL_do_handshake(ssl_);  // starts or advances it; no-op once done
    std::string out;
    char buf[4096];
    for (int n; (n = BIO_read(wbio_, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  void Incoming(const std::string& bytes) { BIO_write(rbio_, bytes.data(), static_cast<int>(bytes.size())); }
  void Write(const std::string& plain) { SSL_write(ssl_, plain.data(), static_cast<int>(plain.size())); }
  std::string Read() {
    std::string out;
    char buf[4096];
    for (int n; (n = SSL_read(ssl_, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  bool established() const { return SSL_is_init_finished(ssl_); }
  SSL* ssl() { return ssl_; }

 private:
  SSL_CTX* ctx_;
  SSL* ssl_;
  BIO* rbio_;
  BIO* wbio_;
};

class TlsSessionTest : public ::testing::Test {
 protected:
  void SetUp() override { MakeServer(ServerOptions()); }
  void MakeServer(const TlsOptions& options) {
    auto context = TlsContext::Create(options);
    ASSERT_TRUE(context.ok()) << context.status();
    context_ = *std::move(context);
    auto session = TlsSession::Create(context_->ssl_ctx());
    ASSERT_TRUE(session.ok()) << session.status();
    server_ = *std::move(session);
  }

  // Feeds the server what the client sends; keeps what it delivers while
  // `accept` says so.
  absl::StatusOr<TlsSession::Input> Feed(const std::string& ciphertext, int accept = 1 << 30) {
    return server_->Receive(ciphertext, scratch_, [&](std::string_view plain) {
      delivered_.append(plain);
      return --accept > 0;
    });
  }
  // Runs the handshake to its end, carrying bytes both ways.
  void Handshake(Client& client) {
    for (int round = 0; round < 4 && !(client.established() && server_->established()); ++round) {
      ASSERT_TRUE(Feed(client.Outgoing()).ok());
      client.Incoming(TakeAll(server_->ciphertext()));
    }
    client.Outgoing();  // the client's Finished, when it had not gone yet
  }

  std::unique_ptr<TlsContext> context_;
  std::unique_ptr<TlsSession> server_;
  char scratch_buffer_[16 * 1024];
  std::span<char> scratch_{scratch_buffer_, sizeof scratch_buffer_};
  std::string delivered_;
};

TEST_F(TlsSessionTest, PlaintextCrossesBothWaysAfterTheHandshake) {
  Client client;
  Handshake(client);
  ASSERT_TRUE(server_->established());
  client.Write("*1\r\n$4\r\nPING\r\n");
  ASSERT_TRUE(Feed(client.Outgoing()).ok());
  EXPECT_EQ(delivered_, "*1\r\n$4\r\nPING\r\n");
  OutputBuffer replies;
  replies.Append("+PONG\r\n");
  ASSERT_TRUE(server_->Encrypt(replies).ok());
  EXPECT_TRUE(replies.empty());
  client.Incoming(TakeAll(server_->ciphertext()));
  EXPECT_EQ(client.Read(), "+PONG\r\n");
}

TEST_F(TlsSessionTest, RepliesWaitForTheHandshake) {
  OutputBuffer replies;
  replies.Append("-ERR early\r\n");
  ASSERT_TRUE(server_->Encrypt(replies).ok());
  EXPECT_EQ(replies.size(), 12u);  // still plaintext, nothing encrypted
  EXPECT_FALSE(server_->writable());
}

TEST_F(TlsSessionTest, DeliveryStopsWhenRefusedAndResumesFromWhatIsBuffered) {
  Client client;
  Handshake(client);
  client.Write("one");
  client.Write("two");
  client.Write("three");
  ASSERT_TRUE(Feed(client.Outgoing(), /*accept=*/1).ok());
  EXPECT_EQ(delivered_, "one");
  EXPECT_TRUE(server_->HasBufferedInput());
  ASSERT_TRUE(Feed("").ok());  // no new bytes: the rest comes from the session
  EXPECT_EQ(delivered_, "onetwothree");
  EXPECT_FALSE(server_->HasBufferedInput());
}

TEST_F(TlsSessionTest, EncryptionStopsAtTheCiphertextBound) {
  Client client;
  Handshake(client);
  TakeAll(server_->ciphertext());  // session tickets
  OutputBuffer replies;
  const std::string megabyte(1 << 20, 'r');
  replies.Append(megabyte);
  ASSERT_TRUE(server_->Encrypt(replies).ok());
  // A client that does not read holds the rest as plaintext in its output
  // buffer (what output limits count), not as ciphertext.
  EXPECT_LE(server_->ciphertext().size(), TlsSession::kMaxCiphertext + 16 * 1024 + 64);
  EXPECT_GT(replies.size(), megabyte.size() - TlsSession::kMaxCiphertext - 16 * 1024);
  std::string received;
  while (!replies.empty() || server_->has_ciphertext()) {
    client.Incoming(TakeAll(server_->ciphertext()));
    received += client.Read();
    ASSERT_TRUE(server_->Encrypt(replies).ok());
  }
  EXPECT_EQ(received, megabyte);
}

TEST_F(TlsSessionTest, PlainRespIsAHandshakeErrorNamingTheReason) {
  auto input = Feed("*1\r\n$4\r\nPING\r\n");
  ASSERT_FALSE(input.ok());
  EXPECT_THAT(std::string(input.status().message()), HasSubstr("SSL routines"));
  EXPECT_TRUE(delivered_.empty());
}

TEST_F(TlsSessionTest, ClientWithoutCertificateFailsWhenRequired) {
  Client client(/*with_certificate=*/false);
  absl::Status failure;
  for (int round = 0; round < 4 && failure.ok(); ++round) {
    auto input = Feed(client.Outgoing());
    if (!input.ok()) failure = input.status();
    client.Incoming(TakeAll(server_->ciphertext()));
  }
  EXPECT_THAT(std::string(failure.message()), HasSubstr("peer did not return a certificate"));
}

TEST_F(TlsSessionTest, ClientWithoutCertificateIsServedWhenAuthClientsIsNo) {
  MakeServer(ServerOptions(ClientAuth::kNo));
  Client client(/*with_certificate=*/false);
  Handshake(client);
  EXPECT_TRUE(server_->established());
}

TEST_F(TlsSessionTest, CloseNotifyReadsAsPeerClosed) {
  Client client;
  Handshake(client);
  SSL_shutdown(client.ssl());
  auto input = Feed(client.Outgoing());
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(*input, TlsSession::Input::kPeerClosed);
  server_->Shutdown();
  EXPECT_TRUE(server_->has_ciphertext());  // our close_notify
  EXPECT_FALSE(server_->writable());
}

TEST(TlsContextTest, ErrorsNameTheFileAndTheReason) {
  TlsOptions options = ServerOptions();
  options.key_file = Cert("client.key");
  EXPECT_THAT(std::string(TlsContext::Create(options).status().message()),
              HasSubstr("Failed to load private key: " + Cert("client.key") + ": error:"));
  options = ServerOptions();
  options.ca_cert_file = "/nonexistent/ca.crt";
  EXPECT_THAT(std::string(TlsContext::Create(options).status().message()),
              HasSubstr("Failed to configure CA certificate(s) file/directory: /nonexistent/ca.crt: error:"));
  options = ServerOptions();
  options.protocols = "TLSv1.2 SSLv3";
  EXPECT_THAT(std::string(TlsContext::Create(options).status().message()),
              HasSubstr("Invalid tls-protocols specified"));
  options = ServerOptions();
  options.ciphers = "NO-SUCH-CIPHER";
  EXPECT_THAT(std::string(TlsContext::Create(options).status().message()),
              HasSubstr("Failed to configure ciphers: "));
  options = ServerOptions();
  options.protocols = "tlsv1.3";
  EXPECT_TRUE(TlsContext::Create(options).ok());
}

}  // namespace
}  // namespace runnel::io::tls
