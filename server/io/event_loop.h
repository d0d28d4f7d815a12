// EventLoop: the one interface over Runnel's two I/O backends.
//
// A loop owns its listening sockets, its connections' sockets and their output
// buffers; it knows bytes, not RESP. The server implements LoopHandler and is
// called back on the loop's thread. Two implementations: UringLoop (io_uring
// via liburing: multishot accept, multishot recv into a provided-buffer ring,
// one sendmsg per connection per turn, one submit per turn) and EpollLoop (the
// fallback where io_uring cannot be set up, e.g. under a seccomp profile).
//
// A turn of either loop:
//   1. reap every ready event and call OnOpen / OnData / OnClose;
//   2. call BeforeSleep() (timers, deferred work; it says how long to sleep);
//   3. send the pending output of every connection marked with Flush();
//   4. submit once and wait for events or the sleep deadline.
//
// Not thread-safe: every method must be called on the loop's thread (the
// shard-per-core future runs one loop per thread, each with its own handler).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/io/output_buffer.h"

namespace runnel::io {

namespace tls {
class TlsContext;
}  // namespace tls

// Names one accepted connection. The slot is reused after a close; the
// generation tells a stale id (or a late completion) from the live one.
struct ConnectionId {
  uint32_t slot = 0;
  uint32_t generation = 0;
  friend bool operator==(ConnectionId a, ConnectionId b) {
    return a.slot == b.slot && a.generation == b.generation;
  }
};

struct PeerInfo {
  int fd = -1;
  std::string address;        // "ip:port" of the client, "[ip6]:port" for IPv6, as Redis prints it
  std::string local_address;  // "ip:port" the client connected to
};

enum class CloseMode : uint8_t {
  kAfterFlush,  // send what is queued, then close (QUIT, protocol errors)
  kNow,         // drop pending output and close (CLIENT KILL, limits)
};

class LoopHandler {
 public:
  virtual ~LoopHandler() = default;
  // A connection was accepted; its output buffer is loop.Output(id) until OnClose.
  virtual void OnOpen(ConnectionId id, const PeerInfo& peer) = 0;
  // Bytes arrived. `data` is valid only during the call: keep what is not consumed.
  virtual void OnData(ConnectionId id, std::string_view data) = 0;
  // The connection is gone (peer closed, socket error, or Close() finished).
  // Called exactly once per OnOpen; the id is dead once it returns.
  virtual void OnClose(ConnectionId id) = 0;
  // Called once per turn before the loop sleeps; returns the longest it may sleep.
  virtual absl::Duration BeforeSleep() = 0;
  // A watched wake fd (EventLoop::WatchWakeFd) became readable; called in the
  // turn, before BeforeSleep. Handlers that drain their fds in BeforeSleep
  // need not override it.
  virtual void OnWake(int fd) {}
};

enum class IoBackend : uint8_t { kUring, kEpoll };

struct LoopOptions {
  IoBackend backend = IoBackend::kUring;
  // Entries in the uring submission queue and provided buffers of recv.
  unsigned ring_entries = 4096;
  unsigned recv_buffer_count = 1024;
  unsigned recv_buffer_size = 16 * 1024;
};

class EventLoop {
 public:
  virtual ~EventLoop() = default;

  // Creates the backend asked for. When io_uring cannot be set up, logs one
  // line saying why and returns an epoll loop instead.
  static absl::StatusOr<std::unique_ptr<EventLoop>> Create(const LoopOptions& options,
                                                           LoopHandler* handler);

  // Binds and listens on host:port (IPv4 or IPv6 literal, "*" for all IPv4,
  // "::*" for all IPv6). A "-" prefix makes the address optional: when it is
  // unavailable (no IPv6 on the host) the call succeeds without listening.
  virtual absl::Status Listen(std::string_view host, int port) = 0;
  // Like Listen(), for clients that speak TLS (Redis's tls-port): each
  // connection accepted there gets a session of the context SetTlsContext()
  // gave, which must come first. The handler sees only plaintext, in both
  // directions: OnOpen at accept (as Redis creates the client before the
  // handshake), OnData once the handshake is done, and OnClose after a
  // failed handshake or a bad record (logged by the loop, rate-limited).
  // Leaves bound_port() alone. A loop without TLS (an in-memory test loop)
  // keeps this default, which refuses.
  virtual absl::Status ListenTls(std::string_view host, int port) {
    return absl::UnimplementedError("this event loop does not serve TLS");
  }
  // The context new TLS connections use from now on (start-up, CONFIG SET of
  // a tls-* option); open connections keep the one they started with. The
  // default (a loop without TLS) drops it.
  virtual void SetTlsContext(std::unique_ptr<tls::TlsContext> context);
  // Closes the listening sockets; accepted connections go on.
  virtual void StopAccepting() = 0;

  // The queue of bytes to send to `id`; valid until OnClose(id).
  virtual OutputBuffer& Output(ConnectionId id) = 0;
  // Marks `id` as having output; it is sent at the end of this turn.
  virtual void Flush(ConnectionId id) = 0;
  // Starts closing `id`. OnClose(id) follows later (never from inside Close).
  virtual void Close(ConnectionId id, CloseMode mode) = 0;
  // Stops or resumes reading from `id` (backpressure on a client that does not read).
  virtual void PauseReading(ConnectionId id, bool paused) = 0;
  // Wakes the loop for a turn (OnWake(fd), then BeforeSleep) whenever `fd`,
  // an eventfd or signalfd the caller owns, becomes readable: how another
  // thread (the sync thread) or a signal reports to the loop. The loop never
  // reads the fd; the handler drains it, in the same turn. At most
  // kMaxWakeFds fds; call before Run().
  static constexpr int kMaxWakeFds = 4;
  virtual void WatchWakeFd(int fd) = 0;

  // Runs turns until Stop(); returns an error only when the loop itself fails.
  virtual absl::Status Run() = 0;
  // Makes Run() return at the end of the current turn.
  virtual void Stop() = 0;

  virtual IoBackend backend() const = 0;
  // The port a Listen() with port 0 was given by the kernel (tests use it); 0 if none.
  virtual int bound_port() const = 0;
};

std::string_view IoBackendName(IoBackend backend);

}  // namespace runnel::io
