// Tests for LatencyHistogram: bucket arithmetic, percentile error bounds,
// merging, and the .hgrm output.
#include "tools/runnel_bench/latency_histogram.h"

#include <random>

#include "gtest/gtest.h"

namespace runnel::bench {
namespace {

TEST(LatencyHistogramTest, SmallValuesHaveABucketEach) {
  for (uint64_t v = 0; v < LatencyHistogram::kLinearLimit; ++v) {
    EXPECT_EQ(LatencyHistogram::BucketOf(v), v);
    EXPECT_EQ(LatencyHistogram::BucketLowest(v), v);
    EXPECT_EQ(LatencyHistogram::BucketHighest(v), v);
  }
}

TEST(LatencyHistogramTest, EveryValueLiesWithinItsBucket) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = random() >> (random() % 64);
    const size_t bucket = LatencyHistogram::BucketOf(v);
    ASSERT_LT(bucket, LatencyHistogram::kBucketCount);
    EXPECT_LE(LatencyHistogram::BucketLowest(bucket), v);
    EXPECT_GE(LatencyHistogram::BucketHighest(bucket), v);
  }
  EXPECT_EQ(LatencyHistogram::BucketOf(UINT64_MAX), LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogramTest, BucketsAreContiguousAndAtMostOnePart128Wide) {
  for (size_t b = 0; b + 1 < LatencyHistogram::kBucketCount; ++b) {
    ASSERT_EQ(LatencyHistogram::BucketHighest(b) + 1, LatencyHistogram::BucketLowest(b + 1)) << b;
    const uint64_t low = LatencyHistogram::BucketLowest(b);
    const uint64_t width = LatencyHistogram::BucketHighest(b) - low + 1;
    if (low < LatencyHistogram::kSubBuckets) {
      EXPECT_EQ(width, 1u) << b;  // small values are exact
    } else {
      EXPECT_LE(static_cast<double>(width) / static_cast<double>(low), 1.0 / 128) << b;
    }
  }
}

TEST(LatencyHistogramTest, PercentilesOfAUniformRangeAreWithinOnePercent) {
  LatencyHistogram histogram;
  for (uint64_t us = 1; us <= 10000; ++us) histogram.Record(us * 1000);  // 1 us .. 10 ms
  EXPECT_EQ(histogram.count(), 10000u);
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const double exact = p / 100 * 10000 * 1000;
    EXPECT_NEAR(static_cast<double>(histogram.ValueAtPercentile(p)), exact, exact * 0.01) << p;
  }
  EXPECT_EQ(histogram.ValueAtPercentile(100), 10'000'000u);
  EXPECT_EQ(histogram.max(), 10'000'000u);
  EXPECT_EQ(histogram.min(), 1000u);
  EXPECT_DOUBLE_EQ(histogram.mean(), 5000.5 * 1000);
}

TEST(LatencyHistogramTest, ASingleStallShowsAtTheTopPercentiles) {
  LatencyHistogram histogram;
  for (int i = 0; i < 999; ++i) histogram.Record(100'000);
  histogram.Record(50'000'000);
  EXPECT_LE(histogram.ValueAtPercentile(99.9), 100'000u * 129 / 128);
  EXPECT_EQ(histogram.ValueAtPercentile(99.95), 50'000'000u);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a, b, both;
  for (uint64_t v = 1; v < 100000; v += 7) {
    (v % 2 ? a : b).Record(v * 13);
    both.Record(v * 13);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), both.count());
  EXPECT_EQ(a.max(), both.max());
  EXPECT_EQ(a.min(), both.min());
  for (double p : {1.0, 50.0, 99.0, 99.99}) EXPECT_EQ(a.ValueAtPercentile(p), both.ValueAtPercentile(p));
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZeros) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.ValueAtPercentile(99), 0u);
  EXPECT_EQ(histogram.max(), 0u);
  EXPECT_EQ(histogram.min(), 0u);
  EXPECT_EQ(histogram.mean(), 0);
}

TEST(LatencyHistogramTest, PercentileDistributionEndsWithTheMaxAndTheCount) {
  LatencyHistogram histogram;
  for (uint64_t v = 1; v <= 1000; ++v) histogram.Record(v * 1000);
  const std::string text = histogram.FormatPercentileDistribution();
  EXPECT_NE(text.find("Value"), std::string::npos);
  EXPECT_NE(text.find("1000.000 1.000000000000       1000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#[Max     =     1000.000, Total count    =         1000]"), std::string::npos) << text;
}

}  // namespace
}  // namespace runnel::bench
