// A consumer group's pending entries list (PEL): the entries delivered to a
// consumer and not yet acknowledged, with when each was last delivered and
// how many times.
//
//   ConsumerGroup::pel()         StreamId -> {delivery ms, delivery count, owner}
//   Consumer::pending            the IDs one consumer owns
//
// Redis keeps the same two indexes (a group rax of streamNACKs and a rax per
// consumer pointing at them). Here an entry is 16 bytes beside its 16-byte
// ID in a B-tree, and the owner a 32-bit consumer number rather than a
// pointer, so a pending entry costs about 35 bytes in the group's index and
// 17 in its owner's, against Redis's ~79 (issue #5 measures it).
#pragma once

#include <cstdint>

#include "absl/container/btree_map.h"
#include "engine/stream/stream_id.h"

namespace runnel::stream {

// A consumer's number within its group; stable while the consumer exists.
using ConsumerNumber = uint32_t;

struct PendingEntry {
  int64_t delivery_ms = 0;      // last delivery (or XCLAIM's TIME/IDLE), Unix ms
  uint32_t delivery_count = 0;  // saturates at UINT32_MAX (Redis counts in 64 bits)
  ConsumerNumber owner = 0;
};
static_assert(sizeof(PendingEntry) == 16);

using PendingMap = absl::btree_map<StreamId, PendingEntry>;

}  // namespace runnel::stream
