// ConnectionSlots: the table of a loop's live connections, indexed by slot.
//
// Both loops keep their per-connection state here. A slot is reused after its
// connection closes; its generation is bumped on release, so an old
// ConnectionId (held by the server, or encoded in a late completion) no longer
// finds anything:
//
//   slot:        0          1          2
//   generation:  7 (live)   3 (free)   1 (live)     free list: [1]
//
// Entries live in a std::deque and are never moved or destroyed while the
// table lives: the server keeps `&Output(id)` and in-flight sends point into
// the entry (its iovec array), so addresses must be stable. Slots are dense
// from 0, which lets the server index its own per-connection vector by slot.
//
// Not thread-safe; owned by one loop.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "server/io/event_loop.h"

namespace runnel::io {

template <typename Conn>
class ConnectionSlots {
 public:
  ConnectionSlots() = default;
  ConnectionSlots(const ConnectionSlots&) = delete;
  ConnectionSlots& operator=(const ConnectionSlots&) = delete;

  // Takes a free slot (the most recently released one, still warm in cache)
  // or appends one. The caller resets the Conn's fields it cares about.
  ConnectionId Acquire() {
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    slots_[slot].live = true;
    ++live_count_;
    return ConnectionId{slot, slots_[slot].generation};
  }

  // The live connection `id` names, or nullptr when `id` is stale or unknown.
  Conn* Find(ConnectionId id) {
    if (id.slot >= slots_.size()) return nullptr;
    Slot& s = slots_[id.slot];
    return s.live && s.generation == id.generation ? &s.conn : nullptr;
  }

  // Frees the slot of a live `id`; `id` and every copy of it become stale.
  void Release(ConnectionId id) {
    Slot& s = slots_[id.slot];
    s.live = false;
    // Generation 0 is never live, so a default ConnectionId{} finds nothing.
    if (++s.generation == 0) s.generation = 1;
    free_.push_back(id.slot);
    --live_count_;
  }

  // Calls f(ConnectionId, Conn&) for every live connection. `f` must not
  // acquire or release slots.
  template <typename F>
  void ForEachLive(F&& f) {
    for (uint32_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].live) f(ConnectionId{i, slots_[i].generation}, slots_[i].conn);
    }
  }

  size_t live_count() const { return live_count_; }

 private:
  struct Slot {
    uint32_t generation = 1;
    bool live = false;
    Conn conn;
  };

  std::deque<Slot> slots_;
  std::vector<uint32_t> free_;
  size_t live_count_ = 0;
};

}  // namespace runnel::io
