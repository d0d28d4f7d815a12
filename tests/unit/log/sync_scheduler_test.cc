#include "engine/log/sync_scheduler.h"

#include <poll.h>

#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::log {
namespace {

using testing::AppendEntry;
using testing::TempDir;

// Waits (bounded) for the scheduler's wake fd, then reaps.
absl::Status WaitAndReap(SyncScheduler& scheduler) {
  pollfd wake{.fd = scheduler.wake_fd(), .events = POLLIN};
  if (poll(&wake, 1, 10000) != 1) return absl::DeadlineExceededError("sync batch did not finish");
  return scheduler.Reap();
}

class SyncSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto scheduler = SyncScheduler::Create();
    ASSERT_TRUE(scheduler.ok());
    scheduler_ = *std::move(scheduler);
    options_.scheduler = scheduler_.get();
  }
  std::unique_ptr<Log> NewLog(const std::string& name) {
    auto log = Log::Create(temp_.path() + "/" + name, options_);
    EXPECT_TRUE(log.ok()) << log.status();
    return *std::move(log);
  }

  TempDir temp_;
  MappingCache cache_{16};
  LogOptions options_{.segment_max_bytes = 64 * 1024, .cache = &cache_};
  std::unique_ptr<SyncScheduler> scheduler_;
};

TEST_F(SyncSchedulerTest, OneBatchCoversEveryWriteBeforeIt) {
  auto a = NewLog("a");
  auto b = NewLog("b");
  ASSERT_TRUE(AppendEntry(*a, {1, 0}, {{"f", "v"}}).ok());
  ASSERT_TRUE(AppendEntry(*b, {1, 0}, {{"f", "v"}}).ok());
  const uint64_t wanted = scheduler_->covering_epoch();
  EXPECT_GT(wanted, scheduler_->completed_epoch());
  ASSERT_TRUE(scheduler_->StartBatch());
  EXPECT_TRUE(scheduler_->busy());
  EXPECT_FALSE(scheduler_->StartBatch());  // one batch at a time
  ASSERT_TRUE(WaitAndReap(*scheduler_).ok());
  EXPECT_EQ(scheduler_->completed_epoch(), wanted);
  EXPECT_FALSE(scheduler_->has_dirty());
  EXPECT_EQ(scheduler_->covering_epoch(), scheduler_->completed_epoch());
  EXPECT_EQ(a->segment(0).synced_offset(), a->segment(0).end_offset());
}

TEST_F(SyncSchedulerTest, WritesDuringABatchWaitForTheNext) {
  auto log = NewLog("s");
  ASSERT_TRUE(AppendEntry(*log, {1, 0}, {{"f", "v"}}).ok());
  ASSERT_TRUE(scheduler_->StartBatch());
  ASSERT_TRUE(AppendEntry(*log, {2, 0}, {{"f", "v"}}).ok());
  const uint64_t wanted = scheduler_->covering_epoch();
  ASSERT_TRUE(WaitAndReap(*scheduler_).ok());
  EXPECT_LT(scheduler_->completed_epoch(), wanted);
  ASSERT_TRUE(scheduler_->StartBatch());
  ASSERT_TRUE(WaitAndReap(*scheduler_).ok());
  EXPECT_EQ(scheduler_->completed_epoch(), wanted);
}

TEST_F(SyncSchedulerTest, DestroyedLogDoesNotDangle) {
  auto log = NewLog("gone");
  ASSERT_TRUE(AppendEntry(*log, {1, 0}, {{"f", "v"}}).ok());
  ASSERT_TRUE(log->Destroy().ok());
  log.reset();
  ASSERT_TRUE(scheduler_->StartBatch());  // the parent directory's removal is still synced
  ASSERT_TRUE(WaitAndReap(*scheduler_).ok());
}

TEST_F(SyncSchedulerTest, SyncAllNowCompletesEverything) {
  auto log = NewLog("s");
  for (uint64_t ms = 1; ms <= 100; ++ms) ASSERT_TRUE(AppendEntry(*log, {ms, 0}, {{"f", "v"}}).ok());
  ASSERT_TRUE(scheduler_->StartBatch());
  ASSERT_TRUE(AppendEntry(*log, {101, 0}, {{"f", "v"}}).ok());
  const uint64_t wanted = scheduler_->covering_epoch();
  ASSERT_TRUE(scheduler_->SyncAllNow().ok());
  EXPECT_GE(scheduler_->completed_epoch(), wanted);
  EXPECT_FALSE(scheduler_->busy());
}

TEST_F(SyncSchedulerTest, WaitForRunningBatchReturnsOnceTheBatchRanWithoutReapingIt) {
  scheduler_->WaitForRunningBatch();  // nothing running: returns at once
  auto log = NewLog("w");
  ASSERT_TRUE(AppendEntry(*log, {1, 0}, {{"f", "v"}}).ok());
  ASSERT_TRUE(scheduler_->StartBatch());
  scheduler_->WaitForRunningBatch();
  EXPECT_TRUE(scheduler_->busy());  // still the loop's to reap
  EXPECT_EQ(scheduler_->completed_epoch(), 0u);
  ASSERT_TRUE(WaitAndReap(*scheduler_).ok());
  EXPECT_EQ(scheduler_->completed_epoch(), 1u);
}

}  // namespace
}  // namespace runnel::log
