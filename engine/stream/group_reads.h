// What XREADGROUP does to a consumer group, as engine operations: each
// changes the group (durably, through ConsumerGroups) and returns the IDs it
// delivered; none replies. The command layer then reads those entries from
// the unchanged log and replies, as XREAD does.
//
// Redis's streamReplyWithRange (with a group) and
// streamReplyWithRangeFromConsumerPEL (t_stream.c) are the specification;
// each operation here writes at most one SetPending and one SetPosition
// record, however many entries it delivers.
//
// Not thread-safe: the loop thread owns the stream.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/stream/stream.h"
#include "engine/stream/stream_id.h"

namespace runnel::stream {

// Whether entries delivered by '>' become pending (XREADGROUP's NOACK).
enum class PendingMode : uint8_t {
  kTrack,   // each delivered entry is pending for the consumer until XACK
  kNoAck,   // delivered and forgotten: the PEL is left as it was
};

// A delivery count plus one; it saturates (PendingEntry keeps 32 bits where
// Redis keeps 64, and four billion deliveries of one entry is already a
// broken consumer).
inline uint32_t NextDeliveryCount(uint32_t count) { return count == UINT32_MAX ? count : count + 1; }

// The error of a group operation on a group that does not exist: callers
// check first, so reaching it is an internal inconsistency.
inline absl::Status NoSuchGroup() { return absl::InternalError("consumer group change does not apply"); }

// Whether the stream holds an entry with this exact ID (not deleted, not
// trimmed).
absl::StatusOr<bool> EntryExists(Stream& stream, StreamId id);

// XREADGROUP ... '>': delivers to `consumer` (created if absent) up to
// `count` entries (0: no limit) after the group's last-delivered ID. The
// group's last-delivered ID and entries-read move to the last one, counted
// as Redis counts them (Stream::MayHaveTombstonesFrom /
// EstimateEntriesRead); with kTrack each becomes pending for `consumer` with
// delivery count 1 at `now_ms`, taken from another consumer if the group was
// set back (XGROUP SETID) over entries still pending. The consumer is seen
// at `now_ms`, and active only when entries became pending. Returns the
// delivered IDs in order: none when nothing follows the group's position.
// The group must exist (Internal otherwise).
absl::StatusOr<std::vector<StreamId>> DeliverNew(Stream& stream, std::string_view group, std::string_view consumer,
                                                 uint64_t count, PendingMode mode, int64_t now_ms);

// One entry of a consumer's pending history.
struct PendingRead {
  StreamId id;
  bool exists = false;  // false: deleted or trimmed since delivery (Redis replies [id, nil])
};

// XREADGROUP ... <id>: the consumer's own pending entries with IDs above
// `after`, at most `count` (0: no limit), in ID order. Each that still
// exists is delivered again: its delivery time becomes `now_ms` and its
// count grows by one; a deleted one is listed and left alone. The consumer
// is created if absent and seen at `now_ms`; its active time stays (Redis
// counts only reads into the PEL as activity). The group must exist.
absl::StatusOr<std::vector<PendingRead>> RedeliverPending(Stream& stream, std::string_view group,
                                                          std::string_view consumer, StreamId after,
                                                          uint64_t count, int64_t now_ms);

}  // namespace runnel::stream
