#include "server/io/uring_loop.h"

#include <poll.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "engine/base/logging.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "server/io/listener.h"

namespace runnel::io {
namespace {

// The only buffer group of the ring.
constexpr uint16_t kRecvBufferGroup = 0;


// Multishot recv (IORING_OP_RECV with IORING_RECV_MULTISHOT) arrived in Linux
// 6.0 and no feature bit announces it; an older kernel would fail every recv.
absl::Status CheckKernelVersion() {
  utsname name;
  int major = 0;
  if (uname(&name) != 0 || std::sscanf(name.release, "%d.", &major) != 1) {
    return absl::OkStatus();  // unknown: let setup decide
  }
  if (major >= 6) return absl::OkStatus();
  return absl::UnavailableError(
      base::StrCat("multishot recv needs Linux 6.0, this is ", name.release));
}

}  // namespace

absl::StatusOr<std::unique_ptr<UringLoop>> UringLoop::Create(const LoopOptions& options,
                                                             LoopHandler* handler) {
  std::unique_ptr<UringLoop> loop(new UringLoop(options, handler));
  RETURN_IF_ERROR(loop->SetUp());
  return loop;
}

UringLoop::UringLoop(const LoopOptions& options, LoopHandler* handler)
    : options_(options), handler_(handler) {}

absl::Status UringLoop::SetUp() {
  RETURN_IF_ERROR(CheckKernelVersion());
  // Best first; EINVAL means "this kernel lacks a flag", so try the next set.
  // SINGLE_ISSUER + DEFER_TASKRUN run completion work only inside our own
  // io_uring_enter, with no cross-thread wakeups; R_DISABLED defers choosing
  // the issuer thread to Run() (see the header).
  static constexpr unsigned kFlagSets[] = {
      IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED |
          IORING_SETUP_SUBMIT_ALL,
      IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL,
      0,
  };
  int ret = -EINVAL;
  for (unsigned flags : kFlagSets) {
    io_uring_params params{};
    params.flags = flags;
    ret = io_uring_queue_init_params(options_.ring_entries, &ring_, &params);
    if (ret == 0) ring_disabled_ = (flags & IORING_SETUP_R_DISABLED) != 0;
    if (ret != -EINVAL) break;
  }
  if (ret < 0) return absl::UnavailableError(base::StrCat("io_uring_setup: ", strerror(-ret)));
  ring_ready_ = true;
  auto buffers = BufferRing::Create(&ring_, kRecvBufferGroup, options_.recv_buffer_count,
                                    options_.recv_buffer_size);
  if (!buffers.ok()) return buffers.status();
  buffers_ = std::move(*buffers);
  return absl::OkStatus();
}

UringLoop::~UringLoop() {
  // Exiting the ring cancels every request, after which the kernel no longer
  // touches the recv buffers, the sockets or the iovecs; only then free them.
  if (ring_ready_) io_uring_queue_exit(&ring_);
  buffers_.reset();
  connections_.ForEachLive([](ConnectionId, Connection& c) {
    if (c.fd >= 0) close(c.fd);
  });
  for (Listener& listener : listeners_) {
    if (listener.fd >= 0) close(listener.fd);
  }
}

absl::Status UringLoop::EnableRing() {
  if (!ring_disabled_) return absl::OkStatus();
  // io_uring_enable_rings() is declared by liburing 2.3 but not exported.
  if (syscall(__NR_io_uring_register, ring_.ring_fd, IORING_REGISTER_ENABLE_RINGS, nullptr, 0) <
      0) {
    return absl::InternalError(base::StrCat("enable io_uring: ", strerror(errno)));
  }
  ring_disabled_ = false;
  return absl::OkStatus();
}

// ---------------------------------------------------------------- interface

absl::Status UringLoop::ListenOn(std::string_view host, int port, Transport transport) {
  // Before Run() the ring cannot submit, so the accept must fit in the SQ.
  if (ring_disabled_ && io_uring_sq_space_left(&ring_) == 0) {
    return absl::ResourceExhaustedError("io_uring submission queue full before Run()");
  }
  auto socket = OpenListenSocket(host, port);
  if (!socket.ok()) return socket.status();
  if (!socket->has_value()) return absl::OkStatus();
  listeners_.push_back(Listener{(*socket)->fd, 1, transport});
  if (transport == Transport::kPlain) bound_port_ = (*socket)->port;
  ArmAccept(static_cast<uint32_t>(listeners_.size() - 1));
  return absl::OkStatus();
}

void UringLoop::StopAccepting() {
  for (uint32_t i = 0; i < listeners_.size(); ++i) {
    Listener& listener = listeners_[i];
    if (listener.fd < 0) continue;
    // The request holds its own reference to the socket, so it must be
    // cancelled; the new generation turns a racing accept's fd into a close.
    PrepCancel(OpTag{Op::kAccept, i, listener.generation}.Encode(),
               OpTag{Op::kCancelAccept, i, listener.generation}.Encode());
    ++listener.generation;
    close(listener.fd);
    listener.fd = -1;
  }
}

OutputBuffer& UringLoop::Output(ConnectionId id) {
  Connection* c = connections_.Find(id);
  return c != nullptr ? c->output : discard_;
}

void UringLoop::Flush(ConnectionId id) {
  Connection* c = connections_.Find(id);
  if (c == nullptr || !AcceptsOutput(c->closing)) return;
  flush_list_.Push(id, *c);
}

void UringLoop::Close(ConnectionId id, CloseMode mode) {
  Connection* c = connections_.Find(id);
  if (c != nullptr) StartClose(id, *c, mode);
}

void UringLoop::PauseReading(ConnectionId id, bool paused) {
  Connection* c = connections_.Find(id);
  if (c == nullptr || c->closing != Closing::kNo || c->paused == paused) return;
  c->paused = paused;
  // A TLS session may hold decrypted bytes it stopped delivering at the pause.
  if (!paused && (!c->held_input.empty() || (c->tls && c->tls->HasBufferedInput()))) {
    resume_list_.Push(id, *c);
  }
  SyncRecv(id, *c);
}

// ---------------------------------------------------------------- the turn

absl::Status UringLoop::Run() {
  RETURN_IF_ERROR(EnableRing());
  stop_requested_ = false;
  while (true) {
    DeliverHeldInput();
    ReapCompletions();
    FinishCloses();
    absl::Duration timeout = handler_->BeforeSleep();
    discard_.Clear();
    SendFlushed();
    AdvanceCloses();
    if (stop_requested_) {
      io_uring_submit(&ring_);  // queued sends still go out
      return absl::OkStatus();
    }
    // Work queued for the next turn must not wait for the timeout.
    if (!finish_list_.empty() || !resume_list_.empty() || !flush_list_.empty()) {
      timeout = absl::ZeroDuration();
    }
    RETURN_IF_ERROR(SubmitAndWait(timeout));
  }
}

void UringLoop::DeliverHeldInput() {
  resume_list_.Drain(connections_, [this](ConnectionId id, Connection& c) {
    if (c.paused || c.closing != Closing::kNo) return;
    if (c.held_input.empty() && !(c.tls && c.tls->HasBufferedInput())) return;
    std::string data;
    data.swap(c.held_input);
    DeliverInput(id, c, data);
  });
}

void UringLoop::ReapCompletions() {
  // Copy a batch out and release the CQ slots before any handler runs.
  while (true) {
    unsigned head;
    io_uring_cqe* cqe;
    size_t n = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      batch_[n++] = Completion{cqe->user_data, cqe->res, cqe->flags};
      if (n == kCompletionBatch) break;
    }
    if (n == 0) return;
    io_uring_cq_advance(&ring_, static_cast<unsigned>(n));
    // Accepts first: a client whose connect completed before another
    // client's bytes arrived is opened before those bytes are handed over
    // (CLIENT KILL or CLIENT LIST sent right after other clients connect).
    for (size_t i = 0; i < n; ++i) {
      if (OpTag::Decode(batch_[i].user_data).op == Op::kAccept) Dispatch(batch_[i]);
    }
    for (size_t i = 0; i < n; ++i) {
      if (OpTag::Decode(batch_[i].user_data).op != Op::kAccept) Dispatch(batch_[i]);
    }
    if (n < kCompletionBatch) return;
  }
}

