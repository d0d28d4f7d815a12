#include "tools/runnel_bench/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "absl/strings/str_format.h"

namespace runnel::bench {

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

size_t LatencyHistogram::BucketOf(uint64_t value) {
  if (value < kLinearLimit) return static_cast<size_t>(value);
  const int top_bit = 63 - std::countl_zero(value);  // >= kSubBucketBits + 1
  const int shift = top_bit - kSubBucketBits;        // >= 1
  const uint64_t sub = (value >> shift) - kSubBuckets;  // 0 .. kSubBuckets-1
  return static_cast<size_t>(kLinearLimit + static_cast<uint64_t>(shift - 1) * kSubBuckets + sub);
}

uint64_t LatencyHistogram::BucketLowest(size_t bucket) {
  if (bucket < kLinearLimit) return bucket;
  const uint64_t above = bucket - kLinearLimit;
  const int shift = static_cast<int>(above / kSubBuckets) + 1;
  return (kSubBuckets + above % kSubBuckets) << shift;
}

uint64_t LatencyHistogram::BucketHighest(size_t bucket) {
  if (bucket + 1 >= kBucketCount) return UINT64_MAX;
  return BucketLowest(bucket + 1) - 1;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

void LatencyHistogram::Reset() { *this = LatencyHistogram(); }

uint64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (total_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  // The rank (1-based) of the value at this percentile.
  // (Less a hair, so that 99.9% of 1000 is rank 999 despite rounding.)
  const double exact_rank = percentile / 100.0 * static_cast<double>(total_);
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(exact_rank * (1 - 1e-12))));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(BucketHighest(i), max_);
  }
  return max_;
}

std::string LatencyHistogram::FormatPercentileDistribution() const {
  std::string out = absl::StrFormat("%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)");
  // Like HdrHistogram's output: steps that halve the distance to 100% (5 ticks per half).
  std::vector<double> percentiles;
  for (double remaining = 100.0; remaining > 100.0 / static_cast<double>(std::max<uint64_t>(total_, 1)) / 2;
       remaining /= 2) {
    for (int tick = 0; tick < 5; ++tick) percentiles.push_back(100.0 - remaining + remaining / 2 * tick / 5);
  }
  percentiles.push_back(100.0);
  uint64_t seen = 0;  // values <= the current value (whole buckets)
  size_t bucket = 0;
  for (double p : percentiles) {
    const uint64_t value = ValueAtPercentile(p);
    while (bucket < kBucketCount && BucketLowest(bucket) <= value) seen += counts_[bucket++];
    if (p >= 100.0) {
      absl::StrAppendFormat(&out, "%12.3f %14.12f %10d\n", value / 1000.0, 1.0, total_);
    } else {
      absl::StrAppendFormat(&out, "%12.3f %14.12f %10d %14.2f\n", value / 1000.0, p / 100.0, seen, 1.0 / (1.0 - p / 100.0));
    }
  }
  absl::StrAppendFormat(&out, "#[Mean    = %12.3f]\n", mean() / 1000.0);
  absl::StrAppendFormat(&out, "#[Max     = %12.3f, Total count    = %12d]\n", max() / 1000.0, total_);
  absl::StrAppendFormat(&out, "#[Buckets = %12d, SubBuckets     = %12d]\n", kBucketCount, kSubBuckets);
  return out;
}

}  // namespace runnel::bench
