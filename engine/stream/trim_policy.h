// TrimSpec: XADD's and XTRIM's trimming options, and how many entries they
// remove.
//
// Exact trims (MAXLEN n, MINID id, or with "=") remove exactly the entries
// that exceed the threshold. Approximate trims ("~") follow Redis's
// observable behaviour: Redis removes whole radix-tree nodes of
// stream-node-max-entries (100) entries, all full but the newest, so "~"
// removes entries in blocks of 100 (or everything, when everything is asked
// for), never more than asked and never more than LIMIT (default 100 nodes,
// 10,000 entries; LIMIT 0 means no limit). The log then drops every segment
// the new start has passed.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "engine/log/log.h"
#include "engine/stream/stream_id.h"

namespace runnel::stream {

// Redis's stream-node-max-entries default: the block size of "~" trims.
inline constexpr uint64_t kNodeEntries = 100;

struct TrimSpec {
  enum class Strategy : uint8_t { kNone, kMaxLen, kMinId };
  Strategy strategy = Strategy::kNone;
  bool approximate = false;
  uint64_t max_length = 0;  // kMaxLen
  StreamId min_id;          // kMinId
  // Approximate trims only; Redis's default is 100 nodes.
  uint64_t limit = 100 * kNodeEntries;
};

// How many of the oldest live entries `spec` removes from `log`.
absl::StatusOr<uint64_t> EntriesToTrim(const TrimSpec& spec, log::Log& log);

}  // namespace runnel::stream
