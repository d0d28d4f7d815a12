// Tests for the key distributions: the Zipf sampler's frequencies match
// 1/k^s, uniform keys cover the space evenly, and both stay in range.
#include "tools/runnel_bench/key_generator.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace runnel::bench {
namespace {

// Frequencies of ranks 1..n over `samples` draws.
std::vector<double> Frequencies(const ZipfGenerator& zipf, int samples) {
  FastRandom random(42);
  std::vector<double> counts(zipf.n() + 1, 0);
  for (int i = 0; i < samples; ++i) {
    const uint64_t k = zipf.Next(random);
    EXPECT_GE(k, 1u);
    EXPECT_LE(k, zipf.n());
    counts[k] += 1;
  }
  for (double& c : counts) c /= samples;
  return counts;
}

void ExpectZipf(uint64_t n, double exponent) {
  const ZipfGenerator zipf(n, exponent);
  const std::vector<double> frequencies = Frequencies(zipf, 200000);
  double normalizer = 0;
  for (uint64_t k = 1; k <= n; ++k) normalizer += 1 / std::pow(static_cast<double>(k), exponent);
  for (uint64_t k = 1; k <= std::min<uint64_t>(n, 10); ++k) {
    const double expected = 1 / std::pow(static_cast<double>(k), exponent) / normalizer;
    EXPECT_NEAR(frequencies[k], expected, 0.01 + expected * 0.05) << "n=" << n << " s=" << exponent << " k=" << k;
  }
}

TEST(KeyGeneratorTest, ZipfFrequenciesFollowThePowerLaw) {
  ExpectZipf(100, 0.99);
  ExpectZipf(1000, 1.2);
  ExpectZipf(10, 0.5);
  ExpectZipf(100000, 0.99);
}

TEST(KeyGeneratorTest, ZipfOfOneKeyAlwaysGivesIt) {
  const ZipfGenerator zipf(1, 0.99);
  FastRandom random(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(zipf.Next(random), 1u);
}

TEST(KeyGeneratorTest, UniformKeysCoverTheSpaceEvenly) {
  const KeyGenerator keys(KeyDistribution::kUniform, 10, 0.99);
  FastRandom random(3);
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t key = keys.Next(random);
    ASSERT_LT(key, 10u);
    ++counts[key];
  }
  for (int count : counts) EXPECT_NEAR(count, 10000, 500);
}

TEST(KeyGeneratorTest, ZipfKeysStartAtZeroForTheHottest) {
  const KeyGenerator keys(KeyDistribution::kZipf, 1000, 0.99);
  FastRandom random(5);
  int zeros = 0;
  for (int i = 0; i < 10000; ++i) {
    const uint64_t key = keys.Next(random);
    ASSERT_LT(key, 1000u);
    zeros += key == 0;
  }
  EXPECT_GT(zeros, 1000);  // about 13% for s=0.99, n=1000
}

TEST(KeyGeneratorTest, FastRandomDoublesAreInTheUnitInterval) {
  FastRandom random(9);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double d = random.NextDouble();
    ASSERT_GE(d, 0);
    ASSERT_LT(d, 1);
    sum += d;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.01);
}

}  // namespace
}  // namespace runnel::bench
