// UringLoop: the io_uring backend of EventLoop (see event_loop.h for the turn).
//
// Per listener one multishot accept; per connection one multishot recv into
// the BufferRing and at most one send in flight (a send for one iovec, a
// sendmsg for several). Every operation's user_data is an OpTag (op, slot,
// generation) and completions go through one switch over the op.
//
// Ring creation and threads. The ring is created by Create() with
// IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN when the kernel has
// them, plus IORING_SETUP_R_DISABLED: a disabled ring accepts registrations
// and queued SQEs from any thread, and the thread that enables it becomes its
// single issuer. Run() enables it, so the loop may be created (and Listen())
// on one thread and run on another, as tests do; but every Run() of a loop
// must happen on the same thread, and after the first Run() every method must
// be called on that thread. The destructor may run on any thread. (The kernel
// runs a ring's teardown work on the thread that created it, which can
// interrupt that thread's blocking calls that have timeouts with EINTR.)
//
// Closing a connection. Close() only marks it; at the end of the turn the
// loop cancels its recv (IORING_OP_ASYNC_CANCEL on the recv's user_data), for
// kAfterFlush waits until its output is sent, for kNow cancels a send that is
// in flight. Once no operation of the slot is in flight, the next turn closes
// the fd, calls OnClose(id) and releases the slot. The output buffer is never
// cleared or reused while a send that points into it is in flight.
//
// TLS connections (accepted on a ListenTls() socket) carry a TlsSession: recv
// completions feed it ciphertext and OnData gets the plaintext; sends carry
// the session's ciphertext() instead of the output buffer, which the session
// encrypts from as room allows. Plain connections pay one null check per
// recv, send and close step.
//
// Not thread-safe.
#pragma once

#include <liburing.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <memory>
#include <string>
#include <vector>

#include "server/io/buffer_ring.h"
#include "server/io/connection_slots.h"
#include "server/io/listener.h"
#include "server/io/event_loop.h"
#include "server/io/op_tag.h"
#include "server/io/closing_state.h"
#include "server/io/tls/tls_acceptor.h"
#include "server/io/tls/tls_session.h"
#include "server/io/work_list.h"

namespace runnel::io {

class UringLoop final : public EventLoop {
 public:
  // Sets up the ring and the recv buffers; an error says why io_uring cannot
  // be used here (old kernel, seccomp, io_uring_disabled, memory).
  static absl::StatusOr<std::unique_ptr<UringLoop>> Create(const LoopOptions& options,
                                                           LoopHandler* handler);
  ~UringLoop() override;

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
  IoBackend backend() const override { return IoBackend::kUring; }
  int bound_port() const override { return bound_port_; }

 private:
  // A send gathers at most this many iovecs (output blocks) at once.
  static constexpr int kMaxSendIov = 64;


  struct Connection {
    int fd = -1;
    Closing closing = Closing::kNo;
    bool paused = false;
    bool peer_done = false;  // EOF or a read error: nothing more will be read
    // Operations in flight; the slot is released only when all are false.
    bool recv_armed = false;
    bool send_in_flight = false;
    bool recv_cancel_in_flight = false;
    bool send_cancel_in_flight = false;
    // Membership of the loop's work lists (each id is queued at most once).
    bool in_flush_list = false;
    bool in_close_list = false;
    bool in_finish_list = false;
    bool in_resume_list = false;
    OutputBuffer output;
    // Bytes a recv delivered while reading was paused (a recv already in
    // flight when PauseReading() was called); handed over on resume.
    std::string held_input;
    // Set for a connection accepted on a TLS listener; then held_input is
    // ciphertext, and sends point into tls->ciphertext().
    std::unique_ptr<tls::TlsSession> tls;
    // The sendmsg in flight reads these until its completion.
    msghdr send_msg{};
    iovec send_iov[kMaxSendIov];
  };

  struct Listener {
    int fd = -1;
    uint32_t generation = 1;
    Transport transport = Transport::kPlain;
  };
  // WatchWakeFd()'s fds, each polled with a multishot poll whose tag's slot
  // is its index here.
  std::vector<int> wake_fds_;

