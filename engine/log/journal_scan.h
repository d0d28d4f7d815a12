// ScanJournal: the one parse of a journal file made of a 16-byte header
// (magic u64, version u32, reserved u32; record_format.h) and framed records,
// shared by the consumer-group journal's replay (engine/stream/group_journal.h)
// and the read-only verifier (log_verifier.h), so both classify damage alike.
//
// Where the records stop being valid, the scan tells a torn tail from
// corruption (recovery.h). Appends are sequential, one write(2) per record,
// so a write cut short leaves an invalid record that reaches the end of the
// file (a partial frame, a length past the end, or a bad checksum with
// nothing but zeros after it): a torn tail. An invalid record followed by
// more data, or a record whose checksum is good but whose type or payload
// the reader refuses, was not cut short: corruption.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "engine/log/record_reader.h"

namespace runnel::log {

struct JournalScan {
  enum class Header : uint8_t {
    kEmpty,  // no bytes, or only zeros: the first write never reached the disk
    kBad,    // not a version-1 header with the expected magic
    kValid,
  };
  Header header = Header::kEmpty;
  uint64_t records = 0;                // records accepted
  uint64_t valid_end = 0;              // end of the last accepted record
  const char* stop_reason = nullptr;   // set when bytes past valid_end are not accepted records
  bool torn = false;                   // with stop_reason: a torn tail (else corruption)
};

// Returns nullptr to accept a record, or why it is refused (which stops
// the scan there).
using JournalVisitor = absl::FunctionRef<const char*(const RecordView& record)>;

// Scans `data` (a whole journal file) for a header with `magic` and visits
// each valid record in order.
JournalScan ScanJournal(std::string_view data, uint64_t magic, JournalVisitor visit);

// The header a journal with `magic` starts with.
std::string JournalHeader(uint64_t magic);

}  // namespace runnel::log
