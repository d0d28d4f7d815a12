#include "tools/runnel_bench/bench_run.h"

#include <sys/resource.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "tools/runnel_bench/client_loop.h"
#include "tools/runnel_bench/workload.h"

namespace runnel::bench {
namespace {

// The loops start this long after the last connection is made, together.
constexpr int64_t kStartDelayNs = 5'000'000;
constexpr int64_t kLagEveryNs = 1'000'000'000;

struct CpuTime {
  double user_s = 0;
  double system_s = 0;
};

CpuTime ProcessCpuTime() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return {usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6, usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6};
}

struct Connected {
  std::vector<int> fds;
  int scheduled = 0;
};

absl::StatusOr<Connected> ConnectAll(const BenchOptions& options, const WorkloadPlan& plan) {
  const ServerAddress address{options.host, options.port};
  const Handshake handshake{options.password, options.resp3};
  Connected connected;
  for (const ConnectionPlan& connection : plan.connections) {
    absl::StatusOr<SyncConnection> sync = SyncConnection::Connect(address, handshake);
    if (!sync.ok()) return sync.status();
    if (!connection.handshake.empty()) {
      absl::Status status = sync->Call(connection.handshake, connection.handshake_name, connection.handshake_replies);
      if (!status.ok()) return status;
    }
    connected.fds.push_back(sync->ReleaseSocket());
    if (connection.role->pacing() == ConnectionRole::Pacing::kScheduled) ++connected.scheduled;
  }
  return connected;
}

RunWindow MakeWindow(const BenchOptions& options) {
  RunWindow window;
  window.start_ns = NowNs() + kStartDelayNs;
  window.measure_start_ns = window.start_ns + static_cast<int64_t>(options.warmup_s * 1e9);
  if (options.requests == 0) window.end_ns = window.measure_start_ns + static_cast<int64_t>(options.duration_s * 1e9);
  return window;
}

// The threads' stats, summed or merged.
struct Totals {
  uint64_t requests = 0, deliveries = 0, produced = 0, delivered = 0;
  int64_t last_measured_ns = 0;
};

Totals Sum(const std::vector<std::unique_ptr<ThreadStats>>& stats) {
  Totals totals;
  for (const auto& s : stats) {
    totals.requests += s->requests.Get();
    totals.deliveries += s->deliveries.Get();
    totals.produced += s->produced_total.Get();
    totals.delivered += s->delivered_total.Get();
    totals.last_measured_ns = std::max(totals.last_measured_ns, s->last_measured_ns.load(std::memory_order_relaxed));
  }
  return totals;
}

uint64_t Lag(const WorkloadPlan& plan, const Totals& totals) {
  const uint64_t written = plan.lag == LagKind::kPrefilled ? plan.prefilled_deliveries : totals.produced;
  return written > totals.delivered ? written - totals.delivered : 0;
}

// The monitor's view of the run while it goes on.
class Monitor {
 public:
  Monitor(const BenchOptions& options, const WorkloadPlan& plan, const RunWindow& window,
          std::vector<std::unique_ptr<ThreadStats>>& stats, ProgressLine& progress)
      : options_(options), plan_(plan), window_(window), stats_(stats), progress_(progress) {}

  void Tick(int64_t now) {
    const Totals totals = Sum(stats_);
    if (plan_.lag != LagKind::kNone && now >= next_lag_ns_) {
      lag_.push_back({static_cast<double>(now - window_.measure_start_ns) / 1e9, Lag(plan_, totals)});
      next_lag_ns_ += kLagEveryNs;
    }
    if (now >= next_show_ns_) {
      Show(now, totals);
      next_show_ns_ = now + static_cast<int64_t>(progress_.interval_s() * 1e9);
    }
  }
  // The lag samples, with one more at `end_ns` (the end of the measured period).
  std::vector<LagSample> TakeLag(int64_t end_ns) {
    if (plan_.lag != LagKind::kNone) {
      lag_.push_back({static_cast<double>(end_ns - window_.measure_start_ns) / 1e9, Lag(plan_, Sum(stats_))});
    }
    return std::move(lag_);
  }

 private:
  void Show(int64_t now, const Totals& totals) {
    const double elapsed = static_cast<double>(now - window_.measure_start_ns) / 1e9;
    std::string text;
    if (elapsed < 0) {
      text = absl::StrFormat("warming up, %.1f s left", -elapsed);
    } else {
      const double since = static_cast<double>(now - last_ns_) / 1e9;
      LatencyHistogram request, delivery;
      for (const auto& s : stats_) s->ReadPublished(&request, &delivery);
      const LatencyHistogram& primary = delivery.count() > 0 ? delivery : request;
      text = absl::StrFormat("%.1f s", elapsed);
      if (options_.requests == 0) {
        absl::StrAppendFormat(&text, " of %g s (%.1f s left)", options_.duration_s,
                              std::max(0.0, options_.duration_s - elapsed));
      }
      if (last_ns_ > 0 && since > 0) {
        absl::StrAppendFormat(&text, "  %.0f req/s", static_cast<double>(totals.requests - last_.requests) / since);
        if (totals.deliveries > 0) {
          absl::StrAppendFormat(&text, "  %.0f delivered/s", static_cast<double>(totals.deliveries - last_.deliveries) / since);
        }
      }
      absl::StrAppendFormat(&text, "  p99 %.1f us", primary.ValueAtPercentile(99) / 1e3);
      if (plan_.lag != LagKind::kNone) absl::StrAppendFormat(&text, "  lag %d", Lag(plan_, totals));
      last_ = totals;
      last_ns_ = now;
    }
    progress_.Show(text);
  }

