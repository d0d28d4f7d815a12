#include "engine/keyspace/access_clock.h"

#include "gtest/gtest.h"

namespace runnel::keyspace {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kNow = 1'700'000'000'000;

TEST(AccessClockTest, LruIdleTimeHasSecondResolution) {
  const uint32_t access = InitialAccess(AccessTracking{}, kNow);
  EXPECT_EQ(LruIdleMs(access, kNow + 999), 0u);
  EXPECT_EQ(LruIdleMs(access, kNow + 61'000), 61'000u);
  EXPECT_EQ(LruIdleMs(TouchedAccess(access, AccessTracking{}, kNow + 61'000, 0), kNow + 61'000), 0u);
}

TEST(AccessClockTest, LruIdleTimeSurvivesTheClockWrapping) {
  // A stamp just before the 24-bit clock wraps, read just after.
  const int64_t before_wrap = (int64_t{kLruClockMax} - 5) * 1000;
  const uint32_t access = InitialAccess(AccessTracking{}, before_wrap);
  EXPECT_EQ(LruIdleMs(access, before_wrap + 10'000), 10'000u);
}

TEST(AccessClockTest, LfuStartsAtTheInitialCount) {
  EXPECT_EQ(LfuCount(InitialAccess(AccessTracking{.lfu = true}, kNow), kNow, 1), kLfuInitialCount);
}

TEST(AccessClockTest, LfuFirstIncrementsAreCertainLaterOnesRare) {
  const AccessTracking lfu{.lfu = true, .lfu_log_factor = 10};
  uint32_t access = InitialAccess(lfu, kNow);
  access = TouchedAccess(access, lfu, kNow, 0.999);  // at or below the initial count: p = 1
  EXPECT_EQ(LfuCount(access, kNow, 1), kLfuInitialCount + 1);
  access = TouchedAccess(access, lfu, kNow, 0.5);  // p = 1/11 now
  EXPECT_EQ(LfuCount(access, kNow, 1), kLfuInitialCount + 1);
  access = TouchedAccess(access, lfu, kNow, 0.05);
  EXPECT_EQ(LfuCount(access, kNow, 1), kLfuInitialCount + 2);
}

TEST(AccessClockTest, LfuCounterSaturatesAt255) {
  const AccessTracking lfu{.lfu = true, .lfu_log_factor = 0};  // every access counts
  uint32_t access = InitialAccess(lfu, kNow);
  for (int i = 0; i < 300; ++i) access = TouchedAccess(access, lfu, kNow, 0.5);
  EXPECT_EQ(LfuCount(access, kNow, 1), 255);
}

TEST(AccessClockTest, LfuCounterLosesOnePerDecayPeriod) {
  const AccessTracking lfu{.lfu = true, .lfu_log_factor = 0};
  uint32_t access = InitialAccess(lfu, kNow);
  for (int i = 0; i < 5; ++i) access = TouchedAccess(access, lfu, kNow, 0.5);  // 10
  EXPECT_EQ(LfuCount(access, kNow + 3 * kMinute, 1), 7);
  EXPECT_EQ(LfuCount(access, kNow + 3 * kMinute, 2), 9);
  EXPECT_EQ(LfuCount(access, kNow + 3 * kMinute, 0), 10);  // 0: no decay
  EXPECT_EQ(LfuCount(access, kNow + 60 * kMinute, 1), 0);
  // A touch applies the decay first, then counts the access.
  EXPECT_EQ(LfuCount(TouchedAccess(access, lfu, kNow + 3 * kMinute, 0.5), kNow + 3 * kMinute, 1), 8);
}

}  // namespace
}  // namespace runnel::keyspace
