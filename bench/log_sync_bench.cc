// Group commit under appendfsync always: what a durable acknowledgement costs.
//
// BM_GroupCommit/<records>/<streams> runs the loop thread's side of the
// SyncScheduler protocol: append `records` one-field 100-byte entries (spread
// round-robin over `streams` logs), StartBatch(), block in poll() on
// wake_fd() and Reap(). One iteration is one batch, so iteration time is the
// latency a client sees from its XADD to its reply when `records` clients
// (each with one XADD outstanding) share the batch; records_per_second is the
// durable throughput at that batch size. Counters:
//   batch_p50_us / batch_p99_us   StartBatch() to Reap(): the sync itself plus
//                                 the hand-off to and from the sync thread
//   sync_thread_us                average time the sync thread spent in msync/fsync
//   actions_per_batch             SyncActions per batch (one msync per dirty
//                                 segment, plus directory fsyncs after a roll)
//   rolls                         new segments created during the run
// Each log is first grown until its tail segment holds 1 MiB, so the run is
// not dominated by the 4 KiB first segments' rolls (a new stream's cost).
//
// The disk is whatever $RUNNEL_BENCH_DIR (default /tmp) is on; on the
// project's machine, a virtual disk: fsync latency there is the hypervisor's.
//
// Run: build/<dir>/bench/log_sync_bench

#include <benchmark/benchmark.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bench/log_bench_util.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/sync_scheduler.h"

namespace runnel::log::bench {
namespace {

constexpr size_t kValueSize = 100;
constexpr uint64_t kPrefillSegmentBytes = 1 << 20;

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

absl::Status WaitForBatch(SyncScheduler& scheduler) {
  pollfd fd{.fd = scheduler.wake_fd(), .events = POLLIN, .revents = 0};
  while (scheduler.busy()) {
    if (poll(&fd, 1, -1) < 0 && errno != EINTR) return absl::InternalError("poll failed");
    RETURN_IF_ERROR(scheduler.Reap());
  }
  return absl::OkStatus();
}

void BM_GroupCommit(benchmark::State& state) {
  const auto records = static_cast<uint64_t>(state.range(0));
  const auto stream_count = static_cast<size_t>(state.range(1));
  ScratchDir dir;
  absl::StatusOr<std::unique_ptr<SyncScheduler>> scheduler = SyncScheduler::Create();
  if (!scheduler.ok()) {
    state.SkipWithError("scheduler");
    return;
  }
  MappingCache cache(1024);
  const LogOptions options{.segment_max_bytes = kSegmentMaxBytes, .cache = &cache, .scheduler = scheduler->get()};
  std::vector<std::unique_ptr<Log>> logs;
  const ValuePool values(kValueSize);
  std::vector<uint64_t> next(stream_count, 0);  // next entry number per log
  auto append = [&](size_t s) {
    const FieldValue field{kFieldName, values.Get(next[s])};
    return logs[s]->Append(EntryId(next[s]++), {&field, 1});
  };
  for (size_t s = 0; s < stream_count; ++s) {
    absl::StatusOr<std::unique_ptr<Log>> log = Log::Create(base::StrCat(dir.path(), "/stream-", s), options);
    if (!log.ok()) {
      state.SkipWithError("create failed");
      return;
    }
    logs.push_back(*std::move(log));
    while (logs[s]->segment_count() == 0 ||
           logs[s]->segment(logs[s]->segment_count() - 1).capacity() < kPrefillSegmentBytes) {
      if (!append(s).ok()) state.SkipWithError("prefill failed");
    }
  }
  if (!(*scheduler)->SyncAllNow().ok()) state.SkipWithError("initial sync failed");
  size_t segments_before = 0;
  for (const auto& log : logs) segments_before += log->segment_count();

  std::vector<double> batch_us;
  size_t s = 0;
  for (auto _ : state) {
    for (uint64_t r = 0; r < records; ++r, s = (s + 1) % stream_count) {
      if (!append(s).ok()) state.SkipWithError("append failed");
    }
    const auto start = std::chrono::steady_clock::now();
    if (!(*scheduler)->StartBatch()) state.SkipWithError("no batch started");
    if (!WaitForBatch(**scheduler).ok()) state.SkipWithError("sync failed");
    batch_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  size_t segments_after = 0;
  for (const auto& log : logs) segments_after += log->segment_count();

  const SyncScheduler::Stats& stats = (*scheduler)->stats();
  const double batches = static_cast<double>(std::max<uint64_t>(stats.batches, 1));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records));
  state.counters["records_per_batch"] = static_cast<double>(records);
  state.counters["batch_p50_us"] = Percentile(batch_us, 0.50);
  state.counters["batch_p99_us"] = Percentile(batch_us, 0.99);
  state.counters["sync_thread_us"] = absl::ToDoubleMicroseconds(stats.total_duration) / batches;
  state.counters["actions_per_batch"] = static_cast<double>(stats.actions) / batches;
  state.counters["rolls"] = static_cast<double>(segments_after - segments_before);
}
BENCHMARK(BM_GroupCommit)
    ->ArgNames({"records", "streams"})
    ->Args({1, 1})
    ->Args({8, 1})
    ->Args({64, 1})
    ->Args({512, 1})
    ->Args({4096, 1})
    ->Args({8, 8})
    ->Args({64, 64})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace runnel::log::bench

BENCHMARK_MAIN();
