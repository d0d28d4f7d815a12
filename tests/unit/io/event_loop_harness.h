// Test support for event_loop_test.cc: ScriptedHandler, a line protocol
// run on the loop thread; Client, a blocking socket for the test thread; and
// the EventLoopTest fixture that runs a loop per backend on its own thread.
#pragma once

#include "server/io/event_loop.h"

#include <arpa/inet.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace runnel::io::test_support {


using std::chrono_literals::operator""s;

// Distinct bytes, so a lost, repeated or reordered run shows.
inline std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
  return s;
}

// ---------------------------------------------------------------- the handler

enum class Mode { kLines, kRawEcho };

// kRawEcho echoes bytes as they come. kLines answers each '\n'-terminated
// line: "!quit", "!kill", "!pause", "!bigquit N", "!flood N", "!killothers",
// "!stopaccept" act on the loop, "!live" answers the number of open
// connections; any other line is echoed.
class ScriptedHandler : public LoopHandler {
 public:
  explicit ScriptedHandler(Mode mode) : mode_(mode) {}

  EventLoop* loop = nullptr;
  // Set by the test thread, acted on in BeforeSleep() on the loop thread.
  std::atomic<bool> stop{false};
  std::atomic<bool> resume{false};
  std::atomic<bool> kill_flood{false};
  std::atomic<bool> reject_on_open{false};
  std::atomic<bool> stop_accepting_on_open{false};
  // How long BeforeSleep lets the loop sleep.
  std::atomic<int64_t> sleep_ms{2};
  // A watched wake fd (EventLoop::WatchWakeFd), drained in BeforeSleep.
  int wake_fd = -1;

  struct Observed {
    int opens = 0;
    int closes = 0;
    int errors = 0;  // callbacks that broke the contract
    uint64_t turns = 0;
    uint64_t lines = 0;
    uint64_t wakes_drained = 0;  // sum of the wake fd's counter read in BeforeSleep
    std::vector<PeerInfo> peers;
  };

