// What entries and streams cost in bytes and in process resources. Each
// benchmark runs once (Iterations(1)) and reports counters; the
// bench/compare/stream_bytes_vs_redis.sh script sets them beside Redis's
// used_memory for the same data.
//
//   BM_BytesPerEntry/<entries>   one stream, one-field entries "payload" ->
//                                100 random bytes, 64 MiB segments:
//       record_bytes_per_entry     record bytes (end_offset - header) / entries
//       sealed_segment_bytes_per_entry  file bytes of the sealed (full)
//                                  segments / their entries: header and the
//                                  slack a segment leaves at its end included
//       disk_bytes_per_entry       st_blocks of every file of the stream /
//                                  entries (includes the preallocated, mostly
//                                  empty tail segment)
//   BM_ManyStreams/<streams>     that many streams of one entry each, all open
//                                at once, as a server holds them:
//       create_us_per_stream       CreateLog + Append
//       du_bytes_per_stream        st_blocks of every file and directory (du -s)
//       fds, maps                  /proc/self/fd entries and /proc/self/maps
//                                  lines while they are open (baseline subtracted)
//       open_all_ms                a warm LogManager::OpenAll of all of them
//   BM_ManyStreamsSync/<streams> streams created as above, then one
//                                SyncScheduler::SyncAllNow() making them durable:
//       sync_ms_per_stream         (everysec's first batch after a burst of new keys)
//
// Run: build/<dir>/bench/log_footprint_bench [--benchmark_format=json]
// Scratch files go under $RUNNEL_BENCH_DIR (default /tmp; tmpfs is refused).

#include <benchmark/benchmark.h>
#include <ftw.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/log_bench_util.h"
#include "engine/base/file.h"
#include "engine/base/strings.h"
#include "engine/log/log.h"
#include "engine/log/log_manager.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/sync_scheduler.h"

