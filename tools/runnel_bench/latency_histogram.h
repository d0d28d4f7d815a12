// LatencyHistogram: counts of latencies in nanoseconds, in log-linear buckets
// (HdrHistogram's layout), so recording is an index computation and one
// increment, percentiles are read with a bounded relative error, and the
// histograms of many threads merge by adding counts.
//
// Layout, with kSubBucketBits = 7 (128 sub-buckets per power of two):
//
//   value:   0 .. 255         | 256 .. 511      | 512 .. 1023     | ...
//   bucket:  one per value    | 128, width 2    | 128, width 4    | ...
//   index:   0 .. 255         | 256 .. 383      | 384 .. 511      | ...
//
// A value v >= 256 with highest set bit m lands in the bucket of width
// 2^(m-7) that holds it, so a bucket is at most 1/128 (0.8%) of the values it
// holds. Every uint64 value has a bucket (about 7,400 counters, 58 KiB).
//
// Not thread-safe: one per thread, merged after (or copied while) it runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace runnel::bench {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;
  // Values below this have a bucket each.
  static constexpr uint64_t kLinearLimit = 2 * kSubBuckets;
  static constexpr size_t kBucketCount = kLinearLimit + (64 - kSubBucketBits - 1) * kSubBuckets;

  LatencyHistogram();

  void Record(uint64_t value_ns) {
    ++counts_[BucketOf(value_ns)];
    ++total_;
    sum_ += value_ns;
    if (value_ns > max_) max_ = value_ns;
    if (value_ns < min_) min_ = value_ns;
  }
  void Merge(const LatencyHistogram& other);
  void Reset();

  uint64_t count() const { return total_; }
  uint64_t max() const { return total_ == 0 ? 0 : max_; }
  uint64_t min() const { return total_ == 0 ? 0 : min_; }
  double mean() const { return total_ == 0 ? 0 : static_cast<double>(sum_) / static_cast<double>(total_); }

  // The smallest recorded-bucket bound v such that at least `percentile`
  // percent (0..100) of the values are <= v: the highest value of the bucket
  // holding that rank, capped by max() (so p100 is the exact max). 0 when empty.
  uint64_t ValueAtPercentile(double percentile) const;

  // Bucket arithmetic, public for tests and for writing the distribution.
  static size_t BucketOf(uint64_t value);
  static uint64_t BucketLowest(size_t bucket);
  static uint64_t BucketHighest(size_t bucket);

  // One line per percentile step in HdrHistogram's .hgrm text format
  // ("Value Percentile TotalCount 1/(1-Percentile)", values in microseconds),
  // which gnuplot and HdrHistogram's plotter read.
  std::string FormatPercentileDistribution() const;

 private:
  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
};

}  // namespace runnel::bench
