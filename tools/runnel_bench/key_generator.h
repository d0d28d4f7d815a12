// Key choice for the cache workload: uniform, or Zipf-distributed ranks
// (rank 1 the hottest) over a fixed key space, with a small fast PRNG per
// connection so threads share nothing.
//
// ZipfGenerator is rejection-inversion sampling (Hörmann and Derflinger,
// "Rejection-inversion to generate variates from monotone discrete
// distributions", 1996; the method of Apache Commons' ZipfSampler): O(1)
// set-up and O(1) expected time per sample for any exponent > 0, where the
// usual YCSB method needs O(n) set-up and an exponent below 1.
//
// Not thread-safe; one per connection.
#pragma once

#include <cstdint>

namespace runnel::bench {

// SplitMix64: a fast, well-mixed 64-bit PRNG (Steele, Lea and Flood 2014).
class FastRandom {
 public:
  explicit FastRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, bound).
  uint64_t Below(uint64_t bound) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * bound) >> 64);
  }

 private:
  uint64_t state_;
};

// Ranks 1..n with P(k) proportional to 1 / k^exponent.
class ZipfGenerator {
 public:
  ZipfGenerator(uint64_t n, double exponent);
  uint64_t Next(FastRandom& random) const;
  uint64_t n() const { return n_; }

 private:
  double H(double x) const;         // integral of h
  double HInverse(double x) const;  // inverse of H
  double h(double x) const;         // 1 / x^exponent

  uint64_t n_;
  double exponent_;
  double h_integral_x1_;
  double h_integral_n_;
  double s_;
};

enum class KeyDistribution : uint8_t { kUniform, kZipf };

// Key numbers 0..n-1, uniform or Zipf (key 0 the hottest).
class KeyGenerator {
 public:
  KeyGenerator(KeyDistribution distribution, uint64_t n, double zipf_exponent)
      : distribution_(distribution), zipf_(n, zipf_exponent) {}
  uint64_t Next(FastRandom& random) const {
    return distribution_ == KeyDistribution::kZipf ? zipf_.Next(random) - 1 : random.Below(zipf_.n());
  }

 private:
  KeyDistribution distribution_;
  ZipfGenerator zipf_;
};

}  // namespace runnel::bench