void UringLoop::FinishCloses() {
  finish_list_.Drain(connections_, [this](ConnectionId id, Connection& c) {
    // A callback may have queued output (kAfterFlush) since it was queued.
    if (!Idle(c) || (c.closing == Closing::kAfterFlush && HasOutput(c))) {
      close_list_.Push(id, c);
      return;
    }
    Finish(id, c);
  });
}

void UringLoop::SendFlushed() {
  flush_list_.Drain(connections_, [this](ConnectionId id, Connection& c) {
    // A send in flight re-queues the connection when it completes.
    if (c.send_in_flight || !AcceptsOutput(c.closing)) return;
    StartSend(id, c);
  });
}

void UringLoop::AdvanceCloses() {
  close_list_.Drain(connections_, [this](ConnectionId id, Connection& c) { AdvanceClose(id, c); });
}

absl::Status UringLoop::SubmitAndWait(absl::Duration timeout) {
  int ret;
  if (timeout == absl::InfiniteDuration()) {
    ret = io_uring_submit_and_wait(&ring_, 1);
  } else {
    timespec ts = absl::ToTimespec(std::max(timeout, absl::ZeroDuration()));
    __kernel_timespec kts{ts.tv_sec, ts.tv_nsec};
    io_uring_cqe* cqe = nullptr;
    ret = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &kts, nullptr);
  }
  // ETIME: the sleep ended; EINTR: a signal; EAGAIN/EBUSY: the kernel is
  // short of resources and the unsubmitted SQEs stay queued for next turn.
  if (ret >= 0 || ret == -ETIME || ret == -EINTR || ret == -EAGAIN || ret == -EBUSY) {
    return absl::OkStatus();
  }
  return absl::InternalError(base::StrCat("io_uring_enter: ", strerror(-ret)));
}

