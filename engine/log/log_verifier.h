// Log verification: a read-only check of every byte of a data directory's logs,
// for runnel-check (tools/runnel_check) and tests.
//
// Recovery (Log::Open) reads segment headers and the tail segment only, and
// repairs what it finds; the verifier reads everything and repairs nothing.
// It opens every file read-only and reuses the engine's own parsing
// (Segment::Scan, record_reader.h, entry_codec.h, ParseJournal), so it
// accepts exactly what the engine accepts. For every stream it checks:
//   - each segment: header (magic, version, checksum), base ID equal to the
//     file name, file size equal to the header's capacity;
//   - each record: checksum, type, entry encoding (same-fields back
//     references included), IDs strictly increasing within and across
//     segments, the first record's ID equal to the base ID;
//   - the sparse index built by the scan: one point per interval, each at a
//     record with that ID and ordinal, each found by FindFloor(its ID);
//   - first-ordinal continuity: segment i+1 starts where segment i ends;
//   - the meta journal: header, record framing, state and deletion records;
//   - the consumer-group journal ("groups"): header, record framing and
//     types (its payloads belong to engine/stream and are checked there,
//     when the server replays it).
//
// Problems are classified as recovery classifies them (recovery.h): what the
// server's next start would drop as a torn tail is kTornTail (with the bytes
// it would drop), anything else kCorruption, with file path and offset.
// Nothing here is thread-safe; each call owns what it opens.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/log/recovery.h"

namespace runnel::log {

// A stream directory and what its place in the data directory says of it.
struct StreamLocation {
  std::string directory;
  int db = -1;                     // -1 when not under streams/<db>/
  std::optional<std::string> key;  // nullopt when the name is not a stream's
};

struct StreamReport {
  enum class Status : uint8_t { kOk, kTornTail, kCorrupt };

  StreamLocation location;
  uint64_t segments = 0;  // segment files in the directory
  uint64_t records = 0;   // valid entry records in them
  uint64_t entries = 0;   // live entries (XLEN): records less trims and deletions
  uint64_t bytes = 0;     // size of the segment files and the journals
  std::vector<RecoveryProblem> problems;

  // kTornTail when every problem is a torn tail: exactly what the server's
  // start-up recovery drops (Log::Open), so a safe repair.
  Status status() const;
};

struct VerifyReport {
  std::vector<StreamReport> streams;
  bool valid() const;
};

struct VerifyOptions {
  // Called after each file with the bytes verified so far and the total of
  // the whole check; may be empty.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// The streams in `path`: a data directory (one holding streams/<db>/), or a
// single stream directory (one holding segments or a journal), sorted by
// database and name. Directories whose names begin with '.' (deletions cut
// short, removed by the server at start-up) are not streams. InvalidArgument
// when `path` is neither kind; NotFound when it does not exist.
absl::StatusOr<std::vector<StreamLocation>> FindStreams(const std::string& path);

// The bytes VerifyStream() reads for `location` (for progress totals).
uint64_t StreamBytes(const StreamLocation& location);

// Verifies one stream. `verified(bytes)` (may be empty) is called after each file.
StreamReport VerifyStream(const StreamLocation& location, const std::function<void(uint64_t bytes)>& verified);

// FindStreams() and VerifyStream() for each, reporting progress.
absl::StatusOr<VerifyReport> VerifyLog(const std::string& path, const VerifyOptions& options);

}  // namespace runnel::log
