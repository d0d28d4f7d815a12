// EpollLoop: the epoll backend of EventLoop, for hosts where io_uring cannot
// be set up. Same contract and turn as UringLoop (see event_loop.h).
//
// Level-triggered: a connection is registered for EPOLLIN while it wants
// input and for EPOLLOUT only while a write would block, so an idle loop
// makes one epoll_wait per turn. Reads go into one loop-wide 16 KiB buffer
// (OnData's bytes are valid only during the call), up to kMaxReadPerTurn per
// connection per turn so one fast client cannot starve the others; whatever
// is left is reported again by the next epoll_wait. Output of connections
// marked with Flush() is written at the end of the turn with send/sendmsg.
//
// Closing: Close() marks the connection; at the end of the turn kNow
// connections, and kAfterFlush ones whose output is fully written, are queued,
// and the next turn closes their fd and calls OnClose(id).
//
// TLS connections (accepted on a ListenTls() socket) carry a TlsSession, as
// in UringLoop: reads feed it ciphertext, writes send its ciphertext(). A TLS
// connection paused in the middle of what it had decrypted is queued on
// resume, since the socket may have nothing new to report.
//
// Not thread-safe: after construction, every method on one thread.
#pragma once

#include <sys/epoll.h>
#include <sys/uio.h>

#include <memory>
#include <vector>

#include "server/io/connection_slots.h"
#include "server/io/event_loop.h"
#include "server/io/op_tag.h"
#include "server/io/closing_state.h"
#include "server/io/listener.h"
#include "server/io/tls/tls_acceptor.h"
#include "server/io/tls/tls_session.h"
#include "server/io/work_list.h"

namespace runnel::io {

class EpollLoop final : public EventLoop {
 public:
  static absl::StatusOr<std::unique_ptr<EpollLoop>> Create(const LoopOptions& options,
                                                           LoopHandler* handler);
  ~EpollLoop() override;

  absl::Status Listen(std::string_view host, int port) override {
    return ListenOn(host, port, Transport::kPlain);
  }
  absl::Status ListenTls(std::string_view host, int port) override {
    return ListenOn(host, port, Transport::kTls);
  }
  void SetTlsContext(std::unique_ptr<tls::TlsContext> context) override;
  void StopAccepting() override;
  OutputBuffer& Output(ConnectionId id) override;
  void Flush(ConnectionId id) override;
  void Close(ConnectionId id, CloseMode mode) override;
  void PauseReading(ConnectionId id, bool paused) override;
  void WatchWakeFd(int fd) override;
  absl::Status Run() override;
  void Stop() override { stop_requested_ = true; }
  IoBackend backend() const override { return IoBackend::kEpoll; }
  int bound_port() const override { return bound_port_; }

 private:
  static constexpr size_t kReadBufferSize = 16 * 1024;
  static constexpr size_t kMaxReadPerTurn = 4 * 64 * 1024;
  static constexpr int kMaxEvents = 1024;
  // As Redis's MAX_ACCEPTS_PER_CALL: bounded work per readable listener.
  static constexpr int kMaxAcceptsPerTurn = 1000;
  static constexpr int kMaxSendIov = 64;


  struct Connection {
    int fd = -1;
    Closing closing = Closing::kNo;
    bool paused = false;
    bool peer_done = false;      // EOF or a read error: nothing more will be read
    bool write_blocked = false;  // the last write hit a full socket: wait for EPOLLOUT
    uint32_t interest = 0;       // the events registered with epoll
    bool in_flush_list = false;
    bool in_close_list = false;
    bool in_finish_list = false;
    bool in_resume_list = false;
    OutputBuffer output;
    std::unique_ptr<tls::TlsSession> tls;  // set for connections of a TLS listener
  };

  struct Listener {
    int fd = -1;
    uint32_t generation = 1;
    Transport transport = Transport::kPlain;
  };

  EpollLoop(LoopHandler* handler, int epoll_fd);
  absl::Status ListenOn(std::string_view host, int port, Transport transport);

  // The turn, in order.
  void DeliverBufferedTls();
  void ProcessEvents();
  void FinishCloses();
  void SendFlushed();
  void AdvanceCloses();
  void Wait(absl::Duration timeout);

  void AcceptFrom(uint32_t listener_index);
  void Accepted(int fd, Transport transport);
  // Hands read bytes to the handler: as they are, or through the TLS session.
  void DeliverInput(ConnectionId id, Connection& c, std::string_view data) {
    if (c.tls == nullptr) [[likely]] {
      handler_->OnData(id, data);
    } else {
      DeliverTlsInput(id, c, data);
    }
  }
  void DeliverTlsInput(ConnectionId id, Connection& c, std::string_view ciphertext);
  // As UringLoop::HasOutput: what is left to send, TLS ciphertext included.
  static bool HasOutput(const Connection& c) {
    if (c.tls == nullptr) [[likely]] return !c.output.empty();
    return c.tls->has_ciphertext() || (c.tls->writable() && !c.output.empty());
  }
  void OnConnectionEvent(ConnectionId id, uint32_t events);
  void ReadFrom(ConnectionId id, Connection& c);
  void WriteTo(ConnectionId id, Connection& c);
  // Registers the events `c`'s state calls for, when they changed.
  void SyncInterest(ConnectionId id, Connection& c);
  static bool Reading(const Connection& c) {
    return c.closing == Closing::kNo && !c.paused && !c.peer_done;
  }

  void StartClose(ConnectionId id, Connection& c, CloseMode mode);
  void AdvanceClose(ConnectionId id, Connection& c);
  void Finish(ConnectionId id, Connection& c);

  LoopHandler* const handler_;
  const int epoll_fd_;
  ConnectionSlots<Connection> connections_;
  std::vector<Listener> listeners_;
  std::vector<int> wake_fds_;  // WatchWakeFd(); an event's tag slot is the index
  int bound_port_ = 0;
  bool stop_requested_ = false;

  WorkList<Connection> flush_list_{&Connection::in_flush_list};    // write at end of turn
  WorkList<Connection> close_list_{&Connection::in_close_list};    // advance at end of turn
  WorkList<Connection> finish_list_{&Connection::in_finish_list};  // OnClose next turn
  WorkList<Connection> resume_list_{&Connection::in_resume_list};  // buffered TLS input next turn
  tls::TlsAcceptor tls_;

  epoll_event events_[kMaxEvents];
  int ready_events_ = 0;  // filled by the last Wait()
  char read_buffer_[kReadBufferSize];
  iovec send_iov_[kMaxSendIov];
  OutputBuffer discard_;  // what Output() returns for a stale id
};

}  // namespace runnel::io
