#include "engine/log/meta_journal.h"

#include "engine/base/file.h"
#include "engine/log/record_writer.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::log {
namespace {

using testing::TempDir;

class MetaJournalTest : public ::testing::Test {
 protected:
  std::string Path() const { return temp_.path() + "/meta"; }
  MetaJournal Load(RecoveryReport* report = nullptr) {
    auto journal = MetaJournal::Load(Path(), report);
    EXPECT_TRUE(journal.ok()) << journal.status();
    return *std::move(journal);
  }
  TempDir temp_;
};

TEST_F(MetaJournalTest, MissingFileIsAnEmptyJournalAndIsNotCreated) {
  MetaJournal journal = Load();
  EXPECT_EQ(journal.state(), LogState{});
  EXPECT_TRUE(journal.deleted().empty());
  EXPECT_FALSE(base::PathExists(Path()));
}

TEST_F(MetaJournalTest, LastStateWinsAndDeletionsAccumulate) {
  const LogState first{.logical_first = {5, 0}, .logical_first_ordinal = 4};
  const LogState second{.logical_first = {7, 1}, .logical_first_ordinal = 6, .entries_added_adjust = -3,
                        .last_id_floor = {100, 2}, .max_deleted = {9, 9}};
  {
    MetaJournal journal = Load();
    ASSERT_TRUE(journal.WriteState(first).ok());
    ASSERT_TRUE(journal.AddDeleted({8, 0}).ok());
    ASSERT_TRUE(journal.AddDeleted({6, 0}).ok());
    ASSERT_TRUE(journal.WriteState(second).ok());
  }
  MetaJournal journal = Load();
  EXPECT_EQ(journal.state(), second);
  // 6-0 is below the logical start 7-1: trimmed, so forgotten.
  EXPECT_EQ(std::vector<RecordId>(journal.deleted().begin(), journal.deleted().end()),
            (std::vector<RecordId>{{8, 0}}));
}

TEST_F(MetaJournalTest, DeletionsAfterAStateRaiseItsLargestDeletedId) {
  {
    MetaJournal journal = Load();
    ASSERT_TRUE(journal.AddDeleted({8, 0}).ok());
    EXPECT_EQ(journal.state().max_deleted, (RecordId{8, 0}));
    ASSERT_TRUE(journal.WriteState(LogState{.max_deleted = {2, 0}}).ok());  // XSETID lowers it
    ASSERT_TRUE(journal.AddDeleted({4, 0}).ok());
    ASSERT_TRUE(journal.AddDeleted({3, 0}).ok());
    EXPECT_EQ(journal.state().max_deleted, (RecordId{4, 0}));
  }
  EXPECT_EQ(Load().state().max_deleted, (RecordId{4, 0}));
}

TEST_F(MetaJournalTest, RewriteKeepsALoweredLargestDeletedId) {
  {
    MetaJournal journal = Load();
    ASSERT_TRUE(journal.AddDeleted({8, 0}).ok());
    ASSERT_TRUE(journal.Rewrite(LogState{.max_deleted = {1, 0}}, {{8, 0}, {9, 0}}).ok());
  }
  MetaJournal journal = Load();
  EXPECT_EQ(journal.state().max_deleted, (RecordId{1, 0}));
  EXPECT_EQ(journal.deleted().size(), 2u);
}

TEST_F(MetaJournalTest, TornTailIsTruncatedAndReported) {
  {
    MetaJournal journal = Load();
    ASSERT_TRUE(journal.AddDeleted({1, 0}).ok());
    ASSERT_TRUE(journal.AddDeleted({2, 0}).ok());
  }
  const uint64_t size = testing::FileSize(Path());
  ASSERT_EQ(truncate(Path().c_str(), static_cast<off_t>(size - 3)), 0);
  RecoveryReport report;
  MetaJournal journal = Load(&report);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].kind, RecoveryProblem::Kind::kTornTail);
  EXPECT_EQ(journal.deleted().size(), 1u);
  EXPECT_EQ(testing::FileSize(Path()), size - kRecordHeaderSize);
  // Appends continue cleanly after the truncation.
  ASSERT_TRUE(journal.AddDeleted({3, 0}).ok());
  RecoveryReport again;
  EXPECT_EQ(Load(&again).deleted().size(), 2u);
  EXPECT_TRUE(again.clean());
}

