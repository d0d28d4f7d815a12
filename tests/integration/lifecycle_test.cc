// Start-up, configuration errors, limits on clients, and graceful shutdown
// of the real server process.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using namespace std::chrono_literals;

class LifecycleTest : public ServerTest {};
RUNNEL_BACKEND_TESTS(LifecycleTest);

TEST_P(LifecycleTest, ShutdownCommandExitsZeroAfterFlushingReplies) {
  auto other = Connect();
  client_->SendRaw(RespClient::Encode({"ECHO", "before"}) + RespClient::Encode({"SHUTDOWN"}));
  EXPECT_THAT(*client_->Read(), IsBulk("before"));
  EXPECT_TRUE(client_->WaitForClose());
  EXPECT_TRUE(other->WaitForClose());
  EXPECT_EQ(server_->WaitForExit(10s), 0) << server_->log();
  EXPECT_NE(server_->log().find("ready to exit"), std::string::npos) << server_->log();
}

TEST_P(LifecycleTest, ShutdownRejectsBadOptions) {
  EXPECT_THAT(Run({"SHUTDOWN", "SAVE", "NOSAVE"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"SHUTDOWN", "LATER"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"SHUTDOWN", "ABORT"}), IsError("ERR No shutdown in progress."));
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
}

TEST_P(LifecycleTest, SigtermAndSigintShutDownGracefully) {
  EXPECT_EQ(server_->Stop(SIGINT), 0) << server_->log();
  EXPECT_NE(server_->log().find("Received SIGINT"), std::string::npos);
  StartServer({});
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
  EXPECT_NE(server_->log().find("Received SIGTERM"), std::string::npos);
}

