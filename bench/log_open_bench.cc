// Start-up cost: LogManager::OpenAll over a large data directory.
//
// The data directory (--streams streams of --stream_mib MiB of one-field
// 1 KiB entries, 64 MiB segments) is generated once and kept in --data_dir
// for later runs (a marker file records its shape); --remove_data deletes it
// at the end. Each stream is filled until its tail segment is full: opening
// verifies the tail segment of every stream (checksums of every record in
// it, then a check that the rest is zeros), so a full tail is the worst case.
// Sealed segments cost one 64-byte header read each at open; they are
// verified on first use instead.
//
//   BM_OpenAllWarm       OpenAll with the data directory in the page cache
//   BM_OpenAllCold       OpenAll after sync + echo 3 > /proc/sys/vm/drop_caches
//                        (skipped when drop_caches is not writable: needs root)
//   BM_ColdFirstSeek     after a cold start, one XRANGE id id into the middle of
//                        a stream: the first use of a sealed 64 MiB segment,
//                        which reads and verifies all of it
//
// Run: build/<dir>/bench/log_open_bench [--data_dir=/tmp/runnel-bench-open]
//          [--streams=10] [--stream_mib=1024] [--remove_data]
// The default shape writes 11.4 GB of segment files (each stream rounds up to
// a full 64 MiB tail); check df first.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/log_bench_util.h"
#include "engine/base/file.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/log.h"
#include "engine/log/log_manager.h"

namespace runnel::log::bench {
namespace {

constexpr size_t kValueSize = 1024;
constexpr std::string_view kMarkerName = "bench-shape";

struct Shape {
  std::string data_dir = "/tmp/runnel-bench-open";
  int streams = 10;
  uint64_t stream_mib = 1024;
  bool remove_data = false;

  std::string Describe() const {
    return base::StrCat("streams=", streams, " stream_mib=", stream_mib, " value=", kValueSize, "\n");
  }
};

Shape& TheShape() {
  static Shape shape;
  return shape;
}

std::string StreamKey(int i) { return base::StrCat("stream-", i); }

// The number of entries each generated stream holds (the same for all).
uint64_t& EntriesPerStream() {
  static uint64_t entries = 0;
  return entries;
}

absl::StatusOr<std::unique_ptr<LogManager>> NewManager(const Shape& shape) {
  return LogManager::Create(
      LogManager::Options{.data_dir = shape.data_dir, .segment_max_bytes = kSegmentMaxBytes, .open_segments_max = 1024},
      nullptr);
}

uint64_t RecordBytes(const Log& log) {
  uint64_t bytes = 0;
  for (size_t i = 0; i < log.segment_count(); ++i) bytes += log.segment(i).end_offset() - kSegmentHeaderSize;
  return bytes;
}

// Fills one stream until it holds `bytes` of records and its tail segment is
// full (the next entry would roll); returns the number of entries.
absl::StatusOr<uint64_t> FillStream(Log& log, uint64_t bytes) {
  const ValuePool values(kValueSize);
  for (uint64_t i = 0;; ++i) {
    const FieldValue field{kFieldName, values.Get(i)};
    RETURN_IF_ERROR(log.Append(EntryId(i), {&field, 1}));
    const Segment& tail = log.segment(log.segment_count() - 1);
    // A record of a 1 KiB value takes less than kValueSize + 64 bytes.
    if (tail.capacity() - tail.end_offset() < kValueSize + 64 && RecordBytes(log) >= bytes) return i + 1;
  }
}

absl::Status EnsureDataDirectory(const Shape& shape) {
  const std::string marker = base::StrCat(shape.data_dir, "/", kMarkerName);
  absl::StatusOr<std::string> existing = base::ReadSmallFile(marker);
  const std::string wanted = shape.Describe();
  if (existing.ok() && existing->starts_with(wanted)) {
    EntriesPerStream() = std::strtoull(existing->c_str() + wanted.size(), nullptr, 10);
    std::fprintf(stderr, "reusing %s (%s)\n", shape.data_dir.c_str(), wanted.substr(0, wanted.size() - 1).c_str());
    return absl::OkStatus();
  }
  if (base::PathExists(shape.data_dir) && !base::PathExists(base::StrCat(shape.data_dir, "/streams"))) {
    return absl::FailedPreconditionError(base::StrCat(shape.data_dir, " exists and is not a Runnel data directory"));
  }
  RETURN_IF_ERROR(base::RemoveTree(shape.data_dir));
  std::fprintf(stderr, "generating %s: %s", shape.data_dir.c_str(), wanted.c_str());
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::unique_ptr<LogManager> manager, NewManager(shape));
  for (int s = 0; s < shape.streams; ++s) {
    ASSIGN_OR_RETURN(std::unique_ptr<Log> log, manager->CreateLog(0, StreamKey(s)));
    ASSIGN_OR_RETURN(EntriesPerStream(), FillStream(*log, shape.stream_mib << 20));
  }
  manager.reset();
  sync();
  RETURN_IF_ERROR(base::WriteFileAtomically(marker, base::StrCat(wanted, EntriesPerStream(), "\n")));
  std::fprintf(stderr, "generated in %.1f s\n",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return absl::OkStatus();
}

bool DropCaches() {
  sync();
  const int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = write(fd, "3", 1) == 1;
  close(fd);
  return ok;
}

// The result of one OpenAll. The logs use the manager's mapping cache and
// options, so they go first.
struct Opened {
  std::unique_ptr<LogManager> manager;
  std::vector<std::unique_ptr<Log>> logs;  // destroyed before the manager (declared after it)
  RecoveryReport report;

