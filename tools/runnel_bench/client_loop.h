// ClientLoop: one thread's event loop (epoll) over many benchmark
// connections. It paces scheduled requests (SendSchedule), keeps the
// requests in flight of each connection in order so each reply is matched to
// its request and intended send time, parses replies (ReplyParser) and hands
// them to the connection's role, and sends each connection's pending output
// with one write per turn.
//
// Allocation-free once warm: output and input buffers and the in-flight
// rings grow to their working size and are reused.
//
// A turn: send what is due on every connection -> wait (until the next
// due send, at most 50 ms) -> read and handle replies, sending what they
// trigger at once -> publish stats a few times a second.
//
// Owned and run by one thread; the RunShared and ThreadStats outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tools/runnel_bench/connection_role.h"
#include "tools/runnel_bench/reply_parser.h"
#include "tools/runnel_bench/run_stats.h"
#include "tools/runnel_bench/send_schedule.h"

namespace runnel::bench {

class ClientLoop {
 public:
  // `pipeline`: requests a scheduled connection may have in flight.
  ClientLoop(RunShared* shared, ThreadStats* stats, int pipeline);
  ~ClientLoop();
  ClientLoop(const ClientLoop&) = delete;
  ClientLoop& operator=(const ClientLoop&) = delete;

  // A connected, non-blocking socket (the loop closes it) and its role.
  // `quota`: measured requests a scheduled connection sends at most.
  void Add(int fd, std::unique_ptr<ConnectionRole> role, SendSchedule schedule, uint64_t quota);
  // Runs until every connection is finished, or the run failed.
  void Run();

 private:
  struct Connection;

  void Pump(Connection& connection, int64_t now);
  void SendDue(Connection& connection, int64_t now);
  void Flush(Connection& connection);
  void Receive(Connection& connection, int64_t now);
  void HandleReply(Connection& connection, const Reply& reply, int64_t now);
  // Marks the connection finished when its role says so, or when it has
  // drained too long.
  void CheckFinished(Connection& connection, int64_t now);
  bool Stopping(const Connection& connection, int64_t now) const;
  int64_t NextWake(int64_t now) const;
  void WatchWrites(Connection& connection, bool on);

  RunShared* shared_;
  ThreadStats* stats_;
  int pipeline_;
  int epoll_fd_;
  std::vector<std::unique_ptr<Connection>> connections_;
  size_t finished_ = 0;
  ReplyParser parser_;
};

}  // namespace runnel::bench