// The signal wakes the loop: with hz 1 the cron alone would take one to two
// seconds to notice it and then to see the last client gone.
TEST_P(LifecycleTest, SigtermStopsAtOnceEvenWithASlowCronAndAClientConnected) {
  StartServer({.args = {"--hz", "1"}});
  ASSERT_THAT(Run({"PING"}), IsSimple("PONG"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 800ms);
  EXPECT_TRUE(client_->WaitForClose());
}

TEST_P(LifecycleTest, MaxclientsRefusesWithRedisError) {
  StartServer({.args = {"--maxclients", "2"}});
  auto second = Connect();
  EXPECT_THAT(second->Run({"PING"}), IsSimple("PONG"));
  auto third = Connect();
  auto reply = third->Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_THAT(*reply, IsError("ERR max number of clients reached"));
  EXPECT_TRUE(third->WaitForClose());
  second.reset();
  // A freed slot is usable again.
  bool served = false;
  for (int i = 0; i < 200 && !served; ++i) {
    auto fourth = Connect();
    served = fourth->Run({"PING"}).type == RespValue::Type::kSimple;
    if (!served) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(served);
  RespValue stats = Run({"INFO", "stats"});
  EXPECT_EQ(stats.str.find("rejected_connections:0"), std::string::npos);
}

TEST_P(LifecycleTest, IdleClientsAreClosedAfterTimeout) {
  StartServer({.args = {"--timeout", "1"}});
  auto idle = Connect();
  EXPECT_THAT(idle->Run({"PING"}), IsSimple("PONG"));
  EXPECT_TRUE(idle->WaitForClose(5s));
}

TEST_P(LifecycleTest, ConfigFileIsReadAndFlagsOverrideIt) {
  StartServer({.args = {"--maxclients", "50"}, .config_text = "maxclients 40\ntimeout 7\n"});
  RespValue got = Run({"CONFIG", "GET", "maxclients", "timeout"});
  EXPECT_THAT(*got.Find("maxclients"), IsBulk("50"));
  EXPECT_THAT(*got.Find("timeout"), IsBulk("7"));
}

TEST_P(LifecycleTest, UnknownDirectiveStopsStartupNamingIt) {
  auto bad = ServerProcess::Start({.backend = GetParam(), .config_text = "port 1\nflibber 3\n",
                                   .expect_start = false});
  EXPECT_EQ(bad->WaitForExit(10s), 1);
  EXPECT_NE(bad->log().find("flibber"), std::string::npos) << bad->log();
  EXPECT_NE(bad->log().find("Bad directive or wrong number of arguments"), std::string::npos);
}

TEST_P(LifecycleTest, MaxclientsShrinksToWhatTheOpenFilesLimitHolds) {
  // 96 descriptors are the server's own (32 as in Redis, 64 group journals).
  StartServer({.args = {"--maxclients", "1000"}, .open_files_limit = 200});
  EXPECT_THAT(*Run({"CONFIG", "GET", "maxclients"}).Find("maxclients"), IsBulk("104"));
  EXPECT_NE(server_->log().find("maxclients has been reduced to 104 to compensate for low ulimit"),
            std::string::npos)
      << server_->log();
  EXPECT_THAT(Run({"CONFIG", "SET", "maxclients", "500"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is "
                      "not able to handle the specified number of clients, try with 104"));
  EXPECT_THAT(Run({"CONFIG", "SET", "maxclients", "50"}), IsSimple("OK"));
  EXPECT_THAT(Run({"CONFIG", "SET", "maxclients", "100"}), IsSimple("OK"));
  // A limit below the reserve cannot serve anyone: start-up fails.
  auto starved = ServerProcess::Start({.backend = GetParam(), .expect_start = false, .open_files_limit = 64});
  EXPECT_EQ(starved->WaitForExit(10s), 1);
  EXPECT_NE(starved->log().find("is not enough for the server to start"), std::string::npos) << starved->log();
}

// What a client connecting from `source` (an address of this host) reads
// before the server closes or 500 ms pass.
std::string FirstWordsFrom(const char* source, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in local{.sin_family = AF_INET};
  inet_pton(AF_INET, source, &local.sin_addr);
  bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
  sockaddr_in server{.sin_family = AF_INET, .sin_port = htons(static_cast<uint16_t>(port))};
  inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  std::string got;
  if (connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) == 0) {
    send(fd, "PING\r\n", 6, MSG_NOSIGNAL);
    pollfd p{fd, POLLIN, 0};
    char buffer[4096];
    while (poll(&p, 1, 500) > 0) {
      ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      got.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  return got;
}

TEST_P(LifecycleTest, ProtectedModeServesOnlyLoopbackClientsWhileThereIsNoPassword) {
  // 127.0.0.2 is loopback to the kernel but not to Redis's check.
  const std::string denied = FirstWordsFrom("127.0.0.2", server_->port());
  EXPECT_TRUE(denied.starts_with("-DENIED Redis is running in protected mode because protected mode is enabled "
                                 "and no password is set for the default user."))
      << denied;
  EXPECT_TRUE(denied.ends_with("in order for the server to start accepting connections from the outside.\r\n"));
  EXPECT_EQ(FirstWordsFrom("127.0.0.1", server_->port()), "+PONG\r\n");
  EXPECT_EQ(InfoField("stats", "rejected_connections"), "1");
  // A password, or protected-mode off, lets everyone in.
  ASSERT_THAT(Run({"CONFIG", "SET", "requirepass", "secret"}), IsSimple("OK"));
  EXPECT_TRUE(FirstWordsFrom("127.0.0.2", server_->port()).starts_with("-NOAUTH"));
  ASSERT_THAT(Run({"AUTH", "secret"}), IsSimple("OK"));
  ASSERT_THAT(Run({"CONFIG", "SET", "requirepass", "", "protected-mode", "no"}), IsSimple("OK"));
  EXPECT_EQ(FirstWordsFrom("127.0.0.2", server_->port()), "+PONG\r\n");
}

TEST_P(LifecycleTest, BadValueStopsStartupNamingIt) {
  auto bad = ServerProcess::Start(
      {.backend = GetParam(), .args = {"--maxclients", "lots"}, .expect_start = false});
  EXPECT_EQ(bad->WaitForExit(10s), 1);
  EXPECT_NE(bad->log().find("maxclients"), std::string::npos) << bad->log();
}

TEST_P(LifecycleTest, UnwritableDataDirStopsStartup) {
  if (geteuid() == 0) {
    // root can write anywhere; use a path under a regular file instead.
    auto bad = ServerProcess::Start(
        {.backend = GetParam(), .args = {"--dir", "/dev/null/data"}, .expect_start = false});
    EXPECT_EQ(bad->WaitForExit(10s), 1);
    EXPECT_NE(bad->log().find("data directory"), std::string::npos) << bad->log();
    return;
  }
  auto bad = ServerProcess::Start(
      {.backend = GetParam(), .args = {"--dir", "/proc/runnel"}, .expect_start = false});
  EXPECT_EQ(bad->WaitForExit(10s), 1);
}

TEST_P(LifecycleTest, ListensOnIpv6Loopback) {
  StartServer({.args = {"--bind", "127.0.0.1", "-::1"}});
  RespClient v6("::1", server_->port());
  if (!v6.connected()) GTEST_SKIP() << "no IPv6 loopback here";
  EXPECT_THAT(v6.Run({"PING"}), IsSimple("PONG"));
  RespValue info = v6.Run({"CLIENT", "INFO"});
  EXPECT_NE(info.str.find("addr=[::1]:"), std::string::npos) << info.str;
}

TEST_P(LifecycleTest, DefaultDataDirIsCreated) {
  EXPECT_TRUE(std::filesystem::is_directory(server_->data_dir() + "/data"));
}

}  // namespace
}  // namespace runnel::testing
