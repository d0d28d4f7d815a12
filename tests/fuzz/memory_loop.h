// MemoryLoop: an io::EventLoop without sockets, driven step by step by the
// command fuzzer: it opens connections, hands them bytes, runs turns and
// takes what the server queued as if a client read it at once.
//
// It keeps the contract a real loop gives the handler (event_loop.h):
// OnClose exactly once per OnOpen and never from inside Close(); output
// stays valid until "sent"; a paused connection gets no data until resumed
// (its bytes wait here); wake fds are polled each turn and reported through
// OnWake. Not thread-safe, like the real loops.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/io/event_loop.h"

namespace runnel::fuzz {

class MemoryLoop final : public io::EventLoop {
 public:
  // Called with every byte range the server sends to a connection, in order.
  using SentFn = std::function<void(io::ConnectionId, std::string_view)>;

  MemoryLoop(io::LoopHandler* handler, SentFn on_sent);

  // A client connects from 127.0.0.1; returns its id (OnOpen has run, and
  // may already have closed it).
  io::ConnectionId Connect();
  // The client sends `bytes` (held while the connection is paused).
  void Receive(io::ConnectionId id, std::string_view bytes);
  // Whether the client reads what the server sends; one that does not lets
  // the output pile up (the output-buffer limits' case).
  void SetReading(io::ConnectionId id, bool reading);
  // The client hangs up.
  void Disconnect(io::ConnectionId id);
  // One loop turn: wake fds, BeforeSleep, sending, finishing closes.
  void Turn();
  bool IsOpen(io::ConnectionId id) const;

  // io::EventLoop
  absl::Status Listen(std::string_view host, int port) override { return absl::OkStatus(); }
  void StopAccepting() override {}
  io::OutputBuffer& Output(io::ConnectionId id) override;
  void Flush(io::ConnectionId id) override {}
  void Close(io::ConnectionId id, io::CloseMode mode) override;
  void PauseReading(io::ConnectionId id, bool paused) override;
  void WatchWakeFd(int fd) override { wake_fds_.push_back(fd); }
  absl::Status Run() override { return absl::UnimplementedError("MemoryLoop is driven by Turn()"); }
  void Stop() override {}
  io::IoBackend backend() const override { return io::IoBackend::kEpoll; }
  int bound_port() const override { return 0; }

 private:
  struct Slot {
    uint32_t generation = 0;
    bool open = false;
    bool paused = false;
    bool closing = false;
    bool reading = true;
    io::CloseMode close_mode = io::CloseMode::kAfterFlush;
    std::string held_input;  // arrived while paused
    std::unique_ptr<io::OutputBuffer> output;
  };
  Slot* Find(io::ConnectionId id);
  const Slot* Find(io::ConnectionId id) const;
  void Send(uint32_t slot);
  void Finish(uint32_t slot);
  void PollWakeFds();

  io::LoopHandler* handler_;
  SentFn on_sent_;
  std::deque<Slot> slots_;  // stable addresses: the server keeps &Output(id)
  std::vector<int> wake_fds_;
};

}  // namespace runnel::fuzz
