#include "tools/runnel_bench/bench_options.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace runnel::bench {
namespace {

absl::Status Invalid(std::string_view option, std::string_view value, std::string_view expected) {
  return absl::InvalidArgumentError(absl::StrFormat("%s: '%s' is not %s", option, value, expected));
}

template <typename T>
absl::Status ParseInteger(std::string_view option, std::string_view text, T min, T* out) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min) {
    return Invalid(option, text, absl::StrFormat("an integer >= %d", min));
  }
  *out = value;
  return absl::OkStatus();
}

absl::Status ParseSeconds(std::string_view option, std::string_view text, double* out) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !(value >= 0) || !std::isfinite(value)) {
    return Invalid(option, text, "a number >= 0");
  }
  *out = value;
  return absl::OkStatus();
}

// "~N" (approximate trim, the default), "=N" or "N" (exact).
absl::Status ParseMaxlen(std::string_view text, BenchOptions& options) {
  options.maxlen_approximate = !text.starts_with("=");
  if (text.starts_with("~") || text.starts_with("=")) text.remove_prefix(1);
  return ParseInteger<uint64_t>("--maxlen", text, 1, &options.maxlen);
}

absl::Status ParseDistribution(std::string_view text, BenchOptions& options) {
  if (text == "uniform") {
    options.distribution = KeyDistribution::kUniform;
  } else if (text == "zipf") {
    options.distribution = KeyDistribution::kZipf;
  } else {
    return Invalid("--distribution", text, "uniform or zipf");
  }
  return absl::OkStatus();
}

using Apply = absl::Status (*)(BenchOptions&, std::string_view);
struct OptionSpec {
  std::string_view name;
  bool takes_value;
  Apply apply;
};

#define RUNNEL_INT_OPTION(name, field, min)                                            \
  OptionSpec {                                                                          \
    name, true, [](BenchOptions& o, std::string_view v) {                              \
      return ParseInteger<decltype(o.field)>(name, v, static_cast<decltype(o.field)>(min), &o.field); \
    }                                                                                   \
  }

// One row per option: the table is the parser (and docs/runnel-bench.md mirrors it).
const OptionSpec kOptions[] = {
    {"--host", true, [](BenchOptions& o, std::string_view v) { o.host = std::string(v); return absl::OkStatus(); }},
    RUNNEL_INT_OPTION("--port", port, 1),
    {"--password", true, [](BenchOptions& o, std::string_view v) { o.password = std::string(v); return absl::OkStatus(); }},
    {"--resp3", false, [](BenchOptions& o, std::string_view) { o.resp3 = true; return absl::OkStatus(); }},
    {"--json", false, [](BenchOptions& o, std::string_view) { o.json = true; return absl::OkStatus(); }},
    {"--histogram", true, [](BenchOptions& o, std::string_view v) { o.histogram_path = std::string(v); return absl::OkStatus(); }},
    RUNNEL_INT_OPTION("--threads", threads, 1),
    RUNNEL_INT_OPTION("--connections", connections, 1),
    RUNNEL_INT_OPTION("--pipeline", pipeline, 1),
    {"--duration", true, [](BenchOptions& o, std::string_view v) { return ParseSeconds("--duration", v, &o.duration_s); }},
    RUNNEL_INT_OPTION("--requests", requests, 1),
    {"--warmup", true, [](BenchOptions& o, std::string_view v) { return ParseSeconds("--warmup", v, &o.warmup_s); }},
    {"--rate", true, [](BenchOptions& o, std::string_view v) { return ParseSeconds("--rate", v, &o.rate); }},
    {"--key-prefix", true, [](BenchOptions& o, std::string_view v) { o.key_prefix = std::string(v); return absl::OkStatus(); }},
    RUNNEL_INT_OPTION("--seed", seed, 0),
    RUNNEL_INT_OPTION("--streams", streams, 1),
    RUNNEL_INT_OPTION("--fields", fields, 1),
    RUNNEL_INT_OPTION("--size", value_size, 0),
    {"--maxlen", true, [](BenchOptions& o, std::string_view v) { return ParseMaxlen(v, o); }},
    RUNNEL_INT_OPTION("--groups", groups, 1),
    RUNNEL_INT_OPTION("--consumers", consumers, 1),
    RUNNEL_INT_OPTION("--count", count, 1),
    RUNNEL_INT_OPTION("--prefill", prefill, 0),
    RUNNEL_INT_OPTION("--channels", channels, 1),
    RUNNEL_INT_OPTION("--subscribers", subscribers, 0),  // 0: PUBLISH to nobody
    RUNNEL_INT_OPTION("--keys", keys, 1),
    {"--distribution", true, [](BenchOptions& o, std::string_view v) { return ParseDistribution(v, o); }},
    {"--zipf-exponent", true, [](BenchOptions& o, std::string_view v) {
       absl::Status status = ParseSeconds("--zipf-exponent", v, &o.zipf_exponent);
       if (status.ok() && o.zipf_exponent <= 0) return Invalid("--zipf-exponent", v, "a number > 0");
       return status;
     }},
    {"--help", false, [](BenchOptions& o, std::string_view) { o.help = true; return absl::OkStatus(); }},
};

