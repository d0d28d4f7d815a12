#include "engine/log/journal_scan.h"

#include "engine/base/coding.h"
#include "engine/log/record_format.h"

namespace runnel::log {
namespace {

// Whether data[from, end) holds only zeros (space a write never filled).
bool OnlyZerosFrom(std::string_view data, uint64_t from) { return EndOfNonZero(data, from) == from; }

}  // namespace

std::string JournalHeader(uint64_t magic) {
  std::string header(kJournalHeaderSize, '\0');
  base::EncodeFixed64(header.data(), magic);
  base::EncodeFixed32(header.data() + 8, kFormatVersion);
  return header;
}

JournalScan ScanJournal(std::string_view data, uint64_t magic, JournalVisitor visit) {
  JournalScan scan;
  if (OnlyZerosFrom(data, 0)) return scan;
  if (data.size() < kJournalHeaderSize || base::DecodeFixed64(data.data()) != magic ||
      base::DecodeFixed32(data.data() + 8) != kFormatVersion) {
    scan.header = JournalScan::Header::kBad;
    return scan;
  }
  scan.header = JournalScan::Header::kValid;
  uint64_t offset = kJournalHeaderSize;
  for (;;) {
    const ReadResult result = ReadRecordAt(data, offset, ChecksumCheck::kVerify);
    if (result.outcome == ReadOutcome::kEnd) {
      if (offset == data.size()) break;
      // A zero frame or a partial one: torn when nothing follows it.
      scan.torn = OnlyZerosFrom(data, offset) || data.size() - offset < kRecordHeaderSize;
      scan.stop_reason = scan.torn ? "partial record at the end" : "zeroed record followed by data";
      break;
    }
    if (result.outcome == ReadOutcome::kInvalid) {
      scan.stop_reason = result.reason;
      const uint64_t length = base::DecodeFixed32(data.data() + offset + 4);
      const uint64_t claimed_end = offset + kRecordHeaderSize + length;
      // A length past the end, or a bad record with only zeros after it,
      // is a write cut short. A record of an unknown type passed its
      // checksum (it was written whole): never torn.
      const bool checksummed = std::string_view(result.reason) == "unknown record type";
      scan.torn = !checksummed && (claimed_end > data.size() || OnlyZerosFrom(data, claimed_end));
      break;
    }
    if (const char* refused = visit(result.record); refused != nullptr) {
      scan.stop_reason = refused;
      scan.torn = false;
      break;
    }
    ++scan.records;
    offset = result.record.end();
  }
  scan.valid_end = offset;
  return scan;
}

}  // namespace runnel::log
