// WorkList: connections a loop must visit at a fixed point of its turn
// (flush, advance a close, finish a close, hand over held input).
//
// Each id is queued at most once, tracked by a flag member of the connection
// (`queued`). Drain() walks a swapped-out copy, so the visitor and the
// handler callbacks it triggers may queue more work for any connection,
// including the one being visited; that work lands in the next Drain(). A
// stale id (its slot closed and maybe reused since) is skipped. Both vectors
// keep their capacity: no allocation per turn in steady state.
//
// Not thread-safe; Drain() must not be called from inside its own visitor.
#pragma once

#include <vector>

#include "server/io/connection_slots.h"
#include "server/io/event_loop.h"

namespace runnel::io {

template <typename Conn>
class WorkList {
 public:
  explicit WorkList(bool Conn::*queued) : queued_(queued) {}
  WorkList(const WorkList&) = delete;
  WorkList& operator=(const WorkList&) = delete;

  void Push(ConnectionId id, Conn& conn) {
    if (conn.*queued_) return;
    conn.*queued_ = true;
    ids_.push_back(id);
  }

  bool empty() const { return ids_.empty(); }

  // Calls visit(ConnectionId, Conn&) for each live queued connection, in
  // queue order, after clearing its flag.
  template <typename Visit>
  void Drain(ConnectionSlots<Conn>& slots, Visit&& visit) {
    walking_.swap(ids_);
    for (ConnectionId id : walking_) {
      Conn* conn = slots.Find(id);
      if (conn == nullptr) continue;
      conn->*queued_ = false;
      visit(id, *conn);
    }
    walking_.clear();
  }

 private:
  bool Conn::*queued_;
  std::vector<ConnectionId> ids_;
  std::vector<ConnectionId> walking_;
};

}  // namespace runnel::io
