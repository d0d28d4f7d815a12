#include "tests/integration/server_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace runnel::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "runnel-test-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  char* made = mkdtemp(buf.data());
  return made ? std::string(made) : std::string();
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::unique_ptr<ServerProcess> ServerProcess::Start(const ServerOptions& options) {
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  p->dir_ = MakeTempDir();
  p->log_path_ = p->dir_ + "/server.log";
  std::vector<std::string> argv = {RUNNEL_SERVER_BIN};
  if (!options.config_text.empty()) {
    p->config_path_ = p->dir_ + "/runnel.conf";
    std::ofstream(p->config_path_) << options.config_text;
    argv.push_back(p->config_path_);
  }
  for (std::string flag : {"--port", "0", "--bind", "127.0.0.1", "--dir"}) argv.push_back(flag);
  argv.push_back(p->dir_ + "/data");
  argv.push_back("--io-backend");
  argv.push_back(options.backend);
  argv.insert(argv.end(), options.args.begin(), options.args.end());

  pid_t pid = fork();
  if (pid == 0) {
    int log = open(p->log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    if (options.open_files_limit != 0) {
      rlimit files{options.open_files_limit, options.open_files_limit};
      setrlimit(RLIMIT_NOFILE, &files);
    }
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  p->pid_ = pid;

  // The server logs "port=N" (and ", tls-port=N" with TLS) then "Ready to
  // accept connections" once it listens.
  static const std::regex kPort(" port=([0-9]+)");
  static const std::regex kTlsPort("tls-port=([0-9]+)");
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    std::string log = p->log();
    std::smatch m;
    if (log.find("Ready to accept connections") != std::string::npos &&
        std::regex_search(log, m, kPort)) {
      p->port_ = std::stoi(m[1]);
      if (std::regex_search(log, m, kTlsPort)) p->tls_port_ = std::stoi(m[1]);
      return p;
    }
    if (!p->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (options.expect_start) {
    ADD_FAILURE() << "runnel-server did not start; log:\n" << p->log();
  }
  return p;
}

ServerProcess::~ServerProcess() {
  if (running()) {
    if (Stop(SIGTERM) < 0) Stop(SIGKILL);
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<RespClient> ServerProcess::Connect() const {
  return std::make_unique<RespClient>("127.0.0.1", port_);
}

bool ServerProcess::running() {
  if (pid_ < 0 || exit_status_ >= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_status_ = DecodeStatus(status);
    return false;
  }
  return r == 0;
}

int ServerProcess::WaitForExit(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (running()) {
    if (Clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_status_;
}

int ServerProcess::Stop(int signal) {
  if (running()) kill(pid_, signal);
  return WaitForExit(std::chrono::seconds(20));
}

void ServerTest::SetUp() { StartServer({}); }

void ServerTest::StartServer(ServerOptions options) {
  client_.reset();
  if (server_) {
    EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
  }
  options.backend = GetParam();
  server_ = ServerProcess::Start(options);
  ASSERT_TRUE(server_->ready());
  client_ = server_->Connect();
  ASSERT_TRUE(client_->connected());
}

void ServerTest::TearDown() {
  client_.reset();
  if (server_ && server_->ready()) {
    // A clean exit also proves no leak: ASan makes a leaking exit non-zero.
    EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
  }
  if (!data_root_.empty()) std::filesystem::remove_all(data_root_);
}

const std::string& ServerTest::data_root() {
  if (data_root_.empty()) {
    char pattern[] = "/tmp/runnel-test-data-XXXXXX";
    EXPECT_NE(mkdtemp(pattern), nullptr);
    data_root_ = pattern;
  }
  return data_root_;
}

void ServerTest::Restart() {
  std::vector<std::string> args = {"--dir", data_root() + "/data"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  StartServer({.args = std::move(args)});
}

void ServerTest::KillAndRestart() {
  client_.reset();
  EXPECT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);
  server_.reset();
  Restart();
}

std::string ServerTest::InfoField(const std::string& section, const std::string& field) {
  RespValue info = Run({"INFO", section});
  std::string needle = "\r\n" + field + ":";
  std::string text = "\r\n" + info.str;
  size_t pos = text.find(needle);
  if (pos == std::string::npos) return "";
  size_t start = pos + needle.size();
  return text.substr(start, text.find("\r\n", start) - start);
}

}  // namespace runnel::testing
