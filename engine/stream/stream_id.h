// Stream entry IDs as Redis 7 defines them: "<ms>-<seq>", two unsigned 64-bit
// numbers, ordered by ms then seq. The log stores them as its RecordId, so
// StreamId is the same type and passes through without conversion.
//
// Parsing follows t_stream.c's streamGenericParseIDOrReply, which the stream
// commands use in four flavours (see IdSyntax); generation follows
// streamIncrID / streamAppendItem's rules for "*" and "<ms>-*".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/log/record_format.h"

namespace runnel::stream {

using StreamId = log::RecordId;

inline constexpr StreamId kMinId{0, 0};
inline constexpr StreamId kMaxId{UINT64_MAX, UINT64_MAX};

// "1526919030474-55".
std::string FormatId(StreamId id);
// Appends the formatted ID to `out` without allocating beyond it.
void AppendId(std::string* out, StreamId id);

// What a parsed ID argument asks for.
struct ParsedId {
  StreamId id;
  bool seq_given = true;  // false for "<ms>" alone (incomplete ID)
  bool auto_seq = false;  // "<ms>-*": XADD picks the sequence
  bool auto_all = false;  // "*": XADD picks both
  bool exclusive = false; // "(" prefix in XRANGE/XREVRANGE
};

enum class IdSyntax : uint8_t {
  // A complete or incomplete ID; "-" and "+" as the smallest and largest.
  // A missing sequence takes `missing_seq` (0 for a start, max for an end).
  kRangeBound,
  // As kRangeBound, also accepting a leading "(" for an exclusive bound.
  kExclusiveRangeBound,
  // XADD's ID: "*", "<ms>-*", or a complete or incomplete ID (seq 0).
  kAdd,
  // A plain ID (XDEL, XACK, XCLAIM, XSETID): no "-", "+" or "*";
  // an incomplete ID has sequence 0.
  kStrict,
};

// InvalidArgument with Redis's text ("Invalid stream ID specified as stream
// command argument"; the command layer adds the "ERR " prefix, as for every
// engine error) on any other input.
absl::StatusOr<ParsedId> ParseId(std::string_view text, IdSyntax syntax, uint64_t missing_seq = 0);

// The smallest ID above `id`; nullopt for the largest possible ID.
std::optional<StreamId> Successor(StreamId id);
// The largest ID below `id`; nullopt for 0-0.
std::optional<StreamId> Predecessor(StreamId id);

// The ID XADD gives a new entry. `last` is the stream's last ID, `now_ms`
// the clock. Redis's rules: "*" is max(now, last.ms) with the next sequence
// (so a clock that goes back never produces a smaller ID); "<ms>-*" takes
// sequence 0, or last.seq + 1 when ms equals last.ms; an explicit ID must
// exceed `last` and 0-0. Errors carry Redis's texts.
absl::StatusOr<StreamId> NextId(const ParsedId& requested, StreamId last, uint64_t now_ms);

}  // namespace runnel::stream