  // Waits (up to 10 s) until `done(observed)` holds; false on timeout.
  template <typename Pred>
  bool WaitFor(Pred done) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return done(observed_); });
  }
  // Waits until the loop has run `n` more turns.
  bool WaitTurns(uint64_t n) {
    uint64_t target = Snapshot().turns + n;
    return WaitFor([&](const Observed& o) { return o.turns >= target; });
  }
  Observed Snapshot() {
    std::lock_guard<std::mutex> lock(mu_);
    return observed_;
  }

  void OnOpen(ConnectionId id, const PeerInfo& peer) override {
    Update([&](Observed& o) {
      if (!live_.insert(Key(id)).second) ++o.errors;
      ++o.opens;
      o.peers.push_back(peer);
    });
    if (stop_accepting_on_open) loop->StopAccepting();
    if (reject_on_open) {
      loop->Output(id).Append("-ERR max number of clients reached\r\n");
      loop->Flush(id);
      loop->Close(id, CloseMode::kAfterFlush);
    }
  }

  void OnData(ConnectionId id, std::string_view data) override {
    if (live_.count(Key(id)) == 0 || data.empty()) Update([](Observed& o) { ++o.errors; });
    if (mode_ == Mode::kRawEcho) {
      loop->Output(id).Append(data);
      loop->Flush(id);
      return;
    }
    std::string& pending = input_[id.slot];
    pending.append(data);
    size_t eol;
    while (live_.count(Key(id)) != 0 && (eol = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, eol);
      pending.erase(0, eol + 1);
      RunLine(id, line);
      Update([](Observed& o) { ++o.lines; });
    }
  }

  void OnClose(ConnectionId id) override {
    Update([&](Observed& o) {
      if (live_.erase(Key(id)) != 1) ++o.errors;
      ++o.closes;
    });
    input_.erase(id.slot);
    closed_.push_back(id);
  }

  absl::Duration BeforeSleep() override {
    // Calls on ids that are already closed must be harmless no-ops.
    for (ConnectionId old : closed_) {
      loop->Flush(old);
      loop->PauseReading(old, true);
      loop->Close(old, CloseMode::kNow);
      loop->Output(old).Append("ignored");
    }
    closed_.clear();
    if (resume.exchange(false)) loop->PauseReading(paused_id_, false);
    if (kill_flood.exchange(false)) loop->Close(flood_id_, CloseMode::kNow);
    if (stop) loop->Stop();
    uint64_t wakes = 0;  // eventfd counter: how many writes since the last drain
    if (wake_fd >= 0 && read(wake_fd, &wakes, sizeof(wakes)) != sizeof(wakes)) wakes = 0;
    Update([&](Observed& o) {
      ++o.turns;
      o.wakes_drained += wakes;
    });
    return absl::Milliseconds(sleep_ms.load());
  }

 private:
  static std::pair<uint32_t, uint32_t> Key(ConnectionId id) { return {id.slot, id.generation}; }

  template <typename F>
  void Update(F f) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      f(observed_);
    }
    cv_.notify_all();
  }

  void Reply(ConnectionId id, std::string_view text) {
    loop->Output(id).Append(text);
    loop->Flush(id);
  }

  void RunLine(ConnectionId id, const std::string& line) {
    if (line == "!quit") {
      Reply(id, "bye\n");
      loop->Close(id, CloseMode::kAfterFlush);
    } else if (line == "!kill") {
      Reply(id, "never sent\n");
      loop->Close(id, CloseMode::kNow);
    } else if (line == "!pause") {
      Reply(id, "paused\n");
      loop->PauseReading(id, true);
      paused_id_ = id;
    } else if (line.rfind("!bigquit ", 0) == 0) {
      // Many appends (a chain of blocks), no Flush(): Close(kAfterFlush)
      // alone must send them.
      std::string big = Pattern(std::stoul(line.substr(9)));
      for (size_t at = 0; at < big.size(); at += 1000) {
        loop->Output(id).Append(std::string_view(big).substr(at, 1000));
      }
      loop->Close(id, CloseMode::kAfterFlush);
    } else if (line.rfind("!flood ", 0) == 0) {
      Reply(id, std::string(std::stoul(line.substr(7)), 'x'));
      flood_id_ = id;
    } else if (line == "!killothers") {
      int killed = 0;
      for (auto [slot, generation] : std::set<std::pair<uint32_t, uint32_t>>(live_)) {
        if (slot == id.slot) continue;
        loop->Close(ConnectionId{slot, generation}, CloseMode::kNow);
        ++killed;
      }
      Reply(id, "killed " + std::to_string(killed) + "\n");
    } else if (line == "!live") {
      Reply(id, std::to_string(live_.size()) + "\n");
    } else if (line == "!stopaccept") {
      loop->StopAccepting();
      Reply(id, "stopped\n");
    } else {
      Reply(id, line + "\n");
    }
  }

  const Mode mode_;
  std::mutex mu_;
  std::condition_variable cv_;
  Observed observed_;
  // Loop-thread state.
  std::set<std::pair<uint32_t, uint32_t>> live_;
  std::map<uint32_t, std::string> input_;
  std::vector<ConnectionId> closed_;
  ConnectionId paused_id_;
  ConnectionId flood_id_;
};

// ---------------------------------------------------------------- the client

