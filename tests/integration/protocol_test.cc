// RESP on the wire: multibulk and inline commands, arbitrary byte splits,
// deep pipelines, protocol errors (reply, then close, others unaffected) and
// the size limits.
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using namespace std::chrono_literals;

class ProtocolTest : public ServerTest {};
RUNNEL_BACKEND_TESTS(ProtocolTest);

TEST_P(ProtocolTest, InlineCommandsWorkLikeTelnet) {
  client_->SendRaw("PING\r\n");
  EXPECT_THAT(*client_->Read(), IsSimple("PONG"));
  client_->SendRaw("ECHO \"hello world\"\n");  // bare LF and quotes, as redis-cli users type
  EXPECT_THAT(*client_->Read(), IsBulk("hello world"));
  client_->SendRaw("\r\n\r\nPING\r\n");  // empty lines are skipped
  EXPECT_THAT(*client_->Read(), IsSimple("PONG"));
}

TEST_P(ProtocolTest, CommandSplitAtEveryByteStillParses) {
  std::string bytes = RespClient::Encode({"ECHO", std::string(100, 'x')});
  for (char c : bytes) {
    client_->SendRaw(std::string_view(&c, 1));
  }
  EXPECT_THAT(*client_->Read(), IsBulk(std::string(100, 'x')));
}

TEST_P(ProtocolTest, TenThousandPipelinedCommandsAllAnswerInOrder) {
  std::string batch;
  for (int i = 0; i < 10000; ++i) batch += RespClient::Encode({"ECHO", std::to_string(i)});
  std::thread writer([&] { client_->SendRaw(batch); });
  for (int i = 0; i < 10000; ++i) {
    auto reply = client_->Read();
    ASSERT_TRUE(reply.has_value()) << i;
    ASSERT_THAT(*reply, IsBulk(std::to_string(i)));
  }
  writer.join();
}

TEST_P(ProtocolTest, LargeBulkRoundTrips) {
  std::string big(8 * 1024 * 1024, 'q');
  big[12345] = '\0';
  EXPECT_THAT(Run({"ECHO", big}), IsBulk(big));
}

TEST_P(ProtocolTest, ZeroAndNegativeMultibulkCountsAreIgnored) {
  client_->SendRaw("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n");
  EXPECT_THAT(*client_->Read(), IsSimple("PONG"));
}

struct BadInput {
  std::string bytes;
  std::string error;
};

TEST_P(ProtocolTest, ProtocolErrorsAnswerThenClose) {
  const BadInput cases[] = {
      {"*abc\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1\r\n$abc\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n+PING\r\n", "ERR Protocol error: expected '$', got '+'"},
      {"*1\r\n$-5\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length"},
      {"ECHO \"unbalanced\r\n", "ERR Protocol error: unbalanced quotes in request"},
  };
  for (const BadInput& c : cases) {
    auto conn = Connect();
    conn->SendRaw(c.bytes);
    auto reply = conn->Read();
    ASSERT_TRUE(reply.has_value()) << c.bytes;
    EXPECT_THAT(*reply, IsError(c.error)) << c.bytes;
    EXPECT_TRUE(conn->WaitForClose()) << c.bytes;
  }
  // The server goes on serving everyone else.
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
}

TEST_P(ProtocolTest, HeaderWithoutNewlineWithin64KiBIsAnError) {
  auto conn = Connect();
  conn->SendRaw("*1\r\n$" + std::string(70 * 1024, '1'));
  EXPECT_THAT(*conn->Read(), IsError("ERR Protocol error: too big bulk count string"));
  EXPECT_TRUE(conn->WaitForClose());

  auto inline_conn = Connect();
  inline_conn->SendRaw(std::string(70 * 1024, 'a'));
  EXPECT_THAT(*inline_conn->Read(), IsError("ERR Protocol error: too big inline request"));
  EXPECT_TRUE(inline_conn->WaitForClose());
}

TEST_P(ProtocolTest, ProtoMaxBulkLenIsEnforcedAndSettable) {
  EXPECT_THAT(Run({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}), IsSimple("OK"));
  auto conn = Connect();
  conn->SendRaw("*2\r\n$4\r\nECHO\r\n$" + std::to_string(2 * 1024 * 1024) + "\r\n");
  EXPECT_THAT(*conn->Read(), IsError("ERR Protocol error: invalid bulk length"));
  EXPECT_TRUE(conn->WaitForClose());
}

TEST_P(ProtocolTest, HugeClaimedLengthsAllocateNothingUpFront) {
  // A header claiming 500 MB and a count of two billion, then silence: the
  // server must not reserve that memory, and must go on serving others.
  auto conn = Connect();
  conn->SendRaw("*2\r\n$4\r\nECHO\r\n$500000000\r\nabc");
  auto conn2 = Connect();
  conn2->SendRaw("*2000000000\r\n");
  std::this_thread::sleep_for(100ms);
  RespValue info = Run({"INFO", "memory"});
  size_t pos = info.str.find("used_memory:");
  ASSERT_NE(pos, std::string::npos);
  long used = std::stol(info.str.substr(pos + 12));
  EXPECT_LT(used, 200L * 1024 * 1024) << info.str;
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
}

