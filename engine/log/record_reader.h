// Reads framed records (see record_format.h) out of a byte span, trusting
// nothing: a length is used only after it is checked against the span, and
// a record only after its checksum matches.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/log/record_format.h"

namespace runnel::log {

struct RecordView {
  uint64_t offset = 0;  // of the frame, within the span
  RecordType type = RecordType::kUnused;
  RecordId id;
  std::string_view payload;
  uint64_t end() const { return offset + kRecordHeaderSize + payload.size(); }
};

enum class ReadOutcome : uint8_t {
  kRecord,   // a valid record
  kEnd,      // never-written space: a zero frame, or too few bytes left for one
  kInvalid,  // a frame that is not a valid record (torn, flipped or garbage)
};

struct ReadResult {
  ReadOutcome outcome = ReadOutcome::kEnd;
  RecordView record;       // when kRecord
  const char* reason = "";  // when kInvalid: why, for reports
};

enum class ChecksumCheck : uint8_t { kVerify, kSkip };

// Reads the record that starts at `offset` in `data`. kSkip is for spans
// already verified (a scanned segment); everything else verifies.
ReadResult ReadRecordAt(std::string_view data, uint64_t offset, ChecksumCheck check);

// The offset just past the last non-zero byte of data[from, end), or `from`
// when that range is all zeros (unwritten, fallocated space).
uint64_t EndOfNonZero(std::string_view data, uint64_t from);

}  // namespace runnel::log
