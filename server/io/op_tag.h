// OpTag: what an io_uring completion's user_data (or an epoll event's
// data.u64) refers to, packed into 64 bits:
//
//   63      56 55                    32 31                        0
//   +---------+------------------------+---------------------------+
//   |   op    |   slot (24 bits)       |   generation (32 bits)    |
//   +---------+------------------------+---------------------------+
//
// For connection ops, slot and generation are the ConnectionId's, so a
// completion that arrives after its connection closed and the slot was reused
// carries the old generation and is dropped. For accepts they name the
// listener (its index and its own generation, bumped by StopAccepting).
#pragma once

#include <cstdint>

#include "server/io/event_loop.h"

namespace runnel::io {

enum class Op : uint8_t {
  kAccept = 1,      // multishot accept on a listener (epoll: a listener is readable)
  kRecv = 2,        // multishot recv on a connection (epoll: any event on a connection)
  kSend = 3,        // one send/sendmsg of a connection's output
  kCancelRecv = 4,  // async cancel of a connection's multishot recv
  kCancelSend = 5,  // async cancel of a connection's send (Close(kNow))
  kCancelAccept = 6,
  kWake = 7,  // a watched wake fd became readable (io_uring: multishot poll)
};

struct OpTag {
  // 2^24 slots: far beyond any file-descriptor limit a loop will meet.
  static constexpr uint32_t kMaxSlot = (1u << 24) - 1;

  Op op;
  uint32_t slot;  // <= kMaxSlot
  uint32_t generation;

  uint64_t Encode() const {
    return (uint64_t{static_cast<uint8_t>(op)} << 56) | (uint64_t{slot & kMaxSlot} << 32) |
           generation;
  }
  static OpTag Decode(uint64_t bits) {
    return OpTag{static_cast<Op>(bits >> 56), static_cast<uint32_t>(bits >> 32) & kMaxSlot,
                 static_cast<uint32_t>(bits)};
  }
  // The tag of connection `id`'s operation `op`.
  static uint64_t Of(Op op, ConnectionId id) { return OpTag{op, id.slot, id.generation}.Encode(); }
};

}  // namespace runnel::io
