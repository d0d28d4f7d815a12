// RunBenchmark: one run end to end — set-up through a blocking connection,
// the connections of the workload, one ClientLoop thread per --threads, a
// monitor on the calling thread (progress line, lag samples, CPU time at the
// edges of the measured period), and the merged RunResult.
#pragma once

#include <atomic>

#include "absl/status/statusor.h"
#include "tools/runnel_bench/bench_options.h"
#include "tools/runnel_bench/progress_line.h"
#include "tools/runnel_bench/run_result.h"

namespace runnel::bench {

// `interrupted` (set by a signal handler) ends the run early; what was
// measured is still returned. An error is set-up failing or the server
// refusing a command during the run.
absl::StatusOr<RunResult> RunBenchmark(const BenchOptions& options, const std::atomic<bool>& interrupted,
                                       ProgressLine& progress);

}  // namespace runnel::bench