// ---------------------------------------------------------------- completions

void UringLoop::Dispatch(const Completion& completion) {
  OpTag tag = OpTag::Decode(completion.user_data);
  switch (tag.op) {
    case Op::kAccept:
      OnAcceptDone(tag, completion.res, completion.flags);
      break;
    case Op::kRecv:
      OnRecvDone(tag, completion.res, completion.flags);
      break;
    case Op::kSend:
      OnSendDone(tag, completion.res);
      break;
    case Op::kCancelRecv:
    case Op::kCancelSend:
      OnCancelDone(tag);
      break;
    case Op::kCancelAccept:
      break;  // the listener is already closed
    case Op::kWake:
      // The turn's BeforeSleep is what the waker wants; a multishot poll
      // that ended (no IORING_CQE_F_MORE) is armed again, unless it failed:
      // a bad fd would fail again at once and spin the loop.
      if (tag.slot >= wake_fds_.size()) break;
      if (completion.res >= 0) handler_->OnWake(wake_fds_[tag.slot]);
      if ((completion.flags & IORING_CQE_F_MORE) != 0) break;
      if (completion.res >= 0) {
        ArmWake(tag.slot);
      } else {
        RUNNEL_LOG_WARNING("Polling a wake fd: %s", strerror(-completion.res));
      }
      break;
  }
}

bool UringLoop::IsCurrentListener(OpTag tag) const {
  return tag.slot < listeners_.size() && listeners_[tag.slot].fd >= 0 &&
         listeners_[tag.slot].generation == tag.generation;
}

void UringLoop::OnAcceptDone(OpTag tag, int res, uint32_t flags) {
  if (res >= 0) {
    if (IsCurrentListener(tag)) {
      Accepted(res, listeners_[tag.slot].transport);
    } else {
      close(res);  // accepted just before StopAccepting() cancelled the accept
    }
  } else if (res != -ECANCELED) {
    RUNNEL_LOG_WARNING("Accepting client connection: %s", strerror(-res));
  }
  // Checked again: OnOpen may have called StopAccepting().
  if ((flags & IORING_CQE_F_MORE) == 0 && IsCurrentListener(tag)) ArmAccept(tag.slot);
}

void UringLoop::Accepted(int fd, Transport transport) {
  ConfigureAcceptedSocket(fd);
  std::unique_ptr<tls::TlsSession> session;
  if (!tls_.SessionForAccepted(fd, transport, &session)) return;
  ConnectionId id = connections_.Acquire();
  if (id.slot > OpTag::kMaxSlot) {  // unreachable below 16M connections
    connections_.Release(id);
    close(fd);
    return;
  }
  Connection& c = *connections_.Find(id);
  c.fd = fd;
  c.tls = std::move(session);
  handler_->OnOpen(id, DescribeAcceptedSocket(fd));
  SyncRecv(id, c);  // unless OnOpen closed or paused it
}