  void Reset() {
    logs.clear();
    manager.reset();
    report = RecoveryReport{};
  }
};

absl::Status OpenAll(Opened& opened) {
  ASSIGN_OR_RETURN(opened.manager, NewManager(TheShape()));
  return opened.manager->OpenAll(
      [&](int, std::string, std::unique_ptr<Log> log) { opened.logs.push_back(std::move(log)); }, &opened.report);
}

void ReportOpen(benchmark::State& state, const Opened& opened) {
  uint64_t bytes = 0;
  for (const auto& log : opened.logs) {
    for (size_t i = 0; i < log->segment_count(); ++i) bytes += log->segment(i).capacity();
  }
  state.counters["streams"] = static_cast<double>(opened.report.streams);
  state.counters["segments"] = static_cast<double>(opened.report.segments);
  state.counters["data_GB"] = static_cast<double>(bytes) / 1e9;
  state.counters["tail_MB_verified"] = static_cast<double>(opened.report.bytes_scanned) / 1e6;
  if (!opened.report.clean()) state.SkipWithError("recovery found problems");
}

void BM_OpenAllWarm(benchmark::State& state) {
  Opened opened;
  for (auto _ : state) {
    state.PauseTiming();
    opened.Reset();
    state.ResumeTiming();
    if (!OpenAll(opened).ok()) state.SkipWithError("OpenAll failed");
  }
  ReportOpen(state, opened);
}
BENCHMARK(BM_OpenAllWarm)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_OpenAllCold(benchmark::State& state) {
  Opened opened;
  for (auto _ : state) {
    state.PauseTiming();
    opened.Reset();
    if (!DropCaches()) {
      state.SkipWithError("cannot drop caches (needs root and a writable /proc/sys/vm/drop_caches)");
      break;
    }
    state.ResumeTiming();
    if (!OpenAll(opened).ok()) state.SkipWithError("OpenAll failed");
  }
  ReportOpen(state, opened);
}
BENCHMARK(BM_OpenAllCold)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_ColdFirstSeek(benchmark::State& state) {
  Opened opened;
  const RecordId middle = EntryId(EntriesPerStream() / 2);
  for (auto _ : state) {
    state.PauseTiming();
    opened.Reset();
    if (!DropCaches()) {
      state.SkipWithError("cannot drop caches");
      break;
    }
    if (!OpenAll(opened).ok() || opened.logs.empty()) state.SkipWithError("OpenAll failed");
    state.ResumeTiming();
    uint64_t seen = 0;
    absl::Status status = opened.logs[0]->Scan(middle, middle, ScanDirection::kForward, [&](RecordId, EntryView&) {
      ++seen;
      return true;
    });
    if (!status.ok() || seen != 1) state.SkipWithError("seek failed");
  }
}
BENCHMARK(BM_ColdFirstSeek)->Unit(benchmark::kMillisecond)->Iterations(5);

// Parses the flags Google Benchmark left; false on an unknown one.
bool ParseFlags(int argc, char** argv, Shape& shape) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::string_view flag) { return std::string(arg.substr(flag.size())); };
    if (arg.starts_with("--data_dir=")) {
      shape.data_dir = value("--data_dir=");
    } else if (arg.starts_with("--streams=")) {
      shape.streams = std::atoi(value("--streams=").c_str());
    } else if (arg.starts_with("--stream_mib=")) {
      shape.stream_mib = std::strtoull(value("--stream_mib=").c_str(), nullptr, 10);
    } else if (arg == "--remove_data") {
      shape.remove_data = true;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return false;
    }
  }
  return shape.streams > 0 && shape.stream_mib > 0 && !shape.data_dir.empty();
}

}  // namespace
}  // namespace runnel::log::bench

int main(int argc, char** argv) {
  using runnel::log::bench::TheShape;
  benchmark::Initialize(&argc, argv);
  if (!runnel::log::bench::ParseFlags(argc, argv, TheShape())) return 2;
  if (absl::Status status = runnel::log::bench::EnsureDataDirectory(TheShape()); !status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (TheShape().remove_data) {
    if (absl::Status status = runnel::base::RemoveTree(TheShape().data_dir); !status.ok()) return 1;
    std::fprintf(stderr, "removed %s\n", TheShape().data_dir.c_str());
  }
  return 0;
}
