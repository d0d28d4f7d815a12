#include "tools/runnel_bench/client_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>

#include "absl/strings/str_format.h"
#include "tools/runnel_bench/fifo_ring.h"

namespace runnel::bench {
namespace {

constexpr int64_t kMaxWaitNs = 50'000'000;      // checks the clock at least this often
constexpr int64_t kPublishEveryNs = 200'000'000;  // progress-line copies of the histograms
constexpr size_t kInitialInput = 64 * 1024;

}  // namespace

struct ClientLoop::Connection {
  int fd = -1;
  uint32_t index = 0;
  std::unique_ptr<ConnectionRole> role;
  SendSchedule schedule = SendSchedule::ClosedLoop();
  uint64_t quota = 0;
  bool scheduled = false;
  bool sending_done = false;  // scheduled: no more requests will be sent
  bool finished = false;
  bool watching_writes = false;
  int64_t stopping_since_ns = 0;  // 0 until the connection started winding down
  std::string out;
  size_t out_sent = 0;
  std::string in = std::string(kInitialInput, '\0');
  size_t in_begin = 0;
  size_t in_end = 0;
  FifoRing<InFlight> in_flight;  // oldest first
};

ClientLoop::ClientLoop(RunShared* shared, ThreadStats* stats, int pipeline)
    : shared_(shared), stats_(stats), pipeline_(pipeline), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {}

ClientLoop::~ClientLoop() {
  for (const auto& connection : connections_) close(connection->fd);
  close(epoll_fd_);
}

void ClientLoop::Add(int fd, std::unique_ptr<ConnectionRole> role, SendSchedule schedule, uint64_t quota) {
  auto connection = std::make_unique<Connection>();
  connection->fd = fd;
  connection->index = static_cast<uint32_t>(connections_.size());
  connection->scheduled = role->pacing() == ConnectionRole::Pacing::kScheduled;
  connection->role = std::move(role);
  connection->schedule = schedule;
  connection->quota = quota;
  epoll_event event{.events = EPOLLIN, .data = {.u32 = connection->index}};
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
  connections_.push_back(std::move(connection));
}

void ClientLoop::Run() {
  // Every loop starts at the same moment, the start of the window.
  std::this_thread::sleep_for(std::chrono::nanoseconds(std::max<int64_t>(shared_->window().start_ns - NowNs(), 0)));
  int64_t now = NowNs();
  for (const auto& connection : connections_) {
    if (connection->scheduled) continue;
    RoleContext context(&connection->out, stats_, &shared_->window(), now, false, 0);
    connection->role->Start(context);
    for (size_t i = 0; i < context.pending_count(); ++i) connection->in_flight.Push({now, context.pending_tag(i)});
  }
  epoll_event events[64];
  int64_t last_publish = now;
  while (finished_ < connections_.size() && !shared_->failed()) {
    now = NowNs();
    for (const auto& connection : connections_) {
      if (!connection->finished) Pump(*connection, now);
    }
    const int64_t wait = std::clamp<int64_t>(NextWake(now) - now, 0, kMaxWaitNs);
    const timespec timeout{.tv_sec = wait / 1'000'000'000, .tv_nsec = wait % 1'000'000'000};
    const int ready = epoll_pwait2(epoll_fd_, events, 64, &timeout, nullptr);
    now = NowNs();
    for (int i = 0; i < ready; ++i) {
      Connection& connection = *connections_[events[i].data.u32];
      if (connection.finished) continue;
      if (events[i].events & EPOLLOUT) Flush(connection);
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) Receive(connection, now);
    }
    if (now - last_publish >= kPublishEveryNs) {
      stats_->Publish();
      last_publish = now;
    }
  }
  stats_->Publish();
}

bool ClientLoop::Stopping(const Connection& connection, int64_t now) const {
  if (shared_->stopped() || now >= shared_->window().end_ns) return true;
  if (connection.scheduled) return connection.sending_done;
  // Consumers and subscribers of a run with producers wind down after them.
  return shared_->producers_started() > 0 && shared_->producers_active().load(std::memory_order_relaxed) == 0;
}

void ClientLoop::Pump(Connection& connection, int64_t now) {
  if (connection.scheduled && !connection.sending_done) SendDue(connection, now);
  Flush(connection);
  CheckFinished(connection, now);
}

void ClientLoop::SendDue(Connection& connection, int64_t now) {
  if (shared_->stopped() || now >= shared_->window().end_ns) connection.sending_done = true;
  while (!connection.sending_done && connection.in_flight.size() < static_cast<size_t>(pipeline_) &&
         connection.schedule.Due(now)) {
    const bool measured = connection.schedule.open_loop() ? connection.schedule.next_ns() >= shared_->window().measure_start_ns
                                                          : now >= shared_->window().measure_start_ns;
    if (measured && connection.quota == 0) {
      connection.sending_done = true;
      break;
    }
    if (measured) --connection.quota;
    const int64_t intended = connection.schedule.Take(now);
    connection.role->AppendRequest(&connection.out, intended);
    connection.in_flight.Push({intended, 0});
    stats_->produced_total.Add(1);
  }
}