void UringLoop::OnRecvDone(OpTag tag, int res, uint32_t flags) {
  ConnectionId id{tag.slot, tag.generation};
  Connection* c = connections_.Find(id);
  bool has_buffer = (flags & IORING_CQE_F_BUFFER) != 0;
  uint16_t buffer_id = static_cast<uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
  // Invariant: a slot is not released while its recv is armed, so `c` is
  // found; the buffer goes back to the ring either way.
  if (c == nullptr) {
    if (has_buffer) buffers_->Recycle(buffer_id);
    return;
  }
  if ((flags & IORING_CQE_F_MORE) == 0) c->recv_armed = false;
  if (res > 0 && has_buffer) {
    std::string_view data = buffers_->Data(buffer_id, static_cast<size_t>(res));
    if (c->closing == Closing::kNo) {
      // Held input goes first, so bytes keep their order across a pause.
      if (c->paused || !c->held_input.empty()) {
        c->held_input.append(data);
      } else {
        DeliverInput(id, *c, data);  // may close or pause `id`; `c` stays valid
      }
    }
    buffers_->Recycle(buffer_id);
  } else if (res == 0) {
    c->peer_done = true;  // EOF: send what is queued, then close
    StartClose(id, *c, CloseMode::kAfterFlush);
  } else if (res < 0 && res != -ENOBUFS && res != -ECANCELED) {
    RUNNEL_LOG_VERBOSE("Reading from client: %s", strerror(-res));
    c->peer_done = true;
    StartClose(id, *c, CloseMode::kNow);
  }
  if (c->recv_armed) return;
  // The multishot ended (EOF, error, cancel, or -ENOBUFS: every buffer was
  // out; they are back by now): re-arm it or let the close proceed.
  if (c->closing != Closing::kNo) {
    close_list_.Push(id, *c);
  } else {
    SyncRecv(id, *c);
  }
}

void UringLoop::OnSendDone(OpTag tag, int res) {
  ConnectionId id{tag.slot, tag.generation};
  Connection* c = connections_.Find(id);
  if (c == nullptr) return;  // unreachable: the slot waits for its send
  c->send_in_flight = false;
  if (res > 0) {
    // May be short: the rest goes next.
    (c->tls ? c->tls->ciphertext() : c->output).ConsumeSent(static_cast<size_t>(res));
  } else if (res < 0 && res != -EAGAIN && res != -EINTR && res != -ECANCELED) {
    RUNNEL_LOG_VERBOSE("Writing to client: %s", strerror(-res));
    StartClose(id, *c, CloseMode::kNow);
  }
  if (c->closing != Closing::kNo) {
    close_list_.Push(id, *c);
  } else if (HasOutput(*c)) {
    flush_list_.Push(id, *c);
  }
}

void UringLoop::OnCancelDone(OpTag tag) {
  ConnectionId id{tag.slot, tag.generation};
  Connection* c = connections_.Find(id);
  if (c == nullptr) return;
  // 0, -ENOENT (already finished) and -EALREADY (finishing) all end here;
  // whatever is still armed is looked at again below.
  if (tag.op == Op::kCancelRecv) {
    c->recv_cancel_in_flight = false;
  } else {
    c->send_cancel_in_flight = false;
  }
  if (c->closing != Closing::kNo) {
    close_list_.Push(id, *c);
  } else {
    SyncRecv(id, *c);
  }
}

// ---------------------------------------------------------------- SQEs

io_uring_sqe* UringLoop::GetSqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    // SQ full: hand the queued entries to the kernel and take a fresh one.
    int ret = io_uring_submit(&ring_);
    if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
      // The ring itself is broken (or used off its thread): nothing can
      // proceed, and every caller relies on getting an entry.
      RUNNEL_LOG_WARNING("io_uring_submit with a full queue failed: %s", strerror(-ret));
      std::abort();
    }
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void UringLoop::ArmAccept(uint32_t index) {
  const Listener& listener = listeners_[index];
  io_uring_sqe* sqe = GetSqe();
  // Accepted sockets stay blocking: io_uring tries them without waiting and
  // falls back to its internal poll, while O_NONBLOCK could surface -EAGAIN.
  io_uring_prep_multishot_accept(sqe, listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, OpTag{Op::kAccept, index, listener.generation}.Encode());
}

void UringLoop::WatchWakeFd(int fd) {
  assert(wake_fds_.size() < kMaxWakeFds);
  wake_fds_.push_back(fd);
  ArmWake(wake_fds_.size() - 1);
}

void UringLoop::ArmWake(uint32_t index) {
  io_uring_sqe* sqe = GetSqe();
  io_uring_prep_poll_multishot(sqe, wake_fds_[index], POLLIN);
  io_uring_sqe_set_data64(sqe, OpTag{Op::kWake, index, 0}.Encode());
}