TEST_F(MetaJournalTest, BadHeaderIsReportedKeptAsideAndAFreshJournalStarts) {
  ASSERT_TRUE(base::AppendToFile(Path(), std::string(40, 'x')).ok());
  RecoveryReport report;
  MetaJournal journal = Load(&report);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].kind, RecoveryProblem::Kind::kCorruption);
  EXPECT_TRUE(base::PathExists(Path() + ".damaged"));
  ASSERT_TRUE(journal.AddDeleted({7, 0}).ok());
  RecoveryReport again;
  EXPECT_EQ(Load(&again).deleted().size(), 1u);
  EXPECT_TRUE(again.clean()) << again.Describe();
}

TEST_F(MetaJournalTest, CompactionKeepsOnlyLiveState) {
  MetaJournal journal = Load();
  for (uint64_t ms = 1; ms <= 5000; ++ms) ASSERT_TRUE(journal.AddDeleted({ms, 0}).ok());
  const uint64_t before = testing::FileSize(Path());
  LogState state;
  state.logical_first = {4990, 0};
  ASSERT_TRUE(journal.WriteState(state).ok());
  ASSERT_TRUE(journal.ForgetDeletedBefore(state.logical_first).ok());
  EXPECT_LT(testing::FileSize(Path()), before / 100);
  MetaJournal reloaded = Load();
  EXPECT_EQ(reloaded.deleted().size(), 11u);
  EXPECT_EQ(reloaded.state(), state);
}

TEST_F(MetaJournalTest, LastExpiryRecordWinsAcrossReloads) {
  {
    MetaJournal journal = Load();
    EXPECT_EQ(journal.expire_at_ms(), 0);
    ASSERT_TRUE(journal.WriteExpireAt(1'700'000'000'123).ok());
    ASSERT_TRUE(journal.AddDeleted({4, 0}).ok());
    ASSERT_TRUE(journal.WriteExpireAt(1'800'000'000'456).ok());
  }
  EXPECT_EQ(Load().expire_at_ms(), 1'800'000'000'456);
  {
    MetaJournal journal = Load();
    ASSERT_TRUE(journal.WriteExpireAt(0).ok());  // PERSIST
  }
  MetaJournal journal = Load();
  EXPECT_EQ(journal.expire_at_ms(), 0);
  EXPECT_EQ(journal.deleted().size(), 1u);
}

TEST_F(MetaJournalTest, ParseJournalReadsTheExpiry) {
  {
    MetaJournal journal = Load();
    ASSERT_TRUE(journal.WriteExpireAt(42'000).ok());
  }
  absl::StatusOr<std::string> bytes = base::ReadSmallFile(Path());
  ASSERT_TRUE(bytes.ok());
  const JournalContents contents = ParseJournal(*bytes);
  EXPECT_EQ(contents.header, JournalContents::Header::kValid);
  EXPECT_EQ(contents.expire_at_ms, 42'000);
  EXPECT_EQ(contents.records, 1u);
  EXPECT_EQ(contents.torn_reason, nullptr);
}

TEST_F(MetaJournalTest, ExpiryRecordWithABadPayloadIsATornTail) {
  {
    MetaJournal journal = Load();
    ASSERT_TRUE(journal.WriteExpireAt(42'000).ok());
  }
  std::string bad;
  AppendRecord(&bad, RecordType::kMetaExpire, RecordId{}, "short");
  ASSERT_TRUE(base::AppendToFile(Path(), bad).ok());
  RecoveryReport report;
  MetaJournal journal = Load(&report);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].kind, RecoveryProblem::Kind::kTornTail);
  EXPECT_EQ(journal.expire_at_ms(), 42'000);
}

TEST_F(MetaJournalTest, RepeatedExpiriesAreCompactedAway) {
  {
    MetaJournal journal = Load();
    for (int i = 1; i <= 10'000; ++i) ASSERT_TRUE(journal.WriteExpireAt(i).ok());
  }
  // Compaction keeps the file near the live state: one state and one expiry.
  EXPECT_LT(testing::FileSize(Path()), 5000u * 40);
  EXPECT_EQ(Load().expire_at_ms(), 10'000);
}

}  // namespace
}  // namespace runnel::log