// A blocking client socket; reads time out instead of hanging a broken test.
// Every call retries EINTR: creating and destroying rings on this thread
// (the loop is created here) makes the kernel run io_uring's exit work on
// it, which interrupts a blocking call that has a timeout (SO_RCVTIMEO).
class Client {
 public:
  Client(int family, int port) {
    fd_ = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_storage address{};
    socklen_t length;
    if (family == AF_INET) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
      v4->sin_family = AF_INET;
      v4->sin_port = htons(static_cast<uint16_t>(port));
      v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      length = sizeof(*v4);
    } else {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(static_cast<uint16_t>(port));
      v6->sin6_addr = in6addr_loopback;
      length = sizeof(*v6);
    }
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
    if (!connected_ && errno == EINTR) {
      // The connect goes on in the background; wait for its outcome.
      pollfd p{fd_, POLLOUT, 0};
      while (poll(&p, 1, 10000) < 0 && errno == EINTR) {
      }
      int error = 0;
      socklen_t size = sizeof(error);
      getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size);
      connected_ = error == 0;
    }
  }
  explicit Client(int port) : Client(AF_INET, port) {}
  ~Client() { Close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads exactly n bytes (fewer on EOF, error or timeout).
  std::string Read(size_t n) {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      ssize_t r = recv(fd_, out.data() + got, n - got, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
    out.resize(got);
    return out;
  }
  // Reads until the peer's FIN; *clean_eof says whether one came (rather than
  // a reset or the timeout).
  std::string ReadToEof(bool* clean_eof) {
    std::string out;
    char buf[64 * 1024];
    while (true) {
      ssize_t r = recv(fd_, buf, sizeof(buf), 0);
      if (r > 0) {
        out.append(buf, static_cast<size_t>(r));
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      *clean_eof = r == 0;
      return out;
    }
  }
  // True when nothing arrived and no EOF: the server left the socket alone.
  bool Quiet() {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, 0) == 0;
  }
  void ShutdownWrite() { shutdown(fd_, SHUT_WR); }
  // Closes with a reset instead of a FIN.
  void Reset() {
    linger l{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    Close();
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

inline bool HostHasIpv6Loopback() {
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

// ---------------------------------------------------------------- fixture

class EventLoopTest : public ::testing::TestWithParam<IoBackend> {
 protected:
  void SetUp() override {
    if (GetParam() != IoBackend::kUring) return;
    // Hosts without io_uring (old kernels, seccomp) run the epoll half only.
    ScriptedHandler probe(Mode::kLines);
    auto loop = EventLoop::Create(LoopOptions{}, &probe);
    if (!loop.ok() || (*loop)->backend() != IoBackend::kUring) {
      GTEST_SKIP() << "io_uring is not available here";
    }
  }

  // Creates the loop on this thread, listens on host port 0, and runs it on
  // another thread (the uring loop binds its ring to the thread that runs it).
  void Start(Mode mode = Mode::kLines, LoopOptions options = {},
             std::string_view host = "127.0.0.1") {
    handler_ = std::make_unique<ScriptedHandler>(mode);
    options.backend = GetParam();
    auto loop = EventLoop::Create(options, handler_.get());
    ASSERT_TRUE(loop.ok()) << loop.status();
    loop_ = std::move(*loop);
    ASSERT_EQ(loop_->backend(), GetParam());
    handler_->loop = loop_.get();
    absl::Status listening = loop_->Listen(host, 0);
    ASSERT_TRUE(listening.ok()) << listening;
    port_ = loop_->bound_port();
    ASSERT_NE(port_, 0);
    if (wake_fd_ >= 0) {
      loop_->WatchWakeFd(wake_fd_);
      handler_->wake_fd = wake_fd_;
    }
    thread_ = std::thread([this] { run_status_ = loop_->Run(); });
  }

  void StopLoop() {
    if (!thread_.joinable()) return;
    handler_->stop = true;
    thread_.join();
    EXPECT_TRUE(run_status_.ok()) << run_status_;
  }

  void TearDown() override {
    StopLoop();
    if (handler_ != nullptr) {
      EXPECT_EQ(handler_->Snapshot().errors, 0);
    }
    loop_.reset();
  }

  ScriptedHandler& handler() { return *handler_; }
  bool WaitCloses(int n) {
    return handler_->WaitFor([n](const ScriptedHandler::Observed& o) { return o.closes >= n; });
  }

  std::unique_ptr<ScriptedHandler> handler_;
  std::unique_ptr<EventLoop> loop_;
  std::thread thread_;
  absl::Status run_status_;
  int port_ = 0;
  int wake_fd_ = -1;  // set before Start() to have the loop watch it
};

}  // namespace runnel::io::test_support
