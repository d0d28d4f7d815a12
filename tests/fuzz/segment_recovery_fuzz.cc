// libFuzzer target for start-up recovery: whatever bytes a crash, a torn
// write or a damaged disk leaves in a stream's tail segment, Log::Open must
// not crash or read out of bounds, and what it recovers must be a valid log:
// every entry readable forwards and backwards, new appends accepted, and a
// reopen finding nothing more to repair.
//
// Input layout: bytes 0-15 the segment's base ID (ms, seq; the header is
// built around them with a correct checksum, so the fuzzer explores the
// records), byte 16 flags (bit 0: also write the rest as a meta journal
// instead of records), the rest the bytes after the 64-byte header.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/base/coding.h"
#include "engine/base/file.h"
#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/record_format.h"
#include "engine/log/segment.h"
#include "engine/log/segment_naming.h"

namespace runnel::log {
namespace {

#define FUZZ_CHECK(cond)                                     \
  do {                                                       \
    if (!(cond)) {                                           \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s\n", #cond); \
      std::abort();                                          \
    }                                                        \
  } while (0)

const std::string& ScratchRoot() {
  static const std::string root = [] {
    char pattern[] = "/tmp/runnel-recovery-fuzz-XXXXXX";
    return std::string(mkdtemp(pattern));
  }();
  return root;
}

uint64_t CountEntries(Log& log, ScanDirection direction) {
  uint64_t count = 0;
  absl::Status status = log.Scan(kMinRecordId, kMaxRecordId, direction, [&](RecordId, EntryView& entry) {
    std::string_view field, value;
    while (entry.Next(&field, &value)) {
    }
    ++count;
    return true;
  });
  FUZZ_CHECK(status.ok());
  return count;
}

void Run(const uint8_t* data, size_t size) {
  if (size < 17) return;
  const RecordId base{base::DecodeFixed64(reinterpret_cast<const char*>(data)),
                      base::DecodeFixed64(reinterpret_cast<const char*>(data) + 8)};
  const bool as_journal = (data[16] & 1) != 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 17, size - 17);

  const std::string dir = ScratchRoot() + "/stream";
  (void)base::RemoveTree(dir);
  FUZZ_CHECK(base::CreateDirectories(dir).ok());
  if (as_journal) {
    FUZZ_CHECK(base::AppendToFile(dir + "/meta", body).ok());
  } else {
    const uint64_t capacity = std::max<uint64_t>(kInitialSegmentBytes, kSegmentHeaderSize + body.size());
    std::string file(capacity, '\0');
    EncodeSegmentHeader(SegmentHeader{.base_id = base, .first_ordinal = 0, .capacity = capacity}, file.data());
    file.replace(kSegmentHeaderSize, body.size(), body);
    FUZZ_CHECK(base::AppendToFile(dir + "/" + SegmentFileName(base), file).ok());
  }

  MappingCache cache(4);
  LogOptions options{.segment_max_bytes = 1 << 20, .cache = &cache};
  RecoveryReport report;
  absl::StatusOr<std::unique_ptr<Log>> log = Log::Open(dir, options, &report);
  if (!log.ok()) return;  // refused as a whole (an I/O error, not a crash)
  const uint64_t length = (*log)->length();
  FUZZ_CHECK(CountEntries(**log, ScanDirection::kForward) == length);
  FUZZ_CHECK(CountEntries(**log, ScanDirection::kBackward) == length);
  const RecordId last = (*log)->last_id();
  if (last != kMaxRecordId) {
    const RecordId next = last.seq == UINT64_MAX ? RecordId{last.ms + 1, 0} : RecordId{last.ms, last.seq + 1};
    const FieldValue fields[] = {{"f", "v"}};
    FUZZ_CHECK((*log)->Append(next, fields).ok());
  }
  const uint64_t after_append = (*log)->length();
  log->reset();

  RecoveryReport again;
  absl::StatusOr<std::unique_ptr<Log>> reopened = Log::Open(dir, options, &again);
  FUZZ_CHECK(reopened.ok());
  FUZZ_CHECK((*reopened)->length() == after_append);
  for (const RecoveryProblem& problem : again.problems) {
    // Whatever the first open repaired stays repaired; only damage it could
    // not repair (a corrupt journal header it set aside) may be reported again.
    FUZZ_CHECK(problem.kind == RecoveryProblem::Kind::kCorruption);
  }
}

}  // namespace
}  // namespace runnel::log

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  runnel::log::Run(data, size);
  return 0;
}
