// RecoveryReport: what opening a data directory found and what it did about
// it, for the server's log and for runnel-check.
//
// Two kinds of damage, told apart as LevelDB's log reader does:
//   - a torn tail: the last segment of a stream (or its meta journal) ends in
//     a record that is not valid. Appends are sequential, so this is a write
//     cut short by a crash; everything from that record on was never
//     acknowledged as durable and is dropped (zeroed) so it cannot reappear.
//     So is a roll or journal creation cut short: a segment file with neither
//     a valid header nor records is removed, an all-zero meta journal emptied.
//     A tail segment shorter than its capacity is grown back first.
//   - corruption: an invalid record in a sealed segment, a bad segment header,
//     or records out of order. Nothing is dropped silently: the problem is
//     reported with its file and offset, and reads that reach it fail with
//     DataLoss.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace runnel::log {

struct RecoveryProblem {
  enum class Kind : uint8_t { kTornTail, kCorruption };
  Kind kind = Kind::kTornTail;
  std::string path;
  uint64_t offset = 0;
  uint64_t bytes_dropped = 0;  // torn tails only
  std::string reason;
};

struct RecoveryReport {
  uint64_t streams = 0;
  uint64_t segments = 0;
  uint64_t records = 0;           // entry records in the scanned (tail) segments
  uint64_t bytes_scanned = 0;     // bytes of tail segments verified at open
  uint64_t expired_streams = 0;   // removed at open: their TTL had passed
  std::vector<RecoveryProblem> problems;

  bool clean() const { return problems.empty(); }
  uint64_t corruptions() const;
  // One line per problem, "torn tail in <path> at offset N: <reason>, dropped M bytes".
  std::string Describe() const;
};

std::string DescribeProblem(const RecoveryProblem& problem);

}  // namespace runnel::log
