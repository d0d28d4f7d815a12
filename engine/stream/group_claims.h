// XCLAIM and XAUTOCLAIM as engine operations: each moves pending entries of
// a consumer group to a consumer, drops from the PEL those whose entries are
// gone, and returns what it claimed; the command layer replies.
//
// Redis 7.2's xclaimCommand / xautoclaimCommand (t_stream.c) are the
// specification. Each call writes at most one Acknowledge record (the
// deleted entries) and one SetPending record (every claimed entry, or a
// bare touch of the consumer, which Redis creates even when it claims
// nothing).
//
// Not thread-safe: the loop thread owns the stream.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/stream/stream.h"
#include "engine/stream/stream_id.h"

namespace runnel::stream {

// Whether a claim counts as a delivery (JUSTID does not).
enum class ClaimCount : uint8_t { kIncrement, kKeep };

struct ClaimOptions {
  // Entries delivered less than this long ago stay where they are (0: any).
  int64_t min_idle_ms = 0;
  // The delivery time claimed entries get (IDLE / TIME, already checked
  // against the clock); nullopt: now.
  std::optional<int64_t> delivery_ms;
  // RETRYCOUNT: the delivery count claimed entries get, instead of the
  // increment.
  std::optional<uint32_t> retry_count;
  ClaimCount count_mode = ClaimCount::kIncrement;
  // FORCE: an ID not in the PEL whose entry exists is claimed all the same
  // (a new pending entry, delivery count 1 before the increment).
  bool force = false;
  // LASTID: the group's last-delivered ID is raised to this if below it
  // (entries-read unchanged).
  std::optional<StreamId> last_id;
};

// XCLAIM: for each of `ids` in order (an ID named twice is claimed twice),
// an entry that no longer exists is removed from the PEL; an existing,
// pending entry idle for at least min_idle_ms (or any existing one with
// FORCE) becomes `consumer`'s with the new delivery time and count.
// Returns the claimed IDs in argument order. The group must exist.
absl::StatusOr<std::vector<StreamId>> Claim(Stream& stream, std::string_view group, std::string_view consumer,
                                            std::span<const StreamId> ids, const ClaimOptions& options,
                                            int64_t now_ms);

struct AutoClaimResult {
  StreamId next_start;                // where the next call resumes; 0-0 when the PEL was scanned to its end
  std::vector<StreamId> claimed;      // in ID order
  std::vector<StreamId> deleted;      // PEL entries whose stream entries were gone, now removed
};

// XAUTOCLAIM: scans the group's PEL from `start`, visiting at most
// 10 * `count` entries (Redis's attempts), and claims for `consumer` those
// idle for at least `min_idle_ms` (delivery time now; the count grows
// unless kKeep), until `count` entries were claimed or found deleted.
// `count` must be positive. The group must exist.
absl::StatusOr<AutoClaimResult> AutoClaim(Stream& stream, std::string_view group, std::string_view consumer,
                                          StreamId start, uint64_t count, int64_t min_idle_ms,
                                          ClaimCount count_mode, int64_t now_ms);

}  // namespace runnel::stream
