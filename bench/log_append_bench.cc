// Append throughput of the log, beside a plain memcpy of the same bytes.
//
// BM_LogAppend/<value bytes> appends one-field entries ("payload" -> value)
// to a Log with 64 MiB segments in a scratch directory on the real disk; the
// whole path is timed: framing, XXH3, the store through the shared mapping,
// the page faults (MADV_POPULATE_WRITE a MiB ahead) and the rolls
// (posix_fallocate + mmap of each new segment). No sync runs: this is the
// loop thread's cost, what appendfsync everysec and no see. The log keeps at
// most kKeptSegments segments (older ones are trimmed while timing is
// paused), so dirty pages are dropped with their files and never written back
// during the run.
//
// BM_Memcpy/<value bytes> copies the same values into a pre-touched 64 MiB
// heap buffer: the bound an append could reach. bytes_per_second counts the
// value bytes in both, so the two rates compare directly.
// BM_MemcpyFreshPages/<value bytes> copies them into never-touched anonymous
// memory instead: what writing new pages costs on this machine at all.
//
// The breakdown benchmarks split an append into its parts:
//   BM_EncodeRecord     framing + XXH3 into a pre-touched heap buffer (no mapping)
//   BM_Checksum         XXH3 alone, over a record's bytes
//   BM_SegmentAppendPrefaulted   Segment::Append into a fully prefaulted segment
//   BM_SegmentCreate    posix_fallocate + mmap of a 64 MiB segment (one roll)
//   BM_PrefaultSegment  MADV_POPULATE_WRITE of a fresh 64 MiB segment (its page faults)
//
// Run: build/<dir>/bench/log_append_bench [--benchmark_filter=LogAppend|Memcpy]
// Scratch files go under $RUNNEL_BENCH_DIR (default /tmp; tmpfs is refused).

#include <benchmark/benchmark.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <cstring>
#include <memory>
#include <string>

#include "bench/log_bench_util.h"
#include "engine/base/checksum.h"
#include "engine/base/strings.h"
#include "engine/log/entry_codec.h"
#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/record_writer.h"
#include "engine/log/segment.h"

