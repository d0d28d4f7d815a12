#include "server/info/server_stats.h"

namespace runnel::info {

void RateSampler::Sample(uint64_t total, absl::Time now) {
  if (last_time_ != absl::InfinitePast()) {
    double seconds = absl::ToDoubleSeconds(now - last_time_);
    rates_[next_] = seconds > 0 ? static_cast<double>(total - last_total_) / seconds : 0;
    next_ = (next_ + 1) % kSamples;
  }
  last_total_ = total;
  last_time_ = now;
}

uint64_t RateSampler::PerSecond() const {
  double sum = 0;
  for (double r : rates_) sum += r;
  return static_cast<uint64_t>(sum / kSamples);
}

void RateSampler::Reset() { *this = RateSampler(); }

void ServerStats::CountError(std::string_view error_text) {
  ++total_error_replies;
  // Redis keys errorstats by the first word, which is the error code.
  std::string_view prefix = error_text.substr(0, error_text.find(' '));
  // Redis caps the number of distinct codes at 128 to bound memory.
  if (errors_by_prefix.size() >= 128 && !errors_by_prefix.contains(prefix)) return;
  ++errors_by_prefix[std::string(prefix)];
}

void ServerStats::Reset() {
  // CONFIG RESETSTAT keeps connection counts that describe live state.
  *this = ServerStats();
}

}  // namespace runnel::info