  const BenchOptions& options_;
  const WorkloadPlan& plan_;
  const RunWindow& window_;
  std::vector<std::unique_ptr<ThreadStats>>& stats_;
  ProgressLine& progress_;
  std::vector<LagSample> lag_;
  int64_t next_lag_ns_ = window_.measure_start_ns;
  int64_t next_show_ns_ = 0;
  Totals last_;
  int64_t last_ns_ = 0;
};

}  // namespace

absl::StatusOr<RunResult> RunBenchmark(const BenchOptions& options, const std::atomic<bool>& interrupted,
                                       ProgressLine& progress) {
  absl::StatusOr<SyncConnection> setup =
      SyncConnection::Connect({options.host, options.port}, {options.password, options.resp3});
  if (!setup.ok()) return setup.status();
  absl::StatusOr<WorkloadPlan> plan = PlanWorkload(options, *setup);
  if (!plan.ok()) return plan.status();
  absl::StatusOr<Connected> connected = ConnectAll(options, *plan);
  if (!connected.ok()) return connected.status();

  RunShared shared(MakeWindow(options));
  const RunWindow& window = shared.window();
  shared.set_producers(connected->scheduled);
  std::vector<std::unique_ptr<ThreadStats>> stats;
  std::vector<std::unique_ptr<ClientLoop>> loops;
  for (int t = 0; t < options.threads; ++t) {
    stats.push_back(std::make_unique<ThreadStats>());
    loops.push_back(std::make_unique<ClientLoop>(&shared, stats.back().get(), options.pipeline));
  }
  const uint64_t scheduled = static_cast<uint64_t>(std::max(connected->scheduled, 1));
  uint64_t scheduled_index = 0;
  for (size_t i = 0; i < plan->connections.size(); ++i) {
    std::unique_ptr<ConnectionRole> role = std::move(plan->connections[i].role);
    SendSchedule schedule = SendSchedule::ClosedLoop();
    uint64_t quota = UINT64_MAX;
    if (role->pacing() == ConnectionRole::Pacing::kScheduled) {
      if (options.rate > 0) {
        schedule = SendSchedule::OpenLoop(options.rate / static_cast<double>(scheduled), window.start_ns,
                                          static_cast<uint32_t>(scheduled_index), static_cast<uint32_t>(scheduled));
      }
      if (options.requests > 0) quota = options.requests / scheduled + (scheduled_index < options.requests % scheduled);
      ++scheduled_index;
    }
    loops[i % loops.size()]->Add(connected->fds[i], std::move(role), schedule, quota);
  }

  std::atomic<int> running{options.threads};
  std::vector<std::thread> threads;
  for (auto& loop : loops) {
    threads.emplace_back([&loop, &running] {
      loop->Run();
      running.fetch_sub(1);
    });
  }
  Monitor monitor(options, *plan, window, stats, progress);
  std::optional<CpuTime> cpu_start, cpu_end;
  int64_t finish_ns = 0;
  while (running.load() > 0) {
    const int64_t now = NowNs();
    if (!cpu_start && now >= window.measure_start_ns) cpu_start = ProcessCpuTime();
    if (!cpu_end && now >= window.end_ns) cpu_end = ProcessCpuTime();
    if (interrupted.load()) shared.Stop();
    monitor.Tick(now);
    int64_t wake = now + 50'000'000;
    if (!cpu_start) wake = std::min(wake, window.measure_start_ns);
    if (!cpu_end) wake = std::min(wake, window.end_ns);
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::max<int64_t>(wake - NowNs(), 0)));
  }
  finish_ns = NowNs();
  for (std::thread& thread : threads) thread.join();
  progress.Finish();
  if (!cpu_start) cpu_start = ProcessCpuTime();
  if (!cpu_end) cpu_end = ProcessCpuTime();
  if (shared.failed()) return absl::FailedPreconditionError(shared.error());

  RunResult result;
  result.options = options;
  result.connections = static_cast<int>(plan->connections.size());
  result.interrupted = interrupted.load();
  const Totals totals = Sum(stats);
  // A run that ended by itself (drained, all requests done, interrupted)
  // is measured up to its last measured reply or delivery.
  int64_t measured_end = std::min(window.end_ns, finish_ns);
  if (finish_ns < window.end_ns && totals.last_measured_ns > window.measure_start_ns) measured_end = totals.last_measured_ns;
  result.measured_s = std::max<double>(0, static_cast<double>(measured_end - window.measure_start_ns) / 1e9);
  result.sent = totals.produced;
  for (const auto& s : stats) {
    result.requests += s->requests.Get();
    result.deliveries += s->deliveries.Get();
    result.hits += s->hits.Get();
    result.misses += s->misses.Get();
    result.request_latency.Merge(s->request_latency);
    result.delivery_latency.Merge(s->delivery_latency);
  }
  result.cpu_user_s = cpu_end->user_s - cpu_start->user_s;
  result.cpu_system_s = cpu_end->system_s - cpu_start->system_s;
  result.lag = monitor.TakeLag(measured_end);
  return result;
}

}  // namespace runnel::bench
