#include "server/io/epoll_loop.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <climits>
#include <cstring>

#include "engine/base/logging.h"
#include "engine/base/strings.h"
#include "server/io/listener.h"

namespace runnel::io {
namespace {

// epoll_wait takes milliseconds; round up so a short sleep is not a busy spin.
int TimeoutMillis(absl::Duration timeout) {
  if (timeout == absl::InfiniteDuration()) return -1;
  if (timeout <= absl::ZeroDuration()) return 0;
  int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(timeout, absl::Milliseconds(1)));
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

}  // namespace

absl::StatusOr<std::unique_ptr<EpollLoop>> EpollLoop::Create(const LoopOptions& options,
                                                             LoopHandler* handler) {
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return absl::InternalError(base::StrCat("epoll_create1: ", strerror(errno)));
  return std::unique_ptr<EpollLoop>(new EpollLoop(handler, epoll_fd));
}

EpollLoop::EpollLoop(LoopHandler* handler, int epoll_fd) : handler_(handler), epoll_fd_(epoll_fd) {}

EpollLoop::~EpollLoop() {
  connections_.ForEachLive([](ConnectionId, Connection& c) {
    if (c.fd >= 0) close(c.fd);
  });
  for (Listener& listener : listeners_) {
    if (listener.fd >= 0) close(listener.fd);
  }
  close(epoll_fd_);
}

// ---------------------------------------------------------------- interface

absl::Status EpollLoop::ListenOn(std::string_view host, int port, Transport transport) {
  auto socket = OpenListenSocket(host, port);
  if (!socket.ok()) return socket.status();
  if (!socket->has_value()) return absl::OkStatus();
  uint32_t index = static_cast<uint32_t>(listeners_.size());
  Listener listener{(*socket)->fd, 1, transport};
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = OpTag{Op::kAccept, index, listener.generation}.Encode();
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listener.fd, &event) != 0) {
    int err = errno;
    close(listener.fd);
    return absl::InternalError(base::StrCat("epoll_ctl(listener): ", strerror(err)));
  }
  listeners_.push_back(listener);
  if (transport == Transport::kPlain) bound_port_ = (*socket)->port;
  return absl::OkStatus();
}

void EpollLoop::WatchWakeFd(int fd) {
  assert(wake_fds_.size() < kMaxWakeFds);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = OpTag{Op::kWake, static_cast<uint32_t>(wake_fds_.size()), 0}.Encode();
  wake_fds_.push_back(fd);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    RUNNEL_LOG_WARNING("epoll_ctl(wake fd): %s", strerror(errno));
  }
}

void EpollLoop::StopAccepting() {
  for (Listener& listener : listeners_) {
    if (listener.fd < 0) continue;
    close(listener.fd);  // also leaves the epoll set
    listener.fd = -1;
    ++listener.generation;
  }
}

OutputBuffer& EpollLoop::Output(ConnectionId id) {
  Connection* c = connections_.Find(id);
  return c != nullptr ? c->output : discard_;
}

void EpollLoop::Flush(ConnectionId id) {
  Connection* c = connections_.Find(id);
  if (c == nullptr || !AcceptsOutput(c->closing)) return;
  flush_list_.Push(id, *c);
}

void EpollLoop::Close(ConnectionId id, CloseMode mode) {
  Connection* c = connections_.Find(id);
  if (c != nullptr) StartClose(id, *c, mode);
}

void EpollLoop::PauseReading(ConnectionId id, bool paused) {
  Connection* c = connections_.Find(id);
  if (c == nullptr || c->closing != Closing::kNo || c->paused == paused) return;
  c->paused = paused;
  // A TLS session may hold decrypted bytes it stopped delivering at the pause.
  if (!paused && c->tls && c->tls->HasBufferedInput()) resume_list_.Push(id, *c);
  SyncInterest(id, *c);
}

// ---------------------------------------------------------------- the turn

absl::Status EpollLoop::Run() {
  stop_requested_ = false;
  while (true) {
    DeliverBufferedTls();
    ProcessEvents();
    FinishCloses();
    absl::Duration timeout = handler_->BeforeSleep();
    discard_.Clear();
    SendFlushed();
    AdvanceCloses();
    if (stop_requested_) return absl::OkStatus();
    // Work queued for the next turn must not wait for the timeout.
    if (!finish_list_.empty() || !flush_list_.empty() || !resume_list_.empty()) {
      timeout = absl::ZeroDuration();
    }
    Wait(timeout);
  }
}

void EpollLoop::DeliverBufferedTls() {
  resume_list_.Drain(connections_, [this](ConnectionId id, Connection& c) {
    if (!Reading(c) || c.tls == nullptr) return;
    DeliverTlsInput(id, c, {});
  });
}

