// ServerStats: the counters INFO stats/clients report, owned by the Server.
// CONFIG RESETSTAT zeroes what Redis zeroes.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/time/time.h"

namespace runnel::info {

// instantaneous_ops_per_sec as Redis computes it: the mean rate over the last
// 16 samples, one sample every 100 ms.
class RateSampler {
 public:
  void Sample(uint64_t total, absl::Time now);
  uint64_t PerSecond() const;
  void Reset();

 private:
  static constexpr size_t kSamples = 16;
  std::array<double, kSamples> rates_{};
  size_t next_ = 0;
  uint64_t last_total_ = 0;
  absl::Time last_time_ = absl::InfinitePast();
};

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t total_reads_processed = 0;
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t client_output_buffer_limit_disconnections = 0;
  uint64_t evicted_keys = 0;  // maxmemory evictions, every database
  size_t used_memory_peak = 0;
  // Error replies by their first word ("ERR", "WRONGTYPE"), for INFO errorstats.
  absl::btree_map<std::string, uint64_t, std::less<>> errors_by_prefix;

  RateSampler ops_per_sec;
  RateSampler input_bytes_per_sec;
  RateSampler output_bytes_per_sec;

  void CountError(std::string_view error_text);
  void Reset();
};

}  // namespace runnel::info
