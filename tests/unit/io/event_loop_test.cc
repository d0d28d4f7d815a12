// Tests for both EventLoop backends, over real sockets: a scripted line
// handler runs on the loop thread while the test thread talks to it with
// plain blocking sockets. Every test runs once per backend.

#include "tests/unit/io/event_loop_harness.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

namespace runnel::io {
namespace {

using namespace test_support;  // NOLINT: the tests are written against it
using std::chrono_literals::operator""s;

// ---------------------------------------------------------------- data path

TEST_P(EventLoopTest, WakeFdEndsALongSleepPromptly) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(wake_fd_, 0);
  Start();
  ASSERT_TRUE(handler().WaitTurns(2));
  handler().sleep_ms = 60'000;
  // Within a few 2 ms turns the loop begins a 60 s sleep.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (uint64_t round = 1; round <= 3; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const uint64_t one = 1;
    ASSERT_EQ(write(wake_fd_, &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
    // The woken turn's BeforeSleep found the fd readable and drained it.
    ASSERT_TRUE(handler().WaitFor(
        [&](const ScriptedHandler::Observed& o) { return o.wakes_drained == round; }));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  }
  handler().sleep_ms = 2;
  handler().stop = true;
  const uint64_t one = 1;
  ASSERT_EQ(write(wake_fd_, &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
  StopLoop();
  close(wake_fd_);
}

TEST_P(EventLoopTest, EchoesOneLineAndReportsAddresses) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send("hello\n"));
  EXPECT_EQ(client.Read(6), "hello\n");

  sockaddr_in local{};
  socklen_t length = sizeof(local);
  getsockname(client.fd(), reinterpret_cast<sockaddr*>(&local), &length);
  ScriptedHandler::Observed seen = handler().Snapshot();
  ASSERT_EQ(seen.peers.size(), 1u);
  EXPECT_EQ(seen.peers[0].address, "127.0.0.1:" + std::to_string(ntohs(local.sin_port)));
  EXPECT_EQ(seen.peers[0].local_address, "127.0.0.1:" + std::to_string(port_));
  EXPECT_GE(seen.peers[0].fd, 0);
}

TEST_P(EventLoopTest, PipelinedLinesAreAnsweredInOrder) {
  Start();
  Client client(port_);
  std::string request;
  for (int i = 0; i < 20000; ++i) request += "message " + std::to_string(i) + "\n";
  ASSERT_TRUE(client.Send(request));
  EXPECT_EQ(client.Read(request.size()), request);
}

TEST_P(EventLoopTest, TenMegabytesEchoThroughFewRecvBuffers) {
  // 16 KiB of recv buffers for 10 MB: the uring loop runs out of buffers
  // (-ENOBUFS) again and again, and sends end short.
  LoopOptions options;
  options.recv_buffer_count = 4;
  options.recv_buffer_size = 4096;
  Start(Mode::kRawEcho, options);
  Client client(port_);
  std::string payload = Pattern(10 << 20);
  std::thread writer([&] { client.Send(payload); });
  std::string echoed = client.Read(payload.size());
  writer.join();
  EXPECT_EQ(echoed.size(), payload.size());
  EXPECT_TRUE(echoed == payload);
}

TEST_P(EventLoopTest, ServesTwoHundredConcurrentConnections) {
  Start();
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 200; ++i) {
    clients.push_back(std::make_unique<Client>(port_));
    ASSERT_TRUE(clients.back()->connected());
  }
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(clients[i]->Send("client " + std::to_string(i) + "\n"));
  for (int i = 0; i < 200; ++i) {
    std::string expected = "client " + std::to_string(i) + "\n";
    ASSERT_EQ(clients[i]->Read(expected.size()), expected);
  }
  EXPECT_EQ(handler().Snapshot().opens, 200);
  clients.clear();
  ASSERT_TRUE(WaitCloses(200));
}

// ---------------------------------------------------------------- closing

TEST_P(EventLoopTest, CloseAfterFlushSendsQueuedBytesBeforeFin) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.Send("!bigquit 3000000\n"));
  bool clean_eof = false;
  std::string received = client.ReadToEof(&clean_eof);
  EXPECT_TRUE(clean_eof);
  EXPECT_EQ(received.size(), 3000000u);
  EXPECT_TRUE(received == Pattern(3000000));
  ASSERT_TRUE(WaitCloses(1));
}

TEST_P(EventLoopTest, QuitThenHalfCloseStillGetsTheReply) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.Send("!quit\n"));
  client.ShutdownWrite();
  bool clean_eof = false;
  EXPECT_EQ(client.ReadToEof(&clean_eof), "bye\n");
  EXPECT_TRUE(clean_eof);
  ASSERT_TRUE(WaitCloses(1));
  EXPECT_TRUE(handler().WaitTurns(3));
  EXPECT_EQ(handler().Snapshot().closes, 1);
}

