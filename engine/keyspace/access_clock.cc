// LRU clock and LFU counter arithmetic (access_clock.h), as Redis's evict.c.
#include "engine/keyspace/access_clock.h"

namespace runnel::keyspace {
namespace {

constexpr int64_t kLfuMinutesMax = 65535;

uint32_t LruClock(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 1000) & kLruClockMax; }
uint32_t LfuMinutes(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 60000) & kLfuMinutesMax; }

uint32_t LfuPack(int64_t now_ms, uint8_t count) { return LfuMinutes(now_ms) << 8 | count; }

// Minutes since `stamp`, taking the 16-bit clock to have wrapped at most once.
int64_t LfuMinutesSince(uint32_t stamp, int64_t now_ms) {
  const int64_t now = LfuMinutes(now_ms);
  return now >= stamp ? now - stamp : kLfuMinutesMax - stamp + now;
}

uint8_t LfuLogIncrement(uint8_t count, int64_t log_factor, double random) {
  if (count == 255) return 255;
  const double base = count > kLfuInitialCount ? count - kLfuInitialCount : 0;
  const double p = 1.0 / (base * static_cast<double>(log_factor) + 1);
  return random < p ? count + 1 : count;
}

}  // namespace

uint32_t InitialAccess(const AccessTracking& tracking, int64_t now_ms) {
  return tracking.lfu ? LfuPack(now_ms, kLfuInitialCount) : LruClock(now_ms);
}

uint32_t TouchedAccess(uint32_t access, const AccessTracking& tracking, int64_t now_ms, double random) {
  if (!tracking.lfu) return LruClock(now_ms);
  const uint8_t count = LfuCount(access, now_ms, tracking.lfu_decay_time);
  return LfuPack(now_ms, LfuLogIncrement(count, tracking.lfu_log_factor, random));
}

uint64_t LruIdleMs(uint32_t access, int64_t now_ms) {
  // Modulo 2^24: right across one wrap of the clock (Redis's formula is a
  // second short there).
  const uint64_t seconds = (LruClock(now_ms) - access) & kLruClockMax;
  return seconds * 1000;
}

uint8_t LfuCount(uint32_t access, int64_t now_ms, int64_t decay_time) {
  const uint8_t count = access & 255;
  if (decay_time <= 0) return count;
  const int64_t periods = LfuMinutesSince((access >> 8) & kLfuMinutesMax, now_ms) / decay_time;
  return periods >= count ? 0 : static_cast<uint8_t>(count - periods);
}

}  // namespace runnel::keyspace
