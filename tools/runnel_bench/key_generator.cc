#include "tools/runnel_bench/key_generator.h"

#include <algorithm>
#include <cmath>

namespace runnel::bench {
namespace {

// log1p(x) / x, accurate near 0.
double Log1pOverX(double x) {
  if (std::fabs(x) > 1e-8) return std::log1p(x) / x;
  return 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

// expm1(x) / x, accurate near 0.
double Expm1OverX(double x) {
  if (std::fabs(x) > 1e-8) return std::expm1(x) / x;
  return 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
}

}  // namespace

ZipfGenerator::ZipfGenerator(uint64_t n, double exponent) : n_(std::max<uint64_t>(n, 1)), exponent_(exponent) {
  h_integral_x1_ = H(1.5) - 1;
  h_integral_n_ = H(static_cast<double>(n_) + 0.5);
  s_ = 2 - HInverse(H(2.5) - h(2));
}

double ZipfGenerator::h(double x) const { return std::exp(-exponent_ * std::log(x)); }

double ZipfGenerator::H(double x) const {
  const double log_x = std::log(x);
  return Expm1OverX((1 - exponent_) * log_x) * log_x;
}

double ZipfGenerator::HInverse(double x) const {
  double t = x * (1 - exponent_);
  if (t < -1) t = -1;  // rounding; the true value is in range
  return std::exp(Log1pOverX(t) * x);
}

uint64_t ZipfGenerator::Next(FastRandom& random) const {
  while (true) {
    const double u = h_integral_n_ + random.NextDouble() * (h_integral_x1_ - h_integral_n_);
    const double x = HInverse(u);
    double k = std::floor(x + 0.5);
    k = std::clamp(k, 1.0, static_cast<double>(n_));
    if (k - x <= s_ || u >= H(k + 0.5) - h(k)) return static_cast<uint64_t>(k);
  }
}

}  // namespace runnel::bench
