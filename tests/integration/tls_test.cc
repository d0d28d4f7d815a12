// TLS through the real server (tls-port, tls-*), driven with redis-cli
// --tls: commands, a reply of megabytes (many partial sends), pipelining,
// pub/sub, client certificates (tls-auth-clients yes/no, CONFIG SET),
// plain-text clients on the TLS port, TLS only with port 0, and start-up
// errors that name the file. Error texts are redis-server 7.0.15's.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/integration/process_output.h"
#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

// The certificates tests/make_test_certs.sh made at build time:
// ca, server and client (signed by ca), otherca and stranger (signed by it).
std::string Cert(const std::string& name) { return std::string(RUNNEL_TEST_CERTS) + "/" + name; }

// A port nothing listens on now (the kernel's pick, released at once).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{.sin_family = AF_INET};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

enum class ClientCert { kTrusted, kNone, kStranger };

class TlsTest : public ServerTest {
 protected:
  // Servers are started by each test, with TLS options.
  void SetUp() override {}

  // The flags of a server with a plain port and a TLS port, plus `extra`.
  std::vector<std::string> TlsArgs(std::vector<std::string> extra = {}) {
    plain_port_ = FreePort();
    tls_port_ = FreePort();
    std::vector<std::string> args = {"--port", std::to_string(plain_port_),
                                     "--tls-port", std::to_string(tls_port_),
                                     "--tls-cert-file", Cert("server.crt"),
                                     "--tls-key-file", Cert("server.key"),
                                     "--tls-ca-cert-file", Cert("ca.crt")};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  void StartTls(std::vector<std::string> extra = {}) { StartServer({.args = TlsArgs(std::move(extra))}); }

  // redis-cli over TLS to `port` (default: the server's tls-port); its
  // stdout and stderr together.
  ProcessOutput Cli(const std::string& args, ClientCert cert = ClientCert::kTrusted, int port = 0) {
    // `timeout`: a test that fails cannot leave redis-cli waiting forever.
    std::string command = "timeout 30 redis-cli --tls --cacert " + Cert("ca.crt");
    if (cert == ClientCert::kTrusted) {
      command += " --cert " + Cert("client.crt") + " --key " + Cert("client.key");
    } else if (cert == ClientCert::kStranger) {
      command += " --cert " + Cert("stranger.crt") + " --key " + Cert("stranger.key");
    }
    command += " -p " + std::to_string(port != 0 ? port : server_->tls_port()) + " " + args + " 2>&1";
    return RunShellCommand(command);
  }

  int plain_port_ = 0;
  int tls_port_ = 0;
};
RUNNEL_BACKEND_TESTS(TlsTest);

TEST_P(TlsTest, RedisCliRunsCommandsOverTls) {
  StartTls();
  ASSERT_EQ(server_->tls_port(), tls_port_);
  EXPECT_EQ(Cli("PING").output, "PONG\n");
  EXPECT_EQ(Cli("SET k hello").output, "OK\n");
  EXPECT_EQ(Cli("GET k").output, "hello\n");
  EXPECT_EQ(Cli("XADD s 1-1 f v").output, "1-1\n");
  EXPECT_EQ(Cli("XRANGE s - +").output, "1-1\nf\nv\n");
  // The plain port serves the same data beside it.
  EXPECT_THAT(Run({"GET", "k"}), IsBulk("hello"));
  EXPECT_EQ(Cli("CONFIG GET tls-port").output, "tls-port\n" + std::to_string(tls_port_) + "\n");
  EXPECT_EQ(Cli("CONFIG GET tls-auth-clients").output, "tls-auth-clients\nyes\n");
  EXPECT_EQ(Cli("CONFIG GET tls-cert-file").output, "tls-cert-file\n" + Cert("server.crt") + "\n");
}

TEST_P(TlsTest, MegabyteRepliesAndPipelinesArriveWhole) {
  StartTls();
  // ~2.5 MB of stream entries, written over the plain port (faster).
  const std::string value(10'000, 'x');
  for (int i = 1; i <= 250; ++i) {
    client_->Send({"XADD", "big", std::to_string(i) + "-1", "f", value});
  }
  for (int i = 1; i <= 250; ++i) ASSERT_TRUE(client_->Read().has_value());
  ProcessOutput range = Cli("XRANGE big - +");
  ASSERT_EQ(range.exit_code, 0);
  // Each entry prints as its ID, the field and the value, one per line.
  EXPECT_EQ(range.output.size(), 250 * (value.size() + 1 + 2) + (9 * 4 + 90 * 5 + 151 * 6));
  EXPECT_THAT(range.output, HasSubstr("250-1\nf\n" + value + "\n"));

  // A 1 MB value sent over TLS (many records in, read back over plain TCP).
  const std::string value_file = server_->data_dir() + "/value.txt";
  std::ofstream(value_file) << std::string(1 << 20, 'w');
  EXPECT_EQ(Cli("-x SET upload < " + value_file).output, "OK\n");
  EXPECT_THAT(Run({"STRLEN", "upload"}), IsInt(1 << 20));

  // 20,000 pipelined commands through redis-cli --pipe.
  const std::string commands = server_->data_dir() + "/commands.txt";
  {
    std::ofstream out(commands);
    for (int i = 0; i < 20'000; ++i) out << RespClient::Encode({"INCR", "counter"});
  }
  ProcessOutput piped = Cli("--pipe < " + commands);
  EXPECT_THAT(piped.output, HasSubstr("errors: 0, replies: 20000")) << piped.output;
  EXPECT_THAT(Run({"GET", "counter"}), IsBulk("20000"));
}

TEST_P(TlsTest, SubscriberGetsMessagesOverTls) {
  StartTls();
  ProcessOutput subscriber;
  std::thread listen([&] { subscriber = Cli("SUBSCRIBE news"); });
  // PUBLISH answers 1 once the TLS subscriber is in.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (Run({"PUBLISH", "news", "early"}).integer != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_THAT(Run({"PUBLISH", "news", "hello over tls"}), IsInt(1));
  // Ends redis-cli: its connection closes after the messages were sent.
  EXPECT_THAT(Run({"CLIENT", "KILL", "TYPE", "pubsub"}), IsInt(1));
  listen.join();
  EXPECT_THAT(subscriber.output, HasSubstr("message\nnews\nhello over tls\n"));
}

TEST_P(TlsTest, SubscriberThatStopsReadingIsCutByTheOutputBufferLimit) {
  StartTls();
  ASSERT_THAT(Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 4mb 0 0"}), IsSimple("OK"));
  // openssl s_client subscribes, then stops reading: its stdout is a pipe
  // that `sleep` never reads, so s_client blocks once the pipe is full.
  const std::string deaf =
      "setsid sh -c \"(printf 'SUBSCRIBE news\\r\\n'; sleep 30) | openssl s_client -quiet -connect 127.0.0.1:" +
      std::to_string(server_->tls_port()) + " -CAfile " + Cert("ca.crt") + " -cert " + Cert("client.crt") +
      " -key " + Cert("client.key") + " 2>/dev/null | sleep 30\" >/dev/null 2>&1 & echo $!";
  // Killed however the test ends.
  struct ProcessGroup {
    pid_t id;
    ~ProcessGroup() { kill(-id, SIGKILL); }
  } group{std::stoi(RunShellCommand(deaf).output)};
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (Run({"PUBLISH", "news", "early"}).integer != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_THAT(Run({"PUBLISH", "news", "subscribed"}), IsInt(1));
  // Up to 40 MB in 16 KiB messages: far over 4 MB plus what the kernel, the
  // pipe and the session (64 KiB of ciphertext) hold.
  const std::string message(16 * 1024, 'm');
  int64_t receivers = 1;
  for (int batch = 0; batch < 40 && receivers == 1; ++batch) {
    for (int i = 0; i < 64; ++i) client_->Send({"PUBLISH", "news", message});
    for (int i = 0; i < 64; ++i) receivers = client_->Read()->integer;
  }
  EXPECT_EQ(receivers, 0);
  EXPECT_EQ(InfoField("stats", "client_output_buffer_limit_disconnections"), "1");
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
  EXPECT_EQ(Cli("PING").output, "PONG\n");
}

TEST_P(TlsTest, ClientCertificateIsRequiredUnlessAuthClientsSaysOtherwise) {
  StartTls();
  ProcessOutput anonymous = Cli("PING", ClientCert::kNone);
  EXPECT_THAT(anonymous.output, Not(HasSubstr("PONG")));
  ProcessOutput stranger = Cli("PING", ClientCert::kStranger);
  EXPECT_THAT(stranger.output, Not(HasSubstr("PONG")));
  // The refused handshakes did not disturb anyone.
  EXPECT_EQ(Cli("PING").output, "PONG\n");
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
  EXPECT_THAT(server_->log(), HasSubstr("Error accepting a client connection"));

  // CONFIG SET rebuilds the context: new clients need no certificate.
  EXPECT_THAT(Run({"CONFIG", "SET", "tls-auth-clients", "no"}), IsSimple("OK"));
  EXPECT_EQ(Cli("PING", ClientCert::kNone).output, "PONG\n");
  // optional: no certificate is fine, an untrusted one is not.
  EXPECT_THAT(Run({"CONFIG", "SET", "tls-auth-clients", "optional"}), IsSimple("OK"));
  EXPECT_EQ(Cli("PING", ClientCert::kNone).output, "PONG\n");
  EXPECT_THAT(Cli("PING", ClientCert::kStranger).output, Not(HasSubstr("PONG")));
  // A file that does not load is refused, and TLS goes on as it was.
  EXPECT_THAT(Run({"CONFIG", "SET", "tls-cert-file", "/nonexistent/server.crt"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to "
                      "update TLS configuration. Check server logs."));
  EXPECT_THAT(server_->log(), HasSubstr("Failed to load certificate: /nonexistent/server.crt"));
  EXPECT_EQ(Cli("PING", ClientCert::kNone).output, "PONG\n");
  EXPECT_THAT(Run({"CONFIG", "GET", "tls-cert-file"}).Find("tls-cert-file")->str, Cert("server.crt"));
}

TEST_P(TlsTest, AuthClientsNoAtStartAcceptsClientsWithoutCertificate) {
  StartServer({.args = {"--port", std::to_string(FreePort()), "--tls-port", std::to_string(FreePort()),
                        "--tls-cert-file", Cert("server.crt"), "--tls-key-file",
                        Cert("server.key"), "--tls-auth-clients", "no"}});
  EXPECT_EQ(Cli("PING", ClientCert::kNone).output, "PONG\n");
  EXPECT_THAT(*Run({"CONFIG", "GET", "tls-auth-clients"}).Find("tls-auth-clients"), IsBulk("no"));
}

TEST_P(TlsTest, PlainClientOnTlsPortIsDisconnectedOthersGoOn) {
  StartTls();
  RespClient plain_on_tls("127.0.0.1", server_->tls_port());
  ASSERT_TRUE(plain_on_tls.connected());
  plain_on_tls.SendRaw("*1\r\n$4\r\nPING\r\n");
  EXPECT_TRUE(plain_on_tls.WaitForClose(5s));
  RespClient garbage("127.0.0.1", server_->tls_port());
  garbage.SendRaw(std::string(5000, '\x16'));
  EXPECT_TRUE(garbage.WaitForClose(5s));
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
  EXPECT_EQ(Cli("PING").output, "PONG\n");
}

TEST_P(TlsTest, PortZeroWithTlsPortServesOnlyTls) {
  // The harness passes --port 0; with a tls-port that means TLS only. The
  // TLS directives come from a config file here.
  tls_port_ = FreePort();
  auto server = ServerProcess::Start(
      {.backend = GetParam(),
       .config_text = "tls-port " + std::to_string(tls_port_) + "\ntls-cert-file " + Cert("server.crt") +
                      "\ntls-key-file " + Cert("server.key") + "\ntls-ca-cert-file " + Cert("ca.crt") +
                      "\ntls-auth-clients yes\n"});
  ASSERT_TRUE(server->ready()) << server->log();
  EXPECT_EQ(server->port(), 0);
  EXPECT_EQ(server->tls_port(), tls_port_);
  EXPECT_THAT(server->log(), HasSubstr("Ready to accept connections tls"));
  EXPECT_THAT(server->log(), Not(HasSubstr("Ready to accept connections tcp")));
  EXPECT_EQ(Cli("PING", ClientCert::kTrusted, tls_port_).output, "PONG\n");
  EXPECT_EQ(Cli("CONFIG GET port", ClientCert::kTrusted, tls_port_).output, "port\n0\n");
  EXPECT_EQ(server->Stop(SIGTERM), 0) << server->log();
}

TEST_P(TlsTest, StartupFailsNamingTheCertificateFile) {
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::string port = std::to_string(FreePort());
  const Case cases[] = {
      {{"--tls-cert-file", "/nonexistent/server.crt", "--tls-key-file", Cert("server.key")},
       "Failed to load certificate: /nonexistent/server.crt: error:80000002:system library::No such "
       "file or directory"},
      {{"--tls-cert-file", Cert("server.crt"), "--tls-key-file", Cert("client.key")},
       "Failed to load private key: " + Cert("client.key") +
           ": error:05800074:x509 certificate routines::key values mismatch"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"--tls-port", port, "--tls-ca-cert-file", Cert("ca.crt")};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto bad = ServerProcess::Start({.backend = GetParam(), .args = args, .expect_start = false});
    EXPECT_EQ(bad->WaitForExit(10s), 1);
    EXPECT_THAT(bad->log(), HasSubstr(c.error));
    EXPECT_THAT(bad->log(), HasSubstr("Failed to configure TLS"));
  }
  // Client authentication needs a CA to check against.
  auto no_ca = ServerProcess::Start({.backend = GetParam(),
                                     .args = {"--tls-port", port, "--tls-cert-file", Cert("server.crt"),
                                              "--tls-key-file", Cert("server.key")},
                                     .expect_start = false});
  EXPECT_EQ(no_ca->WaitForExit(10s), 1);
  EXPECT_THAT(no_ca->log(), HasSubstr("Either tls-ca-cert-file or tls-ca-cert-dir must be specified"));
}

}  // namespace
}  // namespace runnel::testing