TEST_P(ProtocolTest, UnauthenticatedClientsGetSmallLimits) {
  StartServer({.args = {"--requirepass", "pw"}});
  auto conn = Connect();
  conn->SendRaw("*11\r\n");
  EXPECT_THAT(*conn->Read(), IsError("ERR Protocol error: unauthenticated multibulk length"));
  auto conn2 = Connect();
  conn2->SendRaw("*1\r\n$16385\r\n");
  EXPECT_THAT(*conn2->Read(), IsError("ERR Protocol error: unauthenticated bulk length"));
}

TEST_P(ProtocolTest, HttpRequestsCloseTheConnectionWithoutAReply) {
  const std::vector<std::string> requests = {"POST / HTTP/1.1\r\nHost: example\r\n\r\n", "host: example\r\n",
                                             "*1\r\n$4\r\npost\r\n"};
  for (const std::string& request : requests) {
    auto conn = Connect();
    // As in Redis, even the reply to a command before it in the same read
    // is dropped: the client is gone at once.
    conn->SendRaw("PING\r\n" + request + "PING\r\n");
    EXPECT_TRUE(conn->WaitForClose()) << request;
    EXPECT_EQ(conn->ReadRaw(std::chrono::milliseconds(0)), "") << request;
  }
  // A GET line is an ordinary (wrong) command, as in Redis.
  auto conn = Connect();
  conn->SendRaw("GET / HTTP/1.1\r\n");
  EXPECT_THAT(*conn->Read(), ErrorStartsWith("ERR"));
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
}

// Slowloris: clients that send their commands a byte at a time hold a
// partial command each and nothing else; other clients keep their latency.
TEST_P(ProtocolTest, ClientsSendingOneByteAtATimeDoNotSlowOthers) {
  constexpr int kSlowClients = 20;
  const std::string command = RespClient::Encode({"ECHO", std::string(64, 's')});
  std::vector<std::unique_ptr<RespClient>> slow;
  for (int i = 0; i < kSlowClients; ++i) slow.push_back(Connect());
  std::atomic<bool> stop = false;
  std::thread dripping([&] {
    for (size_t at = 0; !stop && at < command.size(); ++at) {
      for (auto& client : slow) client->SendRaw(command.substr(at, 1));
      std::this_thread::sleep_for(20ms);
    }
  });
  auto worst = std::chrono::steady_clock::duration::zero();
  for (int i = 0; i < 100; ++i) {
    auto started = std::chrono::steady_clock::now();
    ASSERT_THAT(Run({"PING"}), IsSimple("PONG"));
    worst = std::max(worst, std::chrono::steady_clock::now() - started);
    std::this_thread::sleep_for(10ms);
  }
  // Generous for a loaded ASan build; a server stuck on a slow client would
  // take the drip's whole 1.5 s.
  EXPECT_LT(worst, 250ms);
  EXPECT_LT(std::stoll(InfoField("memory", "mem_clients_normal")), (kSlowClients + 1) * 256 * 1024);
  stop = true;
  dripping.join();
}

TEST_P(ProtocolTest, QueryBufferLimitClosesTheClient) {
  StartServer({.args = {"--client-query-buffer-limit", "1mb", "--proto-max-bulk-len", "8mb"}});
  auto conn = Connect();
  conn->SendRaw("*2\r\n$4\r\nECHO\r\n$4000000\r\n" + std::string(2 * 1024 * 1024, 'x'));
  EXPECT_TRUE(conn->WaitForClose());
  RespValue info = Run({"INFO", "stats"});
  EXPECT_NE(info.str.find("client_query_buffer_limit_disconnections:1"), std::string::npos);
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
}

}  // namespace
}  // namespace runnel::testing

