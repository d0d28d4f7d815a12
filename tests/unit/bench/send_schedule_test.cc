// Tests for SendSchedule: open-loop intended times do not drift or depend on
// when requests are actually sent; closed loop sends now.
#include "tools/runnel_bench/send_schedule.h"

#include "gtest/gtest.h"

namespace runnel::bench {
namespace {

TEST(SendScheduleTest, ClosedLoopIsAlwaysDueAndIntendsNow) {
  SendSchedule schedule = SendSchedule::ClosedLoop();
  EXPECT_FALSE(schedule.open_loop());
  EXPECT_TRUE(schedule.Due(0));
  EXPECT_EQ(schedule.Take(12345), 12345);
  EXPECT_EQ(schedule.Take(99999), 99999);
}

TEST(SendScheduleTest, OpenLoopRequestsAreDueAtFixedIntervals) {
  SendSchedule schedule = SendSchedule::OpenLoop(1000, /*start_ns=*/1'000'000'000, 0, 1);  // one per ms
  EXPECT_FALSE(schedule.Due(999'999'999));
  EXPECT_TRUE(schedule.Due(1'000'000'000));
  EXPECT_EQ(schedule.Take(1'000'000'000), 1'000'000'000);
  EXPECT_FALSE(schedule.Due(1'000'999'999));
  EXPECT_EQ(schedule.next_ns(), 1'001'000'000);
}

TEST(SendScheduleTest, LateSendsKeepTheirIntendedTimes) {
  // A stall of 10 ms: the ten requests due during it are all due at once,
  // each with the time it should have gone out (latency counts from there).
  SendSchedule schedule = SendSchedule::OpenLoop(1000, 0, 0, 1);
  const int64_t now = 10'000'000;
  for (int64_t k = 0; k <= 10; ++k) {
    ASSERT_TRUE(schedule.Due(now));
    EXPECT_EQ(schedule.Take(now), k * 1'000'000);
  }
  EXPECT_FALSE(schedule.Due(now));
}

TEST(SendScheduleTest, PhasesSpreadConnectionsOverOneInterval) {
  // Four connections at 100/s each: first sends at 0, 2.5, 5 and 7.5 ms.
  for (uint32_t i = 0; i < 4; ++i) {
    SendSchedule schedule = SendSchedule::OpenLoop(100, 0, i, 4);
    EXPECT_EQ(schedule.next_ns(), static_cast<int64_t>(i) * 2'500'000);
  }
}

TEST(SendScheduleTest, RateOverOneSecondIsExactWithoutDrift) {
  SendSchedule schedule = SendSchedule::OpenLoop(3, 0, 0, 1);  // an interval of 333,333,333.3 ns
  int sent = 0;
  while (schedule.Due(999'999'999)) {
    schedule.Take(999'999'999);
    ++sent;
  }
  EXPECT_EQ(sent, 3);
  EXPECT_EQ(schedule.next_ns(), 1'000'000'000);
}

}  // namespace
}  // namespace runnel::bench
