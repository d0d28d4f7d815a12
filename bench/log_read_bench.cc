// Read paths of the log over a warm page cache: sequential scans and seeks.
//
// Each value size gets one log of kLogBytes (256 MiB) of one-field entries,
// built once per process: appended, written back (sync), reopened as a server
// would at start-up, and scanned once so that every sealed segment has been
// verified (that happens lazily, on first use) and every page is cached.
//
//   BM_ScanForward/<value bytes>   XRANGE - +: every entry, values copied out
//                                  into a 64 KiB buffer as a reply encoder would;
//                                  bytes_per_second counts log bytes (records)
//   BM_ScanBackward/<value bytes>  XREVRANGE + -: the same, newest first
//   BM_SeekOne/<value bytes>       Scan(id, id) of a random existing ID: seek
//                                  latency (segment by base ID, sparse index
//                                  point, forward parse of at most 64 KiB)
//   BM_SeekRead10/<value bytes>    XRANGE id + COUNT 10 at a random ID
//
// Run: build/<dir>/bench/log_read_bench [--benchmark_filter=Seek]
// Scratch files go under $RUNNEL_BENCH_DIR (default /tmp; tmpfs is refused).

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "bench/log_bench_util.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"

namespace runnel::log::bench {
namespace {

constexpr uint64_t kLogBytes = 256ULL << 20;

// Record bytes in the log's segments (headers and unused space excluded).
uint64_t RecordBytes(const Log& log) {
  uint64_t bytes = 0;
  for (size_t i = 0; i < log.segment_count(); ++i) bytes += log.segment(i).end_offset() - kSegmentHeaderSize;
  return bytes;
}

// One prepared log. Members are destroyed in reverse order: the log before
// the cache its segments use, the directory last.
struct ReadLog {
  ScratchDir dir;
  MappingCache cache{1024};
  LogOptions options{.segment_max_bytes = kSegmentMaxBytes, .cache = &cache};
  std::unique_ptr<Log> log;
  uint64_t entries = 0;
  uint64_t record_bytes = 0;
};

absl::Status Build(ReadLog& read_log, size_t value_size) {
  const std::string path = base::StrCat(read_log.dir.path(), "/stream");
  {
    ASSIGN_OR_RETURN(std::unique_ptr<Log> log, Log::Create(path, read_log.options));
    const ValuePool values(value_size);
    uint64_t i = 0;
    for (; i % 65536 != 0 || RecordBytes(*log) < kLogBytes; ++i) {
      const FieldValue field{kFieldName, values.Get(i)};
      RETURN_IF_ERROR(log->Append(EntryId(i), {&field, 1}));
    }
    read_log.entries = i;
  }
  sync();  // written back now, not by the flusher during the timed runs
  RecoveryReport report;
  ASSIGN_OR_RETURN(read_log.log, Log::Open(path, read_log.options, &report));
  uint64_t seen = 0;
  RETURN_IF_ERROR(read_log.log->Scan(kMinRecordId, kMaxRecordId, ScanDirection::kForward, [&](RecordId, EntryView&) {
    ++seen;
    return true;
  }));
  if (seen != read_log.entries) return absl::InternalError("reopened log lost entries");
  // Known now that the scan has verified (and so measured) every segment.
  read_log.record_bytes = RecordBytes(*read_log.log);
  return absl::OkStatus();
}

// The prepared log for `value_size`, built on first use; null on failure.
ReadLog* LogFor(size_t value_size) {
  static std::map<size_t, std::unique_ptr<ReadLog>> logs;
  auto [it, inserted] = logs.try_emplace(value_size);
  if (inserted) {
    it->second = std::make_unique<ReadLog>();
    if (absl::Status status = Build(*it->second, value_size); !status.ok()) {
      std::fprintf(stderr, "building the %zu-byte log: %s\n", value_size, std::string(status.message()).c_str());
      it->second.reset();
    }
  }
  return it->second.get();
}

// Copies every value of an entry into a small reply-sized buffer.
class ValueSink {
 public:
  void Take(EntryView& entry) {
    std::string_view field, value;
    while (entry.Next(&field, &value)) {
      if (used_ + value.size() > sizeof(buffer_)) used_ = 0;
      std::memcpy(buffer_ + used_, value.data(), value.size());
      used_ += value.size();
    }
    benchmark::ClobberMemory();
  }

 private:
  char buffer_[64 * 1024];
  size_t used_ = 0;
};

void ScanAll(benchmark::State& state, ScanDirection direction) {
  ReadLog* read_log = LogFor(static_cast<size_t>(state.range(0)));
  if (read_log == nullptr) {
    state.SkipWithError("log build failed");
    return;
  }
  auto sink = std::make_unique<ValueSink>();
  for (auto _ : state) {
    uint64_t seen = 0;
    absl::Status status = read_log->log->Scan(kMinRecordId, kMaxRecordId, direction, [&](RecordId, EntryView& entry) {
      sink->Take(entry);
      ++seen;
      return true;
    });
    if (!status.ok() || seen != read_log->entries) state.SkipWithError("scan failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * read_log->entries));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * read_log->record_bytes));
  state.counters["entries"] = static_cast<double>(read_log->entries);
}

void BM_ScanForward(benchmark::State& state) { ScanAll(state, ScanDirection::kForward); }
BENCHMARK(BM_ScanForward)->Arg(16)->Arg(100)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_ScanBackward(benchmark::State& state) { ScanAll(state, ScanDirection::kBackward); }
BENCHMARK(BM_ScanBackward)->Arg(16)->Arg(100)->Arg(1024)->Unit(benchmark::kMillisecond);

// Scans from a random existing ID, stopping after `count` entries.
void SeekAndRead(benchmark::State& state, uint64_t count) {
  ReadLog* read_log = LogFor(static_cast<size_t>(state.range(0)));
  if (read_log == nullptr) {
    state.SkipWithError("log build failed");
    return;
  }
  std::mt19937_64 rng(7);
  auto sink = std::make_unique<ValueSink>();
  for (auto _ : state) {
    const RecordId id = EntryId(rng() % read_log->entries);
    const RecordId to = count == 1 ? id : kMaxRecordId;
    uint64_t seen = 0;
    absl::Status status = read_log->log->Scan(id, to, ScanDirection::kForward, [&](RecordId, EntryView& entry) {
      sink->Take(entry);
      return ++seen < count;
    });
    if (!status.ok() || seen == 0) state.SkipWithError("seek found nothing");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["entries"] = static_cast<double>(read_log->entries);
}

void BM_SeekOne(benchmark::State& state) { SeekAndRead(state, 1); }
BENCHMARK(BM_SeekOne)->Arg(16)->Arg(100)->Arg(1024);

void BM_SeekRead10(benchmark::State& state) { SeekAndRead(state, 10); }
BENCHMARK(BM_SeekRead10)->Arg(16)->Arg(100)->Arg(1024);

}  // namespace
}  // namespace runnel::log::bench

BENCHMARK_MAIN();