void EpollLoop::ProcessEvents() {
  // Listeners first: a client whose connect completed before another
  // client's bytes arrived is opened before those bytes are handed over
  // (CLIENT KILL or CLIENT LIST sent right after other clients connect).
  for (int i = 0; i < ready_events_; ++i) {
    OpTag tag = OpTag::Decode(events_[i].data.u64);
    if (tag.op == Op::kAccept && tag.slot < listeners_.size() &&
        listeners_[tag.slot].generation == tag.generation) {
      AcceptFrom(tag.slot);
    }
  }
  for (int i = 0; i < ready_events_; ++i) {
    OpTag tag = OpTag::Decode(events_[i].data.u64);
    switch (tag.op) {
      case Op::kAccept:
        break;  // done above
      case Op::kRecv:
        OnConnectionEvent(ConnectionId{tag.slot, tag.generation}, events_[i].events);
        break;
      case Op::kWake:
        // Level-triggered: the handler drains the fd in this turn.
        if (tag.slot < wake_fds_.size()) handler_->OnWake(wake_fds_[tag.slot]);
        break;
      case Op::kSend:
      case Op::kCancelRecv:
      case Op::kCancelSend:
      case Op::kCancelAccept:
        break;  // io_uring only
    }
  }
  ready_events_ = 0;
}

void EpollLoop::FinishCloses() {
  finish_list_.Drain(connections_, [this](ConnectionId id, Connection& c) {
    // A callback may have queued output (kAfterFlush) since it was queued.
    if (c.closing == Closing::kAfterFlush && HasOutput(c)) {
      close_list_.Push(id, c);
      return;
    }
    Finish(id, c);
  });
}

void EpollLoop::SendFlushed() {
  flush_list_.Drain(connections_, [this](ConnectionId id, Connection& c) {
    // A blocked connection is written again when EPOLLOUT reports room.
    if (c.write_blocked || !AcceptsOutput(c.closing)) return;
    WriteTo(id, c);
  });
}

void EpollLoop::AdvanceCloses() {
  close_list_.Drain(connections_, [this](ConnectionId id, Connection& c) { AdvanceClose(id, c); });
}

void EpollLoop::Wait(absl::Duration timeout) {
  int n = epoll_wait(epoll_fd_, events_, kMaxEvents, TimeoutMillis(timeout));
  ready_events_ = n > 0 ? n : 0;  // n < 0 is EINTR: a turn with no events
}

// ---------------------------------------------------------------- events

void EpollLoop::AcceptFrom(uint32_t listener_index) {
  for (int i = 0; i < kMaxAcceptsPerTurn; ++i) {
    // Looked up each time: OnOpen may call StopAccepting() or Listen().
    int listen_fd = listeners_[listener_index].fd;
    if (listen_fd < 0) return;
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Accepted(fd, listeners_[listener_index].transport);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      RUNNEL_LOG_WARNING("Accepting client connection: %s", strerror(errno));
    }
    return;
  }
}

void EpollLoop::Accepted(int fd, Transport transport) {
  ConfigureAcceptedSocket(fd);
  std::unique_ptr<tls::TlsSession> session;
  if (!tls_.SessionForAccepted(fd, transport, &session)) return;
  ConnectionId id = connections_.Acquire();
  Connection& c = *connections_.Find(id);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = OpTag::Of(Op::kRecv, id);
  if (id.slot > OpTag::kMaxSlot || epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    RUNNEL_LOG_WARNING("Registering client connection: %s", strerror(errno));
    connections_.Release(id);
    close(fd);
    return;
  }
  c.fd = fd;
  c.interest = EPOLLIN;
  c.tls = std::move(session);
  handler_->OnOpen(id, DescribeAcceptedSocket(fd));
  SyncInterest(id, c);  // OnOpen may have paused or closed it
}

void EpollLoop::OnConnectionEvent(ConnectionId id, uint32_t events) {
  Connection* c = connections_.Find(id);
  if (c == nullptr || c->closing == Closing::kFinished) return;
  if ((events & EPOLLOUT) != 0 && c->write_blocked) {
    c->write_blocked = false;
    flush_list_.Push(id, *c);
  }
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) == 0) return;
  if (Reading(*c)) {
    ReadFrom(id, *c);  // a read reports the error or EOF
  } else if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
    // Not reading, yet the socket is dead; level-triggered epoll would
    // report it every turn until the fd is closed.
    c->peer_done = true;
    StartClose(id, *c, CloseMode::kNow);
  }
}

void EpollLoop::ReadFrom(ConnectionId id, Connection& c) {
  size_t total = 0;
  while (total < kMaxReadPerTurn) {
    ssize_t n = read(c.fd, read_buffer_, kReadBufferSize);
    if (n > 0) {
      total += static_cast<size_t>(n);
      DeliverInput(id, c, std::string_view(read_buffer_, static_cast<size_t>(n)));
      if (!Reading(c)) break;  // the handler closed or paused it
      // A short read almost always drained the socket; epoll reports any rest.
      if (static_cast<size_t>(n) < kReadBufferSize) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) RUNNEL_LOG_VERBOSE("Reading from client: %s", strerror(errno));
    c.peer_done = true;
    StartClose(id, c, n == 0 ? CloseMode::kAfterFlush : CloseMode::kNow);
    break;
  }
  SyncInterest(id, c);
}

