// RunResult: everything a run measured, merged over the threads, and its two
// renderings: the table for people and the JSON object for machines
// (docs/runnel-bench.md explains every number).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/runnel_bench/bench_options.h"
#include "tools/runnel_bench/latency_histogram.h"

namespace runnel::bench {

struct LagSample {
  double elapsed_s;  // since the start of the measured period (negative in warm-up)
  uint64_t lag;      // entries written but not yet delivered
};

struct RunResult {
  BenchOptions options;
  int connections = 0;      // all of them (producers + consumers ...)
  double measured_s = 0;    // the measured period
  bool interrupted = false; // Ctrl-C ended it early
  uint64_t sent = 0;        // scheduled requests sent, warm-up included
  uint64_t requests = 0;    // measured replies
  uint64_t deliveries = 0;  // measured entries or messages received
  uint64_t hits = 0;
  uint64_t misses = 0;
  LatencyHistogram request_latency;
  LatencyHistogram delivery_latency;
  double cpu_user_s = 0;    // runnel-bench's own CPU time in the measured period
  double cpu_system_s = 0;
  std::vector<LagSample> lag;

  double requests_per_s() const { return measured_s > 0 ? static_cast<double>(requests) / measured_s : 0; }
  double deliveries_per_s() const { return measured_s > 0 ? static_cast<double>(deliveries) / measured_s : 0; }
};

std::string FormatTable(const RunResult& result);
std::string FormatJson(const RunResult& result);

}  // namespace runnel::bench
