// BenchOptions: runnel-bench's command line, parsed into one struct
// (docs/runnel-bench.md lists every option).
//
//   runnel-bench SUBCOMMAND [--option value | --option=value | --flag]...
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "tools/runnel_bench/key_generator.h"

namespace runnel::bench {

enum class Workload : uint8_t { kProduce, kConsume, kE2e, kPubSub, kCache };

std::string_view WorkloadName(Workload workload);

struct BenchOptions {
  Workload workload = Workload::kProduce;

  // Common.
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;       // AUTH when not empty
  bool resp3 = false;         // HELLO 3 on every connection
  bool json = false;          // the result as one JSON object on stdout
  std::string histogram_path; // the latency distribution (.hgrm text)
  int threads = 1;
  int connections = 50;  // producers, publishers or cache clients
  int pipeline = 1;      // requests in flight per connection
  double duration_s = 10;
  uint64_t requests = 0;  // when > 0: stop after this many measured requests
  double warmup_s = 1;
  double rate = 0;        // requests/s over all connections; 0 = closed loop
  std::string key_prefix = "runnel-bench:";
  uint64_t seed = 1;

  // produce / consume / e2e.
  int streams = 1;
  int fields = 1;
  size_t value_size = 64;  // bytes of each field's value (pubsub: of the message)
  uint64_t maxlen = 0;     // XADD MAXLEN when > 0
  bool maxlen_approximate = true;  // "~N" (default) or "=N"
  int groups = 1;
  int consumers = 1;       // per group
  int count = 100;         // XREADGROUP COUNT
  uint64_t prefill = 100000;  // consume: entries per stream written before

  // pubsub.
  int channels = 1;
  int subscribers = 1;

  // cache.
  uint64_t keys = 100000;
  KeyDistribution distribution = KeyDistribution::kUniform;
  double zipf_exponent = 0.99;

  bool help = false;
};

// Parses argv[1..]; an error names the offending option.
absl::StatusOr<BenchOptions> ParseBenchOptions(std::span<const std::string_view> args);

extern const char kBenchUsage[];

}  // namespace runnel::bench