TEST_P(EventLoopTest, PeerEofFlushesPendingReplyThenCloses) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.Send("last words\n"));
  client.ShutdownWrite();
  bool clean_eof = false;
  EXPECT_EQ(client.ReadToEof(&clean_eof), "last words\n");
  EXPECT_TRUE(clean_eof);
  ASSERT_TRUE(WaitCloses(1));
}

TEST_P(EventLoopTest, CloseNowDropsQueuedOutput) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.Send("!kill\n"));
  bool clean_eof = false;
  EXPECT_EQ(client.ReadToEof(&clean_eof), "");
  EXPECT_TRUE(clean_eof);
  ASSERT_TRUE(WaitCloses(1));
}

TEST_P(EventLoopTest, CloseNowEndsASendBlockedOnAClientThatDoesNotRead) {
  Start();
  Client client(port_);
  // Far more than the socket buffers hold: the send stays blocked.
  ASSERT_TRUE(client.Send("!flood 32000000\n"));
  ASSERT_TRUE(handler().WaitFor([](const auto& o) { return o.lines >= 1; }));
  ASSERT_TRUE(handler().WaitTurns(3));
  handler().kill_flood = true;
  ASSERT_TRUE(WaitCloses(1));
}

TEST_P(EventLoopTest, PeerDisconnectClosesExactlyOnce) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.Send("hi\n"));
  ASSERT_EQ(client.Read(3), "hi\n");
  client.Close();
  ASSERT_TRUE(WaitCloses(1));
  ASSERT_TRUE(handler().WaitTurns(3));
  EXPECT_EQ(handler().Snapshot().closes, 1);
}

TEST_P(EventLoopTest, PeerResetClosesExactlyOnce) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.Send("hi\n"));
  ASSERT_EQ(client.Read(3), "hi\n");
  client.Reset();
  ASSERT_TRUE(WaitCloses(1));
  ASSERT_TRUE(handler().WaitTurns(3));
  EXPECT_EQ(handler().Snapshot().closes, 1);
}

TEST_P(EventLoopTest, HandlerClosesOtherConnectionsFromACallback) {
  Start();
  std::vector<std::unique_ptr<Client>> others;
  for (int i = 0; i < 5; ++i) {
    others.push_back(std::make_unique<Client>(port_));
    ASSERT_TRUE(others.back()->Send("ping\n"));
    ASSERT_EQ(others.back()->Read(5), "ping\n");
  }
  Client killer(port_);
  ASSERT_TRUE(killer.Send("!killothers\n"));
  EXPECT_EQ(killer.Read(9), "killed 5\n");
  for (auto& other : others) {
    bool clean_eof = false;
    EXPECT_EQ(other->ReadToEof(&clean_eof), "");
  }
  ASSERT_TRUE(WaitCloses(5));
  ASSERT_TRUE(killer.Send("still here\n"));
  EXPECT_EQ(killer.Read(11), "still here\n");
}

TEST_P(EventLoopTest, CloseFromOnOpenStillSendsTheRefusal) {
  Start();
  handler().reject_on_open = true;
  Client client(port_);
  bool clean_eof = false;
  EXPECT_EQ(client.ReadToEof(&clean_eof), "-ERR max number of clients reached\r\n");
  EXPECT_TRUE(clean_eof);
  ASSERT_TRUE(WaitCloses(1));
}

// ---------------------------------------------------------------- flow control

TEST_P(EventLoopTest, PausedConnectionGetsNoDataUntilResumed) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.Send("!pause\n"));
  ASSERT_EQ(client.Read(7), "paused\n");
  uint64_t lines = handler().Snapshot().lines;
  ASSERT_TRUE(client.Send("while paused\n"));
  // Loopback delivered the bytes when send() returned; give the loop turns
  // in which it would have read them.
  ASSERT_TRUE(handler().WaitTurns(5));
  EXPECT_EQ(handler().Snapshot().lines, lines);
  EXPECT_TRUE(client.Quiet());
  handler().resume = true;
  EXPECT_EQ(client.Read(13), "while paused\n");
  ASSERT_TRUE(client.Send("after\n"));
  EXPECT_EQ(client.Read(6), "after\n");
}

// ---------------------------------------------------------------- lifecycle

TEST_P(EventLoopTest, StopAcceptingRefusesNewClientsAndKeepsOldOnes) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.Send("!stopaccept\n"));
  ASSERT_EQ(client.Read(8), "stopped\n");
  ASSERT_TRUE(handler().WaitTurns(3));  // the cancel of a multishot accept is submitted
  Client late(port_);
  EXPECT_FALSE(late.connected());
  ASSERT_TRUE(client.Send("still served\n"));
  EXPECT_EQ(client.Read(13), "still served\n");
  EXPECT_EQ(handler().Snapshot().opens, 1);
}

TEST_P(EventLoopTest, StopAcceptingFromOnOpenKeepsThatConnection) {
  Start();
  handler().stop_accepting_on_open = true;
  Client first(port_);
  ASSERT_TRUE(first.Send("first\n"));
  ASSERT_EQ(first.Read(6), "first\n");
  ASSERT_TRUE(handler().WaitTurns(3));
  Client second(port_);
  EXPECT_FALSE(second.connected());
  EXPECT_EQ(handler().Snapshot().opens, 1);
}