namespace runnel::log::bench {
namespace {

// Segments kept by BM_LogAppend before it trims the older ones (paused).
constexpr size_t kKeptSegments = 3;

int64_t MinorFaults() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// Average bytes per record of the log's segments: what one entry costs on disk.
double AverageRecordBytes(const Log& log) {
  uint64_t bytes = 0, records = 0;
  for (size_t i = 0; i < log.segment_count(); ++i) {
    bytes += log.segment(i).end_offset() - kSegmentHeaderSize;
    records += log.segment(i).record_count();
  }
  return records == 0 ? 0 : static_cast<double>(bytes) / static_cast<double>(records);
}

void BM_LogAppend(benchmark::State& state) {
  const auto value_size = static_cast<size_t>(state.range(0));
  ScratchDir dir;
  MappingCache cache(1024);
  const LogOptions options{.segment_max_bytes = kSegmentMaxBytes, .cache = &cache};
  absl::StatusOr<std::unique_ptr<Log>> created = Log::Create(base::StrCat(dir.path(), "/stream"), options);
  if (!created.ok()) {
    state.SkipWithError(std::string(created.status().message()).c_str());
    return;
  }
  Log& log = **created;
  const ValuePool values(value_size);
  uint64_t i = 0;
  uint64_t trims = 0;
  const int64_t faults_before = MinorFaults();
  for (auto _ : state) {
    const FieldValue field{kFieldName, values.Get(i)};
    if (absl::Status status = log.Append(EntryId(i), {&field, 1}); !status.ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      break;
    }
    ++i;
    if (log.segment_count() > kKeptSegments) {
      state.PauseTiming();
      const RecordId tail_base = log.segment(log.segment_count() - 1).base_id();
      if (!log.TrimBefore(tail_base, TrimMode::kApproximate).ok()) state.SkipWithError("trim failed");
      ++trims;
      state.ResumeTiming();
    }
  }
  const double record_bytes = AverageRecordBytes(log);
  state.SetItemsProcessed(static_cast<int64_t>(i));
  state.SetBytesProcessed(static_cast<int64_t>(i * value_size));
  state.counters["record_bytes"] = record_bytes;
  state.counters["disk_bytes_per_second"] =
      benchmark::Counter(record_bytes * static_cast<double>(i), benchmark::Counter::kIsRate);
  state.counters["faults_per_MiB"] =
      static_cast<double>(MinorFaults() - faults_before) / (record_bytes * static_cast<double>(i) / (1 << 20));
  state.counters["trims"] = static_cast<double>(trims);
}
BENCHMARK(BM_LogAppend)->Arg(16)->Arg(100)->Arg(1024);

void BM_Memcpy(benchmark::State& state) {
  const auto value_size = static_cast<size_t>(state.range(0));
  const size_t buffer_size = kSegmentMaxBytes;
  std::unique_ptr<char[]> buffer(new char[buffer_size]);
  std::memset(buffer.get(), 1, buffer_size);  // pre-touched: no page faults while timed
  const ValuePool values(value_size);
  uint64_t i = 0;
  size_t offset = 0;
  for (auto _ : state) {
    const std::string_view value = values.Get(i++);
    if (offset + value.size() > buffer_size) offset = 0;
    std::memcpy(buffer.get() + offset, value.data(), value.size());
    offset += value.size();
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
  state.SetBytesProcessed(static_cast<int64_t>(i * value_size));
}
BENCHMARK(BM_Memcpy)->Arg(16)->Arg(100)->Arg(1024);

// The same copies into memory never touched before: a fresh anonymous 64 MiB
// mapping (4 KiB pages) each time the last one is full, so every 4 KiB page
// is first-touched by the copy. On bare metal this costs a page fault and
// the zeroing of a page; in a VM whose page tables the hypervisor shadows it
// costs far more, and a log writing new page-cache pages pays it too.
void BM_MemcpyFreshPages(benchmark::State& state) {
  const auto value_size = static_cast<size_t>(state.range(0));
  const size_t buffer_size = kSegmentMaxBytes;
  const ValuePool values(value_size);
  auto fresh = [&]() {
    void* memory = mmap(nullptr, buffer_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    madvise(memory, buffer_size, MADV_NOHUGEPAGE);
    return static_cast<char*>(memory);
  };
  char* buffer = fresh();
  uint64_t i = 0;
  size_t offset = 0;
  for (auto _ : state) {
    const std::string_view value = values.Get(i++);
    if (offset + value.size() > buffer_size) {
      state.PauseTiming();
      munmap(buffer, buffer_size);
      buffer = fresh();
      offset = 0;
      state.ResumeTiming();
    }
    std::memcpy(buffer + offset, value.data(), value.size());
    offset += value.size();
    benchmark::ClobberMemory();
  }
  munmap(buffer, buffer_size);
  state.SetItemsProcessed(static_cast<int64_t>(i));
  state.SetBytesProcessed(static_cast<int64_t>(i * value_size));
}
BENCHMARK(BM_MemcpyFreshPages)->Arg(16)->Arg(100)->Arg(1024);

// --- Breakdown -----------------------------------------------------------------

// Framing, the entry encoding and XXH3 of same-fields records, written into a
// pre-touched 64 MiB heap buffer: an append without the mapping.
void BM_EncodeRecord(benchmark::State& state) {
  const auto value_size = static_cast<size_t>(state.range(0));
  const size_t buffer_size = kSegmentMaxBytes;
  std::unique_ptr<char[]> buffer(new char[buffer_size]);
  std::memset(buffer.get(), 1, buffer_size);
  const ValuePool values(value_size);
  uint64_t i = 0;
  size_t offset = 0;
  for (auto _ : state) {
    const FieldValue field{kFieldName, values.Get(i)};
    const uint64_t back_offset = offset + 1;  // as far back as a real names record
    const uint64_t payload_size = EncodedSameFieldsSize({&field, 1}, back_offset);
    if (offset + kRecordHeaderSize + payload_size > buffer_size) offset = 0;
    char* record = buffer.get() + offset;
    EncodeSameFields(record + kRecordHeaderSize, {&field, 1}, back_offset);
    FinishRecord(record, RecordType::kEntrySameFields, EntryId(i), static_cast<uint32_t>(payload_size));
    offset += kRecordHeaderSize + payload_size;
    ++i;
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
  state.SetBytesProcessed(static_cast<int64_t>(i * value_size));
}
BENCHMARK(BM_EncodeRecord)->Arg(16)->Arg(100)->Arg(1024);

// XXH3 over the bytes a record's checksum covers (frame after the checksum + payload).
void BM_Checksum(benchmark::State& state) {
  const auto value_size = static_cast<size_t>(state.range(0));
  const std::string covered = RandomBytes(kRecordHeaderSize - 4 + 2 + kFieldName.size() + value_size);
  for (auto _ : state) benchmark::DoNotOptimize(base::Checksum32(covered));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * value_size));
}
BENCHMARK(BM_Checksum)->Arg(16)->Arg(100)->Arg(1024);

// Segment::Append into a 64 MiB segment whose pages were all faulted in
// before timing: the append path with no page faults and no rolls.
void BM_SegmentAppendPrefaulted(benchmark::State& state) {
  const auto value_size = static_cast<size_t>(state.range(0));
  ScratchDir dir;
  MappingCache cache(16);
  const ValuePool values(value_size);
  std::unique_ptr<Segment> segment;
  // Replaces the segment with a new, fully prefaulted one whose first entry is `first`.
  auto fresh_segment = [&](uint64_t first) -> bool {
    if (segment != nullptr) {
      const std::string path = segment->path();
      segment.reset();
      (void)base::RemoveFile(path);
    }
    absl::StatusOr<std::unique_ptr<Segment>> created =
        Segment::Create(base::StrCat(dir.path(), "/", first, ".seg"),
                        SegmentHeader{.base_id = EntryId(first), .capacity = kSegmentMaxBytes}, &cache);
    if (!created.ok()) return false;
    segment = *std::move(created);
    absl::StatusOr<std::shared_ptr<const base::MappedFile>> mapping = segment->Map();
    if (!mapping.ok()) return false;
    // Map() hands out a const view of the segment's own, writable mapping.
    const_cast<base::MappedFile&>(**mapping).PrefaultForWrite(0, kSegmentMaxBytes);
    return true;
  };
  if (!fresh_segment(0)) {
    state.SkipWithError("segment create failed");
    return;
  }
  uint64_t i = 0;
  for (auto _ : state) {
    const FieldValue field{kFieldName, values.Get(i)};
    absl::StatusOr<bool> appended = segment->Append(EntryId(i), {&field, 1});
    if (!appended.ok()) {
      state.SkipWithError("append failed");
      break;
    }
    if (*appended) {
      ++i;
      continue;
    }
    // Full: this iteration appended nothing; the next one retries entry i.
    state.PauseTiming();
    if (!fresh_segment(i)) state.SkipWithError("segment create failed");
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
  state.SetBytesProcessed(static_cast<int64_t>(i * value_size));
  if (segment != nullptr) {
    const std::string path = segment->path();
    segment.reset();
    (void)base::RemoveFile(path);
  }
}
BENCHMARK(BM_SegmentAppendPrefaulted)->Arg(16)->Arg(100)->Arg(1024);

// One roll's file work: create a 64 MiB segment (posix_fallocate, mmap,
// header) and remove it (removal paused).
void BM_SegmentCreate(benchmark::State& state) {
  ScratchDir dir;
  MappingCache cache(16);
  int n = 0;
  for (auto _ : state) {
    const std::string path = base::StrCat(dir.path(), "/", n++, ".seg");
    absl::StatusOr<std::unique_ptr<Segment>> segment =
        Segment::Create(path, SegmentHeader{.base_id = EntryId(0), .capacity = kSegmentMaxBytes}, &cache);
    state.PauseTiming();
    if (!segment.ok()) state.SkipWithError("segment create failed");
    segment->reset();
    (void)base::RemoveFile(path);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_SegmentCreate)->Unit(benchmark::kMicrosecond);

// The page faults of filling one 64 MiB segment, taken all at once with
// MADV_POPULATE_WRITE (page-cache allocation, zeroing, ext4 page_mkwrite).
void BM_PrefaultSegment(benchmark::State& state) {
  ScratchDir dir;
  int n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = base::StrCat(dir.path(), "/", n++, ".seg");
    absl::StatusOr<std::shared_ptr<base::MappedFile>> file = base::MappedFile::Create(path, kSegmentMaxBytes);
    if (!file.ok()) {
      state.SkipWithError("create failed");
      break;
    }
    state.ResumeTiming();
    (*file)->PrefaultForWrite(0, kSegmentMaxBytes);
    state.PauseTiming();
    file->reset();
    (void)base::RemoveFile(path);
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kSegmentMaxBytes));
}
BENCHMARK(BM_PrefaultSegment)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace runnel::log::bench

BENCHMARK_MAIN();
