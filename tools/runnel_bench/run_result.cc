#include "tools/runnel_bench/run_result.h"

#include <thread>

#include "absl/strings/str_format.h"

namespace runnel::bench {
namespace {

struct Percentile {
  const char* name;
  double value;
};
constexpr Percentile kPercentiles[] = {{"p50", 50}, {"p90", 90}, {"p99", 99}, {"p99.9", 99.9}};

// What the counters are called in each workload.
struct Labels {
  const char* requests;
  const char* deliveries;
  const char* delivery_latency;
};

Labels LabelsOf(Workload workload) {
  switch (workload) {
    case Workload::kProduce:
      return {"entries added (XADD)", "", ""};
    case Workload::kConsume:
      return {"reads (XREADGROUP)", "entries consumed", ""};
    case Workload::kE2e:
      return {"entries added (XADD)", "entries delivered", "XADD -> delivery"};
    case Workload::kPubSub:
      return {"messages published", "messages delivered", "PUBLISH -> delivery"};
    case Workload::kCache:
      return {"requests (GET+SET)", "", ""};
  }
  return {"requests", "deliveries", "delivery"};
}

std::string Mode(const BenchOptions& options) {
  if (options.rate > 0) return absl::StrFormat("open loop at %.0f requests/s", options.rate);
  return "closed loop";
}

void AppendLatencyRow(std::string* out, const char* name, const LatencyHistogram& histogram) {
  absl::StrAppendFormat(out, "  %-22s", name);
  for (const Percentile& p : kPercentiles) absl::StrAppendFormat(out, " %9.1f", histogram.ValueAtPercentile(p.value) / 1e3);
  absl::StrAppendFormat(out, " %9.1f %9.1f %11d\n", histogram.max() / 1e3, histogram.mean() / 1e3, histogram.count());
}

void AppendJsonLatency(std::string* out, const char* name, const LatencyHistogram& histogram) {
  absl::StrAppendFormat(out, ",\"%s\":{\"count\":%d", name, histogram.count());
  for (const Percentile& p : kPercentiles) absl::StrAppendFormat(out, ",\"%s_us\":%.3f", p.name, histogram.ValueAtPercentile(p.value) / 1e3);
  absl::StrAppendFormat(out, ",\"max_us\":%.3f,\"mean_us\":%.3f}", histogram.max() / 1e3, histogram.mean() / 1e3);
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

double CpuPercent(const RunResult& result) {
  return result.measured_s > 0 ? (result.cpu_user_s + result.cpu_system_s) / result.measured_s * 100 : 0;
}

}  // namespace

std::string FormatTable(const RunResult& result) {
  const BenchOptions& options = result.options;
  const Labels labels = LabelsOf(options.workload);
  std::string out = absl::StrFormat(
      "runnel-bench %s: %s:%d, %d connections on %d thread%s, pipeline %d, %s, RESP%d\n",
      WorkloadName(options.workload), options.host, options.port, result.connections, options.threads,
      options.threads == 1 ? "" : "s",
      options.pipeline, Mode(options), options.resp3 ? 3 : 2);
  absl::StrAppendFormat(&out, "measured %.2f s after %.2f s of warm-up%s\n\n", result.measured_s, options.warmup_s,
                        result.interrupted ? " (interrupted)" : "");
  absl::StrAppendFormat(&out, "  %-22s %14s %14s\n", "", "count", "per second");
  absl::StrAppendFormat(&out, "  %-22s %14d %14.1f\n", labels.requests, result.requests, result.requests_per_s());
  if (*labels.deliveries != '\0') {
    absl::StrAppendFormat(&out, "  %-22s %14d %14.1f\n", labels.deliveries, result.deliveries, result.deliveries_per_s());
  }
  if (options.workload == Workload::kCache) {
    const uint64_t gets = result.hits + result.misses;
    absl::StrAppendFormat(&out, "  %-22s %14d  hits %d, misses %d, hit ratio %.1f%%\n", "GETs", gets, result.hits,
                          result.misses, gets > 0 ? 100.0 * static_cast<double>(result.hits) / static_cast<double>(gets) : 0);
  }
  if (options.rate > 0 && result.requests_per_s() < options.rate * 0.95) {
    absl::StrAppendFormat(&out, "  note: the offered rate was not reached; the latency includes the queueing\n");
  }
  absl::StrAppendFormat(&out, "\n  %-22s", "latency (us)");
  for (const Percentile& p : kPercentiles) absl::StrAppendFormat(&out, " %9s", p.name);
  absl::StrAppendFormat(&out, " %9s %9s %11s\n", "max", "mean", "samples");
  if (result.request_latency.count() > 0) AppendLatencyRow(&out, "request", result.request_latency);
  if (result.delivery_latency.count() > 0) AppendLatencyRow(&out, labels.delivery_latency, result.delivery_latency);
  if (!result.lag.empty()) {
    absl::StrAppendFormat(&out, "\n  lag (written, not yet delivered) at each second:");
    for (const LagSample& sample : result.lag) absl::StrAppendFormat(&out, " %d", sample.lag);
    out += "\n";
  }
  absl::StrAppendFormat(&out, "\n  client CPU: %.2f s user + %.2f s system = %.0f%% of one core (%d cores)\n",
                        result.cpu_user_s, result.cpu_system_s, CpuPercent(result), std::thread::hardware_concurrency());
  return out;
}

std::string FormatJson(const RunResult& result) {
  const BenchOptions& options = result.options;
  std::string out = absl::StrFormat("{\"workload\":%s,\"host\":%s,\"port\":%d,\"connections\":%d,\"threads\":%d,"
                                    "\"pipeline\":%d,\"resp\":%d,\"rate\":%.3f,\"warmup_s\":%.3f,\"measured_s\":%.6f,"
                                    "\"interrupted\":%s",
                                    JsonString(WorkloadName(options.workload)), JsonString(options.host), options.port,
                                    result.connections, options.threads, options.pipeline, options.resp3 ? 3 : 2,
                                    options.rate, options.warmup_s, result.measured_s, result.interrupted ? "true" : "false");
  absl::StrAppendFormat(&out, ",\"sent\":%d", result.sent);
  absl::StrAppendFormat(&out, ",\"requests\":%d,\"requests_per_s\":%.3f,\"deliveries\":%d,\"deliveries_per_s\":%.3f",
                        result.requests, result.requests_per_s(), result.deliveries, result.deliveries_per_s());
  if (options.workload == Workload::kCache) {
    const uint64_t gets = result.hits + result.misses;
    absl::StrAppendFormat(&out, ",\"hits\":%d,\"misses\":%d,\"hit_ratio\":%.6f", result.hits, result.misses,
                          gets > 0 ? static_cast<double>(result.hits) / static_cast<double>(gets) : 0);
  }
  AppendJsonLatency(&out, "request_latency", result.request_latency);
  AppendJsonLatency(&out, "delivery_latency", result.delivery_latency);
  out += ",\"lag\":[";
  for (size_t i = 0; i < result.lag.size(); ++i) {
    absl::StrAppendFormat(&out, "%s{\"t_s\":%.3f,\"lag\":%d}", i == 0 ? "" : ",", result.lag[i].elapsed_s, result.lag[i].lag);
  }
  absl::StrAppendFormat(&out, "],\"cpu_user_s\":%.3f,\"cpu_system_s\":%.3f,\"cpu_percent_of_one_core\":%.1f}\n",
                        result.cpu_user_s, result.cpu_system_s, CpuPercent(result));
  return out;
}

}  // namespace runnel::bench