namespace runnel::log::bench {
namespace {

constexpr size_t kValueSize = 100;

// Bytes on disk under `path`, files and directories, as du -s counts them.
uint64_t DiskUsageOfTree(const std::string& path) {
  static thread_local uint64_t total;
  total = 0;
  nftw(
      path.c_str(),
      [](const char*, const struct stat* info, int, struct FTW*) {
        total += static_cast<uint64_t>(info->st_blocks) * 512;
        return 0;
      },
      64, FTW_PHYS);
  return total;
}

size_t OpenDescriptors() {
  absl::StatusOr<std::vector<std::string>> names = base::ListDirectory("/proc/self/fd");
  return names.ok() ? names->size() : 0;
}

size_t MappingLines() {
  std::ifstream maps("/proc/self/maps");
  size_t lines = 0;
  for (std::string line; std::getline(maps, line);) ++lines;
  return lines;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void BM_BytesPerEntry(benchmark::State& state) {
  const auto entries = static_cast<uint64_t>(state.range(0));
  ScratchDir dir;
  MappingCache cache(1024);
  const LogOptions options{.segment_max_bytes = kSegmentMaxBytes, .cache = &cache};
  const std::string path = base::StrCat(dir.path(), "/stream");
  std::unique_ptr<Log> log;
  const ValuePool values(kValueSize);
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<Log>> created = Log::Create(path, options);
    if (!created.ok()) {
      state.SkipWithError("create failed");
      return;
    }
    log = *std::move(created);
    for (uint64_t i = 0; i < entries; ++i) {
      const FieldValue field{kFieldName, values.Get(i)};
      if (!log->Append(EntryId(i), {&field, 1}).ok()) state.SkipWithError("append failed");
    }
  }
  uint64_t record_bytes = 0, sealed_bytes = 0, sealed_records = 0, disk_bytes = 0;
  for (size_t i = 0; i < log->segment_count(); ++i) {
    const Segment& segment = log->segment(i);
    record_bytes += segment.end_offset() - kSegmentHeaderSize;
    disk_bytes += base::DiskUsage(segment.path());
    if (i + 1 < log->segment_count()) {
      sealed_bytes += segment.capacity();
      sealed_records += segment.record_count();
    }
  }
  disk_bytes += base::DiskUsage(base::StrCat(path, "/meta"));
  const auto n = static_cast<double>(entries);
  state.counters["record_bytes_per_entry"] = static_cast<double>(record_bytes) / n;
  state.counters["sealed_segment_bytes_per_entry"] =
      sealed_records == 0 ? 0 : static_cast<double>(sealed_bytes) / static_cast<double>(sealed_records);
  state.counters["disk_bytes_per_entry"] = static_cast<double>(disk_bytes) / n;
  state.counters["segments"] = static_cast<double>(log->segment_count());
  state.SetItemsProcessed(static_cast<int64_t>(entries));
}
BENCHMARK(BM_BytesPerEntry)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

// Creates `count` streams of one entry each under `manager`.
absl::Status CreateStreams(LogManager& manager, uint64_t count, std::vector<std::unique_ptr<Log>>* logs) {
  const ValuePool values(kValueSize);
  for (uint64_t s = 0; s < count; ++s) {
    absl::StatusOr<std::unique_ptr<Log>> log = manager.CreateLog(0, base::StrCat("stream:", s));
    if (!log.ok()) return log.status();
    const FieldValue field{kFieldName, values.Get(s)};
    if (absl::Status status = (*log)->Append(EntryId(0), {&field, 1}); !status.ok()) return status;
    logs->push_back(*std::move(log));
  }
  return absl::OkStatus();
}

void BM_ManyStreams(benchmark::State& state) {
  const auto count = static_cast<uint64_t>(state.range(0));
  ScratchDir dir;
  const LogManager::Options options{.data_dir = dir.path(), .segment_max_bytes = kSegmentMaxBytes};
  const size_t fds_before = OpenDescriptors();
  const size_t maps_before = MappingLines();
  std::unique_ptr<LogManager> manager;
  std::vector<std::unique_ptr<Log>> logs;
  double create_seconds = 0;
  for (auto _ : state) {
    manager = *LogManager::Create(options, nullptr);
    const auto start = std::chrono::steady_clock::now();
    if (!CreateStreams(*manager, count, &logs).ok()) state.SkipWithError("create failed");
    create_seconds = Seconds(start);
  }
  const auto n = static_cast<double>(count);
  state.counters["create_us_per_stream"] = create_seconds * 1e6 / n;
  state.counters["du_bytes_per_stream"] = static_cast<double>(DiskUsageOfTree(dir.path())) / n;
  state.counters["du_MB"] = static_cast<double>(DiskUsageOfTree(dir.path())) / 1e6;
  state.counters["fds"] = static_cast<double>(OpenDescriptors()) - static_cast<double>(fds_before);
  state.counters["maps"] = static_cast<double>(MappingLines()) - static_cast<double>(maps_before);
  state.counters["mapped_segments"] = static_cast<double>(manager->mapping_cache().size());

  logs.clear();
  manager = *LogManager::Create(options, nullptr);
  RecoveryReport report;
  const auto start = std::chrono::steady_clock::now();
  absl::Status opened =
      manager->OpenAll([&](int, std::string, std::unique_ptr<Log> log) { logs.push_back(std::move(log)); }, &report);
  state.counters["open_all_ms"] = Seconds(start) * 1e3;
  if (!opened.ok() || logs.size() != count || !report.clean()) state.SkipWithError("OpenAll failed");
  state.counters["fds_after_open"] = static_cast<double>(OpenDescriptors()) - static_cast<double>(fds_before);
  state.counters["maps_after_open"] = static_cast<double>(MappingLines()) - static_cast<double>(maps_before);
  logs.clear();
  state.SetItemsProcessed(static_cast<int64_t>(count));
}
BENCHMARK(BM_ManyStreams)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_ManyStreamsSync(benchmark::State& state) {
  const auto count = static_cast<uint64_t>(state.range(0));
  ScratchDir dir;
  std::unique_ptr<SyncScheduler> scheduler = *SyncScheduler::Create();
  const LogManager::Options options{.data_dir = dir.path(), .segment_max_bytes = kSegmentMaxBytes};
  std::unique_ptr<LogManager> manager = *LogManager::Create(options, scheduler.get());
  std::vector<std::unique_ptr<Log>> logs;
  double sync_seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    if (!scheduler->SyncAllNow().ok()) state.SkipWithError("sync failed");  // the data directory itself
    if (!CreateStreams(*manager, count, &logs).ok()) state.SkipWithError("create failed");
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    if (!scheduler->SyncAllNow().ok()) state.SkipWithError("sync failed");
    sync_seconds = Seconds(start);
  }
  state.counters["sync_ms_per_stream"] = sync_seconds * 1e3 / static_cast<double>(count);
  logs.clear();
  manager.reset();
  state.SetItemsProcessed(static_cast<int64_t>(count));
}
BENCHMARK(BM_ManyStreamsSync)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace runnel::log::bench

BENCHMARK_MAIN();