void UringLoop::ArmRecv(ConnectionId id, Connection& c) {
  io_uring_sqe* sqe = GetSqe();
  io_uring_prep_recv_multishot(sqe, c.fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = buffers_->group();
  io_uring_sqe_set_data64(sqe, OpTag::Of(Op::kRecv, id));
  c.recv_armed = true;
}

void UringLoop::StartSend(ConnectionId id, Connection& c) {
  OutputBuffer* source = &c.output;
  if (c.tls != nullptr) [[unlikely]] {
    source = SendSource(id, c);
    if (source == nullptr) return;
  }
  int n = source->PrepareSend(c.send_iov, kMaxSendIov);
  if (n == 0) return;
  io_uring_sqe* sqe = GetSqe();
  // One block (the common small reply) needs no msghdr for the kernel to copy.
  if (n == 1) {
    io_uring_prep_send(sqe, c.fd, c.send_iov[0].iov_base, c.send_iov[0].iov_len, MSG_NOSIGNAL);
  } else {
    c.send_msg = msghdr{};
    c.send_msg.msg_iov = c.send_iov;
    c.send_msg.msg_iovlen = static_cast<size_t>(n);
    io_uring_prep_sendmsg(sqe, c.fd, &c.send_msg, MSG_NOSIGNAL);
  }
  io_uring_sqe_set_data64(sqe, OpTag::Of(Op::kSend, id));
  c.send_in_flight = true;
}

void UringLoop::PrepCancel(uint64_t target, uint64_t own) {
  io_uring_sqe* sqe = GetSqe();
  io_uring_prep_cancel64(sqe, target, 0);
  io_uring_sqe_set_data64(sqe, own);
}

void UringLoop::CancelRecv(ConnectionId id, Connection& c) {
  PrepCancel(OpTag::Of(Op::kRecv, id), OpTag::Of(Op::kCancelRecv, id));
  c.recv_cancel_in_flight = true;
}

void UringLoop::CancelSend(ConnectionId id, Connection& c) {
  PrepCancel(OpTag::Of(Op::kSend, id), OpTag::Of(Op::kCancelSend, id));
  c.send_cancel_in_flight = true;
}

void UringLoop::SyncRecv(ConnectionId id, Connection& c) {
  bool wanted = c.closing == Closing::kNo && !c.paused && !c.peer_done;
  // While a cancel is in flight, its completion calls back here.
  if (c.recv_cancel_in_flight) return;
  if (wanted && !c.recv_armed) {
    ArmRecv(id, c);
  } else if (!wanted && c.recv_armed) {
    CancelRecv(id, c);
  }
}

// ---------------------------------------------------------------- closing

void UringLoop::StartClose(ConnectionId id, Connection& c, CloseMode mode) {
  Closing wanted = mode == CloseMode::kNow ? Closing::kNow : Closing::kAfterFlush;
  // kAfterFlush may become kNow; nothing goes back.
  if (!AcceptsOutput(c.closing) || c.closing == wanted) return;
  c.closing = wanted;
  close_list_.Push(id, c);
}

// Called at the end of a turn for each closing connection, and again after
// every completion of one, until nothing is in flight.
void UringLoop::AdvanceClose(ConnectionId id, Connection& c) {
  if (c.closing == Closing::kNo || c.closing == Closing::kFinished) return;
  SyncRecv(id, c);  // cancels the recv: nothing is read once closing starts
  if (c.closing == Closing::kNow) {
    // A send to a client that does not read would never complete by itself.
    if (c.send_in_flight && !c.send_cancel_in_flight) CancelSend(id, c);
  } else if (!c.send_in_flight) {
    // The last reply is followed by close_notify, so the client can tell a
    // clean close from a cut connection.
    if (c.tls && c.output.empty()) c.tls->Shutdown();
    if (HasOutput(c)) StartSend(id, c);
  }
  if (Idle(c) && (c.closing == Closing::kNow || !HasOutput(c))) finish_list_.Push(id, c);
}

void UringLoop::Finish(ConnectionId id, Connection& c) {
  close(c.fd);
  c.closing = Closing::kFinished;  // calls on `id` from OnClose are no-ops
  handler_->OnClose(id);
  // Invariant: nothing in flight refers to the slot, so its state (and the
  // output buffer, which keeps its spare block) can be reset for reuse.
  c.fd = -1;
  c.closing = Closing::kNo;
  c.paused = false;
  c.peer_done = false;
  // Entries still queued under the old id are skipped as stale.
  c.in_flush_list = c.in_close_list = c.in_finish_list = c.in_resume_list = false;
  c.output.Clear();
  c.tls.reset();  // nothing in flight points into its ciphertext any more
  std::string().swap(c.held_input);
  connections_.Release(id);
}

}  // namespace runnel::io