  // A CQE copied out of the ring, so the CQ slot is free before the handler runs.
  struct Completion {
    uint64_t user_data;
    int32_t res;
    uint32_t flags;
  };
  // CQEs taken from the ring per batch.
  static constexpr size_t kCompletionBatch = 256;

  UringLoop(const LoopOptions& options, LoopHandler* handler);
  absl::Status ListenOn(std::string_view host, int port, Transport transport);
  absl::Status SetUp();
  absl::Status EnableRing();

  // The turn, in order.
  void DeliverHeldInput();
  void ReapCompletions();
  void FinishCloses();
  void SendFlushed();
  void AdvanceCloses();
  absl::Status SubmitAndWait(absl::Duration timeout);

  // Completions.
  void Dispatch(const Completion& completion);
  bool IsCurrentListener(OpTag tag) const;
  void OnAcceptDone(OpTag tag, int res, uint32_t flags);
  void OnRecvDone(OpTag tag, int res, uint32_t flags);
  void OnSendDone(OpTag tag, int res);
  void OnCancelDone(OpTag tag);
  void Accepted(int fd, Transport transport);
  // Hands received bytes to the handler: as they are, or through the TLS session.
  void DeliverInput(ConnectionId id, Connection& c, std::string_view data) {
    if (c.tls == nullptr) [[likely]] {
      handler_->OnData(id, data);
    } else {
      DeliverTlsInput(id, c, data);
    }
  }
  void DeliverTlsInput(ConnectionId id, Connection& c, std::string_view ciphertext);
  // Whether `c` has bytes to send: its output, or for TLS its ciphertext and
  // (between handshake and close_notify) the plaintext still to encrypt. A
  // TLS connection refused before its handshake has nothing it can send.
  static bool HasOutput(const Connection& c) {
    if (c.tls == nullptr) [[likely]] return !c.output.empty();
    return c.tls->has_ciphertext() || (c.tls->writable() && !c.output.empty());
  }
  // The buffer a send of `c` takes its bytes from: the output, or the TLS
  // ciphertext topped up from it; nullptr after a TLS failure closed `c`.
  OutputBuffer* SendSource(ConnectionId id, Connection& c);

  // SQEs.
  io_uring_sqe* GetSqe();
  void ArmAccept(uint32_t index);
  void ArmWake(uint32_t index);
  void ArmRecv(ConnectionId id, Connection& c);
  void StartSend(ConnectionId id, Connection& c);
  void CancelRecv(ConnectionId id, Connection& c);
  void CancelSend(ConnectionId id, Connection& c);
  void PrepCancel(uint64_t target, uint64_t own);
  // Arms or cancels the recv so it matches whether the connection wants input.
  void SyncRecv(ConnectionId id, Connection& c);

  // Closing.
  void StartClose(ConnectionId id, Connection& c, CloseMode mode);
  void AdvanceClose(ConnectionId id, Connection& c);
  void Finish(ConnectionId id, Connection& c);
  static bool Idle(const Connection& c) {
    return !c.recv_armed && !c.send_in_flight && !c.recv_cancel_in_flight &&
           !c.send_cancel_in_flight;
  }

  const LoopOptions options_;
  LoopHandler* const handler_;
  io_uring ring_{};
  bool ring_ready_ = false;     // io_uring_queue_init succeeded
  bool ring_disabled_ = false;  // created with IORING_SETUP_R_DISABLED, not yet enabled
  std::unique_ptr<BufferRing> buffers_;
  ConnectionSlots<Connection> connections_;
  std::vector<Listener> listeners_;
  int bound_port_ = 0;
  bool stop_requested_ = false;
  tls::TlsAcceptor tls_;

  WorkList<Connection> flush_list_{&Connection::in_flush_list};    // send at end of turn
  WorkList<Connection> close_list_{&Connection::in_close_list};    // advance at end of turn
  WorkList<Connection> finish_list_{&Connection::in_finish_list};  // OnClose next turn
  WorkList<Connection> resume_list_{&Connection::in_resume_list};  // held input next turn
  Completion batch_[kCompletionBatch];
  // What Output() returns for a stale id: written to and thrown away.
  OutputBuffer discard_;
};

}  // namespace runnel::io
