// ServerProcess: runs the real runnel-server binary for a test — a fresh
// temporary data directory, a port the kernel picks (--port 0, read back
// from the start-up log), the io backend under test — and stops it at the
// end, reporting how it exited.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/resp_client.h"

namespace runnel::testing {

struct ServerOptions {
  std::string backend = "uring";          // --io-backend
  std::vector<std::string> args;          // more flags, e.g. {"--requirepass", "x"}
  std::string config_text;                // when set, written to a file passed first
  bool expect_start = true;               // false: the test expects start-up to fail
  uint64_t open_files_limit = 0;          // when set, the server's RLIMIT_NOFILE (soft and hard)
};

class ServerProcess {
 public:
  // Starts the server and waits until it accepts connections (or exits).
  static std::unique_ptr<ServerProcess> Start(const ServerOptions& options);
  ~ServerProcess();

  bool ready() const { return port_ > 0 || tls_port_ > 0; }
  int port() const { return port_; }  // 0 when serving TLS only
  int tls_port() const { return tls_port_; }  // 0 without a tls-port
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return dir_; }
  const std::string& config_path() const { return config_path_; }
  std::string log() const;

  std::unique_ptr<RespClient> Connect() const;

  // Sends `signal` and waits for the exit; returns the exit status
  // (128 + signal when killed by one), or -1 on timeout.
  int Stop(int signal);
  // Waits for the process to exit by itself; returns as Stop() does.
  int WaitForExit(std::chrono::milliseconds timeout);
  bool running();

 private:
  ServerProcess() = default;

  pid_t pid_ = -1;
  int port_ = 0;
  int tls_port_ = 0;
  int exit_status_ = -1;
  std::string dir_;
  std::string log_path_;
  std::string config_path_;
};

// Fixture for tests run once per io backend.
class ServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Restarts with extra options (same backend).
  void StartServer(ServerOptions options);
  std::unique_ptr<RespClient> Connect() { return server_->Connect(); }
  RespValue Run(const std::vector<std::string>& args) { return client_->Run(args); }
  // The value of `field` in INFO `section`, or "" when absent.
  std::string InfoField(const std::string& section, const std::string& field);

  // For tests of what survives a restart: a data directory that outlives
  // the server (created on first use, removed at TearDown). Restart() stops
  // the server cleanly if one runs, then starts one on that directory with
  // `extra_args_`; KillAndRestart() kills it with SIGKILL instead.
  void Restart();
  void KillAndRestart();
  const std::string& data_root();  // the directory; the server's --dir is data_root() + "/data"
  std::vector<std::string> extra_args_;

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<RespClient> client_;

 private:
  std::string data_root_;
};

#define RUNNEL_BACKEND_TESTS(Fixture) \
  INSTANTIATE_TEST_SUITE_P(Backends, Fixture, ::testing::Values("uring", "epoll"))

}  // namespace runnel::testing