void EpollLoop::WriteTo(ConnectionId id, Connection& c) {
  while (HasOutput(c)) {
    OutputBuffer* source = &c.output;
    if (c.tls != nullptr) [[unlikely]] {
      absl::Status encrypted = c.tls->Encrypt(c.output);
      if (!encrypted.ok()) {
        tls_.ReportFailure(c.fd, c.tls.get(), encrypted);
        StartClose(id, c, CloseMode::kNow);
        return;
      }
      source = &c.tls->ciphertext();
    }
    int n = source->PrepareSend(send_iov_, kMaxSendIov);
    if (n == 0) break;
    size_t wanted = 0;
    for (int i = 0; i < n; ++i) wanted += send_iov_[i].iov_len;
    ssize_t sent;
    if (n == 1) {
      sent = send(c.fd, send_iov_[0].iov_base, send_iov_[0].iov_len, MSG_NOSIGNAL);
    } else {
      msghdr msg{};
      msg.msg_iov = send_iov_;
      msg.msg_iovlen = static_cast<size_t>(n);
      sent = sendmsg(c.fd, &msg, MSG_NOSIGNAL);
    }
    if (sent > 0) {
      source->ConsumeSent(static_cast<size_t>(sent));
      // A short write means the socket buffer is full: wait for EPOLLOUT
      // rather than spend a syscall on the EAGAIN.
      if (static_cast<size_t>(sent) < wanted) c.write_blocked = true;
      if (c.write_blocked) break;
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      c.write_blocked = true;
      break;
    }
    RUNNEL_LOG_VERBOSE("Writing to client: %s", strerror(errno));
    StartClose(id, c, CloseMode::kNow);
    return;
  }
  if (c.closing == Closing::kAfterFlush && !HasOutput(c)) close_list_.Push(id, c);
  SyncInterest(id, c);
}

void EpollLoop::SyncInterest(ConnectionId id, Connection& c) {
  // A connection closing now loses its fd within a turn; no point telling epoll.
  if (!AcceptsOutput(c.closing)) return;
  uint32_t wanted =
      (Reading(c) ? uint32_t{EPOLLIN} : 0u) | (c.write_blocked ? uint32_t{EPOLLOUT} : 0u);
  if (wanted == c.interest) return;
  epoll_event event{};
  event.events = wanted;
  event.data.u64 = OpTag::Of(Op::kRecv, id);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &event) != 0) {
    RUNNEL_LOG_WARNING("epoll_ctl(client): %s", strerror(errno));
    StartClose(id, c, CloseMode::kNow);
    return;
  }
  c.interest = wanted;
}

// ---------------------------------------------------------------- closing

void EpollLoop::StartClose(ConnectionId id, Connection& c, CloseMode mode) {
  Closing wanted = mode == CloseMode::kNow ? Closing::kNow : Closing::kAfterFlush;
  // kAfterFlush may become kNow; nothing goes back.
  if (!AcceptsOutput(c.closing) || c.closing == wanted) return;
  c.closing = wanted;
  close_list_.Push(id, c);
}

// Called at the end of a turn for each closing connection; a kAfterFlush one
// comes back here from WriteTo() once its output is written.
void EpollLoop::AdvanceClose(ConnectionId id, Connection& c) {
  if (c.closing == Closing::kNo || c.closing == Closing::kFinished) return;
  // The last reply is followed by close_notify, so the client can tell a
  // clean close from a cut connection.
  if (c.closing == Closing::kAfterFlush && c.tls && c.output.empty()) c.tls->Shutdown();
  if (c.closing == Closing::kAfterFlush && HasOutput(c)) {
    SyncInterest(id, c);  // stop reading while the output drains
    if (!c.write_blocked) WriteTo(id, c);
    if (c.closing == Closing::kAfterFlush && HasOutput(c)) return;
  }
  finish_list_.Push(id, c);
}

void EpollLoop::Finish(ConnectionId id, Connection& c) {
  close(c.fd);                     // also leaves the epoll set
  c.closing = Closing::kFinished;  // calls on `id` from OnClose are no-ops
  handler_->OnClose(id);
  // Entries still queued under the old id are skipped as stale.
  c.fd = -1;
  c.closing = Closing::kNo;
  c.paused = c.peer_done = c.write_blocked = false;
  c.interest = 0;
  c.in_flush_list = c.in_close_list = c.in_finish_list = c.in_resume_list = false;
  c.output.Clear();
  c.tls.reset();
  connections_.Release(id);
}

}  // namespace runnel::io
