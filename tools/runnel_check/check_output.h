// What runnel-check prints: one line per stream, one indented line per
// problem, and a summary (docs/runnel-check.md shows an example):
//
//   key="orders" db=0 segments=3 entries=1000 bytes=262144 status=OK
//   key="events" db=0 segments=1 entries=9 bytes=4096 status=TORN TAIL
//     torn tail in <path> at offset 4000: checksum mismatch; --fix drops 96 bytes
//   checked 2 streams: 1 OK, 1 TORN TAIL, 0 CORRUPT (4 segments, 1009 entries, 260.0 KiB)
//   <what to do about it>
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/log_verifier.h"
#include "engine/log/recovery.h"

namespace runnel::check {

// What --fix did to one stream.
struct FixOutcome {
  enum class Kind : uint8_t {
    kNotAsked,  // no --fix, or nothing to fix
    kRepaired,  // torn tails dropped; the stream was verified again
    kFailed,    // the repair returned an error; the stream is as it was
    kRefused,   // the stream has corruption: left untouched
  };
  Kind kind = Kind::kNotAsked;
  std::vector<log::RecoveryProblem> repaired;  // kRepaired: the torn tails dropped
  std::string error;                           // kFailed
};

// A key as redis-cli quotes one: printable ASCII as is, other bytes escaped.
std::string QuoteKey(std::string_view key);

// The stream's line and its problem lines, each ending in '\n'.
std::string FormatStream(const log::StreamReport& report, const FixOutcome& fix);

// Totals over the streams printed, and the closing lines.
class CheckSummary {
 public:
  void Add(const log::StreamReport& report, const FixOutcome& fix);
  std::string Format() const;
  bool valid() const { return torn_ + corrupt_ == 0; }

 private:
  uint64_t streams_ = 0, ok_ = 0, torn_ = 0, corrupt_ = 0;
  uint64_t segments_ = 0, entries_ = 0, bytes_ = 0;
  uint64_t fixed_streams_ = 0, fixed_tails_ = 0;
};

}  // namespace runnel::check
