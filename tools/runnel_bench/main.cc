// runnel-bench: throughput and latency of streaming workloads against any
// RESP server (docs/runnel-bench.md). Glue only: options bench_options.h,
// the run bench_run.h, the output run_result.h.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "tools/runnel_bench/bench_run.h"

namespace runnel::bench {
namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsageError = 2;

std::atomic<bool> interrupted{false};

void OnInterrupt(int) { interrupted.store(true); }

ProgressLine::Mode ProgressMode() {
  if (isatty(STDERR_FILENO) && isatty(STDOUT_FILENO)) return ProgressLine::Mode::kTerminal;
  return ProgressLine::Mode::kPlain;
}

int Main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  absl::StatusOr<BenchOptions> options = ParseBenchOptions(args);
  if (!options.ok()) {
    absl::FPrintF(stderr, "runnel-bench: %s\n\n%s", options.status().message(), kBenchUsage);
    return kUsageError;
  }
  if (options->help) {
    std::fputs(kBenchUsage, stdout);
    return kOk;
  }
  signal(SIGINT, OnInterrupt);
  signal(SIGPIPE, SIG_IGN);
  ProgressLine progress(stderr, ProgressMode());
  absl::StatusOr<RunResult> result = RunBenchmark(*options, interrupted, progress);
  if (!result.ok()) {
    absl::FPrintF(stderr, "runnel-bench: %s\n", result.status().message());
    return kFailed;
  }
  std::fputs((options->json ? FormatJson(*result) : FormatTable(*result)).c_str(), stdout);
  if (!options->histogram_path.empty()) {
    const LatencyHistogram& histogram =
        result->delivery_latency.count() > 0 ? result->delivery_latency : result->request_latency;
    std::ofstream file(options->histogram_path);
    file << histogram.FormatPercentileDistribution();
    if (!file) {
      absl::FPrintF(stderr, "runnel-bench: cannot write %s\n", options->histogram_path);
      return kFailed;
    }
  }
  return kOk;
}

}  // namespace
}  // namespace runnel::bench

int main(int argc, char** argv) { return runnel::bench::Main(argc, argv); }