namespace runnel::testing {
namespace {

class BackpressureTest : public ServerTest {};
RUNNEL_BACKEND_TESTS(BackpressureTest);

// A client that pipelines ~100 MB of replies without reading them: the server
// stops reading it, keeps its memory bounded, serves others, and delivers
// every reply in order once the client reads.
TEST_P(BackpressureTest, ClientThatDoesNotReadIsPausedNotBuffered) {
  constexpr int kCommands = 1600;
  const std::string payload(64 * 1024, 'p');
  const std::string command = RespClient::Encode({"ECHO", payload});
  auto greedy = Connect();
  std::thread writer([&] {
    for (int i = 0; i < kCommands; ++i) greedy->SendRaw(command);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
  RespValue info = Run({"INFO", "memory"});
  size_t pos = info.str.find("used_memory:");
  ASSERT_NE(pos, std::string::npos);
  // Paused at 16 MiB of pending output; without the pause it passes 40 MiB here.
  EXPECT_LT(std::stol(info.str.substr(pos + 12)), 28L * 1024 * 1024) << info.str;
  for (int i = 0; i < kCommands; ++i) {
    auto reply = greedy->Read(std::chrono::seconds(30));
    ASSERT_TRUE(reply.has_value()) << "reply " << i;
    ASSERT_EQ(reply->str.size(), payload.size()) << "reply " << i;
  }
  writer.join();
}

// A client that pipelines a million small commands and never reads a reply:
// once its unread replies pass the pause threshold the server stops reading
// it (its sends then block), its memory stays bounded, and everyone else
// keeps a short latency. Hanging up releases it all.
TEST_P(BackpressureTest, MillionPipelinedCommandsNeverReadStayBounded) {
  constexpr int kCommands = 1'000'000;
  constexpr int kBatch = 10'000;
  std::string batch;
  const std::string payload(100, 'e');
  for (int i = 0; i < kBatch; ++i) batch += RespClient::Encode({"ECHO", payload});
  auto greedy = Connect();
  std::atomic<int> sent{0};
  std::thread writer([&] {
    // Blocks for good once the server stops reading; ends when the socket is shut.
    for (int i = 0; i < kCommands; i += kBatch) {
      greedy->SendRaw(batch);
      sent += kBatch;
    }
  });
  // Let the server take what it will: at 107 bytes of reply per command it
  // pauses the client after about 160,000, and the kernel's socket buffers
  // hold a few MB more of the 125 MB of commands.
  size_t used = 0;
  int last_sent = -1;
  int still = 0;  // checks in a row that saw the writer stuck
  for (int i = 0; i < 200 && still < 5; ++i) {
    std::this_thread::sleep_for(100ms);
    still = sent == last_sent ? still + 1 : 0;
    last_sent = sent;
    auto started = std::chrono::steady_clock::now();
    EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms) << "PING after " << sent << " commands sent";
    RespValue info = Run({"INFO", "memory"});
    const size_t pos = info.str.find("used_memory:");
    ASSERT_NE(pos, std::string::npos);
    used = std::max<size_t>(used, std::stoul(info.str.substr(pos + 12)));
  }
  // 16 MiB of held replies plus the unparsed input the server keeps.
  EXPECT_LT(used, 48UL * 1024 * 1024);
  EXPECT_LT(sent.load(), kCommands) << "the server never stopped reading";
  ASSERT_EQ(shutdown(greedy->fd(), SHUT_RDWR), 0);
  writer.join();
  // Closing with replies unread resets the connection: the server notices
  // even though it is not reading that client, and frees its buffers.
  greedy.reset();
  for (int i = 0; i < 100; ++i) {
    RespValue clients = Run({"INFO", "clients"});
    if (clients.str.find("connected_clients:1\r\n") != std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_THAT(Run({"INFO", "clients"}).str, ::testing::HasSubstr("connected_clients:1\r\n"));
}

// `printf 'SET k v\r\nGET k\r\n' | nc`: a client that half-closes after
// its commands gets every reply, a large one included, and then the close,
// as from Redis.
TEST_P(ProtocolTest, HalfClosedClientGetsAllItsRepliesThenTheClose) {
  const std::string big(1 << 20, 'v');
  client_->SendRaw(RespClient::Encode({"PING"}) + RespClient::Encode({"SET", "k", big}) +
                   RespClient::Encode({"GET", "k"}));
  ASSERT_EQ(shutdown(client_->fd(), SHUT_WR), 0);
  EXPECT_THAT(*client_->Read(), IsSimple("PONG"));
  EXPECT_THAT(*client_->Read(), IsSimple("OK"));
  EXPECT_THAT(*client_->Read(), IsBulk(big));
  EXPECT_TRUE(client_->WaitForClose());
  auto other = Connect();
  EXPECT_THAT(other->Run({"DBSIZE"}), IsInt(1));
}

// Its end of input ends a blocked read too: the server does not keep
// waiting for a client that can send nothing more.
TEST_P(ProtocolTest, HalfClosingWhileBlockedEndsTheClient) {
  auto blocked = Connect();
  blocked->SendRaw(RespClient::Encode({"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}));
  for (int i = 0; i < 200 && InfoField("clients", "blocked_clients") != "1"; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(InfoField("clients", "blocked_clients"), "1");
  ASSERT_EQ(shutdown(blocked->fd(), SHUT_WR), 0);
  EXPECT_TRUE(blocked->WaitForClose());
  for (int i = 0; i < 200 && InfoField("clients", "blocked_clients") != "0"; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(InfoField("clients", "blocked_clients"), "0");
  EXPECT_THAT(Run({"CLIENT", "LIST"}).str, ::testing::Not(::testing::HasSubstr("cmd=xread")));
}

}  // namespace
}  // namespace runnel::testing