TEST_P(EventLoopTest, ClientsConnectedBeforeACommandAreOpenBeforeItRuns) {
  // Regression: the uring loop could hand over a command before the accepts
  // that completed ahead of it (so CLIENT KILL missed fresh clients), and
  // the epoll loop could too when the listener's event came later in a batch.
  Start();
  Client observer(port_);
  ASSERT_TRUE(observer.Send("hello\n"));
  ASSERT_EQ(observer.Read(6), "hello\n");
  for (int round = 0; round < 100; ++round) {
    Client a(port_);
    Client b(port_);
    ASSERT_TRUE(observer.Send("!live\n"));
    ASSERT_EQ(observer.Read(2), "3\n") << "round " << round;
    a.Close();
    b.Close();
    ASSERT_TRUE(WaitCloses(2 * (round + 1)));
  }
}

TEST_P(EventLoopTest, StopLeavesConnectionsOpenAndDestructionClosesThemSilently) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.Send("hi\n"));
  ASSERT_EQ(client.Read(3), "hi\n");
  StopLoop();
  EXPECT_TRUE(client.Quiet());
  loop_.reset();
  bool clean_eof = false;
  EXPECT_EQ(client.ReadToEof(&clean_eof), "");
  EXPECT_TRUE(clean_eof);
  EXPECT_EQ(handler().Snapshot().closes, 0);
}

// ---------------------------------------------------------------- addresses

TEST_P(EventLoopTest, ListensOnIpv6Loopback) {
  if (!HostHasIpv6Loopback()) GTEST_SKIP() << "no IPv6 loopback on this host";
  Start(Mode::kLines, LoopOptions{}, "::1");
  Client client(AF_INET6, port_);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send("over v6\n"));
  EXPECT_EQ(client.Read(8), "over v6\n");
  ScriptedHandler::Observed seen = handler().Snapshot();
  ASSERT_EQ(seen.peers.size(), 1u);
  EXPECT_EQ(seen.peers[0].address.rfind("[::1]:", 0), 0u) << seen.peers[0].address;
  EXPECT_EQ(seen.peers[0].local_address, "[::1]:" + std::to_string(port_));
}

TEST_P(EventLoopTest, OptionalUnavailableAddressIsSkipped) {
  ScriptedHandler handler(Mode::kLines);
  LoopOptions options;
  options.backend = GetParam();
  auto loop = EventLoop::Create(options, &handler);
  ASSERT_TRUE(loop.ok());
  // 192.0.2.1 (TEST-NET-1) is on no host's interfaces.
  EXPECT_TRUE((*loop)->Listen("-192.0.2.1", 0).ok());
  EXPECT_EQ((*loop)->bound_port(), 0);
  absl::Status required = (*loop)->Listen("192.0.2.1", 0);
  EXPECT_FALSE(required.ok());
  EXPECT_NE(required.message().find("Could not create server TCP listening socket 192.0.2.1:0"),
            absl::string_view::npos)
      << required;
  EXPECT_FALSE((*loop)->Listen("not-an-address", 0).ok());
  EXPECT_TRUE((*loop)->Listen("*", 0).ok());
  EXPECT_NE((*loop)->bound_port(), 0);
}

TEST_P(EventLoopTest, AllAddressesOfBothFamiliesShareOnePort) {
  if (!HostHasIpv6Loopback()) GTEST_SKIP() << "no IPv6 loopback on this host";
  ScriptedHandler handler(Mode::kLines);
  LoopOptions options;
  options.backend = GetParam();
  auto loop = EventLoop::Create(options, &handler);
  ASSERT_TRUE(loop.ok());
  ASSERT_TRUE((*loop)->Listen("*", 0).ok());
  int port = (*loop)->bound_port();
  // IPV6_V6ONLY lets "::*" bind the port "*" holds.
  EXPECT_TRUE((*loop)->Listen("::*", port).ok());
  EXPECT_EQ((*loop)->bound_port(), port);
}

// ---------------------------------------------------------------- fallback

// In a child process whose seccomp filter fails io_uring_setup with EPERM (as
// container runtimes do), asking for io_uring must give an epoll loop.
TEST(EventLoopCreateTest, FallsBackToEpollWhenIoUringIsBlocked) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog program{static_cast<unsigned short>(sizeof(filter) / sizeof(filter[0])), filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
      _exit(2);
    }
    ScriptedHandler handler(Mode::kLines);
    LoopOptions options;
    options.backend = IoBackend::kUring;
    auto loop = EventLoop::Create(options, &handler);
    _exit(loop.ok() && (*loop)->backend() == IoBackend::kEpoll ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 2) GTEST_SKIP() << "cannot install a seccomp filter here";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventLoopTest,
                         ::testing::Values(IoBackend::kUring, IoBackend::kEpoll),
                         [](const ::testing::TestParamInfo<IoBackend>& info) {
                           return std::string(IoBackendName(info.param));
                         });

}  // namespace
}  // namespace runnel::io
