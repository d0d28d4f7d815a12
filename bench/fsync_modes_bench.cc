// What one durable append costs on this disk, by how the bytes reach the file
// and how many syncs run at once: the floor under `appendfsync always`.
//
// BM_DurableAppend/<mode>/<threads>: each thread appends 5,000-byte records
// (about one group commit of 50 clients' 100-byte XADDs) to its own region of
// one 64 MiB file and makes each durable before the next, as a loop that
// answers only after the sync would. Modes:
//   0 append      write() at the end of a growing file + fdatasync (Redis's AOF)
//   1 pwrite      pwrite() into a posix_fallocate'd file (unwritten extents) + fdatasync
//   2 pwrite-zero pwrite() into a file written with zeros beforehand + fdatasync
//   3 mmap        stores into a MAP_SHARED mapping of a fallocated file + msync
//                 of the touched pages (Runnel's segments today)
//   4 mmap-zero   the same over a pre-zeroed file
// Counter syncs_per_second: durable appends per second over all threads.
// Threads > 1 show whether concurrent syncs share the device's flushes.
//
// The disk is whatever $RUNNEL_BENCH_DIR (default /tmp) is on.
// Run: build/<dir>/bench/fsync_modes_bench --benchmark_min_time=2

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr size_t kFileSize = 64 << 20;
constexpr size_t kRecordSize = 5000;

enum Mode { kAppend = 0, kPwrite = 1, kPwriteZeroed = 2, kMmap = 3, kMmapZeroed = 4 };

std::string ScratchPath() {
  const char* dir = std::getenv("RUNNEL_BENCH_DIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/fsync_modes_bench." + std::to_string(getpid());
}

void WriteZeros(int fd) {
  std::vector<char> zeros(1 << 20, 0);
  for (size_t offset = 0; offset < kFileSize; offset += zeros.size()) {
    if (pwrite(fd, zeros.data(), zeros.size(), static_cast<off_t>(offset)) < 0) std::abort();
  }
  fsync(fd);
}

// One thread's appends: `count` records from `start` in the file.
void Appends(Mode mode, int fd, char* mapping, size_t start, int count) {
  std::vector<char> record(kRecordSize, 'x');
  size_t offset = start;
  for (int i = 0; i < count; ++i, offset += kRecordSize) {
    switch (mode) {
      case kAppend:
        if (write(fd, record.data(), record.size()) < 0) std::abort();
        fdatasync(fd);
        break;
      case kPwrite:
      case kPwriteZeroed:
        if (pwrite(fd, record.data(), record.size(), static_cast<off_t>(offset)) < 0) std::abort();
        fdatasync(fd);
        break;
      case kMmap:
      case kMmapZeroed: {
        std::memcpy(mapping + offset, record.data(), record.size());
        const size_t page = offset & ~size_t{4095};
        msync(mapping + page, offset + record.size() - page, MS_SYNC);
        break;
      }
    }
  }
}

void BM_DurableAppend(benchmark::State& state) {
  const auto mode = static_cast<Mode>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const int per_thread = 64;
  // Appending threads would share one end of file; mode 0 is Redis's one thread.
  if (mode == kAppend && threads > 1) {
    state.SkipWithError("append mode is single-threaded");
    return;
  }
  int64_t syncs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = ScratchPath();
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) std::abort();
    if (mode == kPwrite || mode == kMmap) posix_fallocate(fd, 0, kFileSize);
    if (mode == kPwriteZeroed || mode == kMmapZeroed) WriteZeros(fd);
    char* mapping = nullptr;
    if (mode == kMmap || mode == kMmapZeroed) {
      mapping = static_cast<char*>(mmap(nullptr, kFileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
      if (mapping == MAP_FAILED) std::abort();
    }
    state.ResumeTiming();

    std::vector<std::thread> workers;
    const size_t region = kFileSize / threads;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back(Appends, mode, fd, mapping, region * t, per_thread);
    }
    for (std::thread& worker : workers) worker.join();
    syncs += int64_t{threads} * per_thread;

    state.PauseTiming();
    if (mapping != nullptr) munmap(mapping, kFileSize);
    close(fd);
    unlink(path.c_str());
    state.ResumeTiming();
  }
  state.counters["syncs_per_second"] = benchmark::Counter(static_cast<double>(syncs), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_DurableAppend)
    ->ArgNames({"mode", "threads"})
    ->Args({kAppend, 1})
    ->Args({kPwrite, 1})
    ->Args({kPwriteZeroed, 1})
    ->Args({kMmap, 1})
    ->Args({kMmapZeroed, 1})
    ->Args({kPwrite, 4})
    ->Args({kPwriteZeroed, 4})
    ->Args({kMmap, 4})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