#undef RUNNEL_INT_OPTION

const OptionSpec* FindOption(std::string_view name) {
  for (const OptionSpec& spec : kOptions) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

struct WorkloadEntry {
  std::string_view name;
  Workload workload;
};
constexpr WorkloadEntry kWorkloads[] = {
    {"produce", Workload::kProduce}, {"consume", Workload::kConsume}, {"e2e", Workload::kE2e},
    {"pubsub", Workload::kPubSub},   {"cache", Workload::kCache},
};

absl::Status CheckCombination(const BenchOptions& options) {
  if (options.workload == Workload::kConsume && options.consumers < options.streams) {
    return absl::InvalidArgumentError("consume: each stream needs a consumer in every group (--consumers >= --streams)");
  }
  if (options.workload == Workload::kE2e && options.consumers < options.streams) {
    return absl::InvalidArgumentError("e2e: each stream needs a consumer (--consumers >= --streams)");
  }
  if (options.duration_s <= 0 && options.requests == 0) {
    return absl::InvalidArgumentError("--duration must be > 0 unless --requests is given");
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view WorkloadName(Workload workload) {
  for (const WorkloadEntry& entry : kWorkloads) {
    if (entry.workload == workload) return entry.name;
  }
  return "?";
}

absl::StatusOr<BenchOptions> ParseBenchOptions(std::span<const std::string_view> args) {
  BenchOptions options;
  if (args.empty()) return absl::InvalidArgumentError("no subcommand (produce, consume, e2e, pubsub or cache)");
  size_t i = 0;
  if (args[0] == "--help" || args[0] == "-h") {
    options.help = true;
    return options;
  }
  const WorkloadEntry* workload = nullptr;
  for (const WorkloadEntry& entry : kWorkloads) {
    if (entry.name == args[0]) workload = &entry;
  }
  if (workload == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat("unknown subcommand '%s' (produce, consume, e2e, pubsub or cache)", args[0]));
  }
  options.workload = workload->workload;
  bool warmup_given = false;
  for (i = 1; i < args.size(); ++i) {
    std::string_view name = args[i];
    std::string_view value;
    bool inline_value = false;
    if (const size_t equals = name.find('='); name.starts_with("--") && equals != std::string_view::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
      inline_value = true;
    }
    if (name == "-h") name = "--help";
    warmup_given |= name == "--warmup";
    const OptionSpec* spec = FindOption(name);
    if (spec == nullptr) return absl::InvalidArgumentError(absl::StrFormat("unknown option %s", args[i]));
    if (spec->takes_value && !inline_value) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError(absl::StrFormat("%s needs a value", name));
      value = args[++i];
    } else if (!spec->takes_value && inline_value) {
      return absl::InvalidArgumentError(absl::StrFormat("%s takes no value", name));
    }
    if (absl::Status status = spec->apply(options, value); !status.ok()) return status;
  }
  if (absl::Status status = CheckCombination(options); !status.ok()) return status;
  // A drain is measured whole unless a warm-up is asked for.
  if (options.workload == Workload::kConsume && !warmup_given) options.warmup_s = 0;
  return options;
}

const char kBenchUsage[] =
    "Usage: runnel-bench produce|consume|e2e|pubsub|cache [options]\n"
    "Measures a RESP server's throughput and latency (docs/runnel-bench.md).\n"
    "\n"
    "Common:   --host H (127.0.0.1) --port P (6379) --password PW --resp3 --json\n"
    "          --threads T (1) --connections N (50) --pipeline P (1)\n"
    "          --duration SECONDS (10) | --requests N   --warmup SECONDS (1; consume 0)\n"
    "          --rate OPS_PER_SECOND (open loop; default closed loop)\n"
    "          --histogram FILE (.hgrm)  --key-prefix PREFIX (runnel-bench:)  --seed N\n"
    "produce:  --streams S (1) --fields F (1) --size BYTES (64) --maxlen [~|=]N\n"
    "consume:  --streams S --groups G (1) --consumers C (1, per group) --count K (100)\n"
    "          --prefill N (100000 entries per stream)\n"
    "e2e:      produce's options and --consumers C --count K (one group)\n"
    "pubsub:   --channels N (1) --subscribers N (1) --size BYTES\n"
    "cache:    --keys N (100000) --distribution uniform|zipf --zipf-exponent S (0.99) --size BYTES\n";

}  // namespace runnel::bench