void ClientLoop::CheckFinished(Connection& connection, int64_t now) {
  if (connection.finished) return;
  const bool done = connection.role->Done() && connection.in_flight.empty();
  if (!done) {
    if (!Stopping(connection, now)) return;
    if (connection.stopping_since_ns == 0) connection.stopping_since_ns = now;
    const bool drained_too_long = now - connection.stopping_since_ns > shared_->window().drain_ns;
    if (!drained_too_long && !connection.role->Finished(now, connection.in_flight.size())) return;
  }
  connection.finished = true;
  ++finished_;
  if (connection.scheduled) shared_->producers_active().fetch_sub(1, std::memory_order_relaxed);
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection.fd, nullptr);
}

int64_t ClientLoop::NextWake(int64_t now) const {
  int64_t wake = now + kMaxWaitNs;
  for (const auto& connection : connections_) {
    if (connection->finished) continue;
    if (connection->stopping_since_ns != 0) wake = std::min(wake, now + 1'000'000);  // re-check soon
    if (!connection->scheduled || connection->sending_done) continue;
    if (connection->in_flight.size() >= static_cast<size_t>(pipeline_)) continue;  // a reply wakes it
    wake = std::min(wake, connection->schedule.open_loop() ? connection->schedule.next_ns() : now);
  }
  return wake;
}

void ClientLoop::WatchWrites(Connection& connection, bool on) {
  if (connection.watching_writes == on) return;
  connection.watching_writes = on;
  epoll_event event{.events = EPOLLIN | (on ? EPOLLOUT : 0u), .data = {.u32 = connection.index}};
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection.fd, &event);
}

void ClientLoop::Flush(Connection& connection) {
  while (connection.out_sent < connection.out.size()) {
    const ssize_t n = write(connection.fd, connection.out.data() + connection.out_sent,
                            connection.out.size() - connection.out_sent);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      WatchWrites(connection, true);
      return;
    }
    if (n < 0) {
      shared_->Fail(absl::StrFormat("write to the server: %s", std::strerror(errno)));
      return;
    }
    connection.out_sent += static_cast<size_t>(n);
  }
  connection.out.clear();  // keeps its capacity
  connection.out_sent = 0;
  WatchWrites(connection, false);
}

void ClientLoop::Receive(Connection& connection, int64_t now) {
  if (connection.in_end == connection.in.size()) {  // full: compact, or grow for a big reply
    if (connection.in_begin > 0) {
      std::memmove(connection.in.data(), connection.in.data() + connection.in_begin,
                   connection.in_end - connection.in_begin);
      connection.in_end -= connection.in_begin;
      connection.in_begin = 0;
    } else {
      connection.in.resize(connection.in.size() * 2);
    }
  }
  const ssize_t n = read(connection.fd, connection.in.data() + connection.in_end, connection.in.size() - connection.in_end);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {
    shared_->Fail(n == 0 ? std::string("the server closed a connection")
                         : absl::StrFormat("read from the server: %s", std::strerror(errno)));
    return;
  }
  connection.in_end += static_cast<size_t>(n);
  while (connection.in_begin < connection.in_end) {
    const std::string_view pending(connection.in.data() + connection.in_begin, connection.in_end - connection.in_begin);
    const ReplyParser::Result result = parser_.Parse(pending);
    if (result == ReplyParser::Result::kNeedMore) break;
    if (result == ReplyParser::Result::kError) {
      shared_->Fail(parser_.error());
      return;
    }
    HandleReply(connection, parser_.reply(), now);
    connection.in_begin += parser_.consumed();
  }
  if (connection.in_begin == connection.in_end) connection.in_begin = connection.in_end = 0;
  Pump(connection, now);  // what the replies made due goes out in this turn
}

void ClientLoop::HandleReply(Connection& connection, const Reply& reply, int64_t now) {
  const bool push = connection.role->IsPush(reply);
  if (!push && connection.in_flight.empty()) {
    shared_->Fail("the server sent a reply to no request");
    return;
  }
  if (reply.is_error()) {
    const uint8_t tag = connection.in_flight.empty() ? 0 : connection.in_flight.front().tag;
    shared_->Fail(absl::StrFormat("the server refused %s: %s", connection.role->CommandName(tag), reply.root().text));
    return;
  }
  InFlight answered{};
  if (!push) answered = connection.in_flight.Pop();
  RoleContext context(&connection.out, stats_, &shared_->window(), now, Stopping(connection, now),
                      connection.in_flight.size());
  connection.role->OnReply(reply, push ? nullptr : &answered, context);
  for (size_t i = 0; i < context.pending_count(); ++i) connection.in_flight.Push({now, context.pending_tag(i)});
}

}  // namespace runnel::bench
