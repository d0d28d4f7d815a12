#include "engine/log/log.h"

#include "engine/base/file.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/segment_naming.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::log {
namespace {

using testing::AppendEntry;
using testing::Entry;
using testing::Millis;
using testing::ReadAll;
using testing::TempDir;

class LogTest : public ::testing::Test {
 protected:
  std::string Dir() const { return temp_.path() + "/stream"; }
  std::unique_ptr<Log> Create() {
    auto log = Log::Create(Dir(), options_);
    EXPECT_TRUE(log.ok()) << log.status();
    return *std::move(log);
  }
  std::unique_ptr<Log> Reopen(RecoveryReport* report = nullptr) {
    RecoveryReport local;
    auto log = Log::Open(Dir(), options_, report != nullptr ? report : &local);
    EXPECT_TRUE(log.ok()) << log.status();
    return *std::move(log);
  }
  // Writes entries 1-0 ... 10-0, then damages the tenth as a crash mid-write
  // would; returns where the tenth began (the end of the ninth).
  uint64_t WriteTenAndTearTheTenth() {
    std::string path;
    uint64_t end_of_nine = 0;
    {
      auto log = Create();
      Fill(*log, 1, 9);
      end_of_nine = log->segment(0).end_offset();
      Fill(*log, 10, 10);
      path = log->segment(0).path();
    }  // closed before the damage, as after a crash
    testing::FlipByte(path, end_of_nine + kRecordHeaderSize + 2);
    return end_of_nine;
  }
  // Appends entries with IDs ms-0 for ms in [first, last], one 10-byte value each.
  void Fill(Log& log, uint64_t first, uint64_t last) {
    for (uint64_t ms = first; ms <= last; ++ms) {
      ASSERT_TRUE(AppendEntry(log, {ms, 0}, {{"field", std::string(10, 'a' + ms % 26)}}).ok());
    }
  }

  TempDir temp_;
  MappingCache cache_{64};
  LogOptions options_{.segment_max_bytes = 64 * 1024, .cache = &cache_};
};

TEST_F(LogTest, AppendedEntriesReadBackInBothDirections) {
  auto log = Create();
  ASSERT_TRUE(AppendEntry(*log, {1, 0}, {{"a", "1"}, {"b", "2"}}).ok());
  ASSERT_TRUE(AppendEntry(*log, {1, 1}, {{"a", "3"}, {"b", "4"}}).ok());
  ASSERT_TRUE(AppendEntry(*log, {2, 0}, {{"c", ""}}).ok());
  const std::vector<Entry> forward = ReadAll(*log);
  ASSERT_EQ(forward.size(), 3u);
  EXPECT_EQ(forward[1], (Entry{{1, 1}, {{"a", "3"}, {"b", "4"}}}));
  EXPECT_EQ(forward[2], (Entry{{2, 0}, {{"c", ""}}}));
  const std::vector<Entry> backward = ReadAll(*log, kMinRecordId, kMaxRecordId, ScanDirection::kBackward);
  ASSERT_EQ(backward.size(), 3u);
  EXPECT_EQ(backward[0].id, (RecordId{2, 0}));
  EXPECT_EQ(backward[2], forward[0]);
  EXPECT_EQ(log->length(), 3u);
  EXPECT_EQ(log->last_id(), (RecordId{2, 0}));
  EXPECT_EQ(log->entries_added(), 3u);
}

TEST_F(LogTest, AppendRejectsAnIdNotAboveTheLast) {
  auto log = Create();
  ASSERT_TRUE(AppendEntry(*log, {5, 5}, {{"f", "v"}}).ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(AppendEntry(*log, {5, 5}, {{"f", "v"}})));
  EXPECT_TRUE(absl::IsFailedPrecondition(AppendEntry(*log, {5, 4}, {{"f", "v"}})));
  EXPECT_EQ(log->length(), 1u);
}

TEST_F(LogTest, RepeatedFieldNamesAreStoredOnce) {
  auto log = Create();
  ASSERT_TRUE(AppendEntry(*log, {1, 0}, {{"temperature", "20"}}).ok());
  const uint64_t first = log->segment(0).end_offset();
  ASSERT_TRUE(AppendEntry(*log, {2, 0}, {{"temperature", "21"}}).ok());
  const uint64_t second = log->segment(0).end_offset() - first;
  // 25-byte frame + 1 back-offset byte + 1 length byte + 2 value bytes.
  EXPECT_EQ(second, kRecordHeaderSize + 4);
  ASSERT_TRUE(AppendEntry(*log, {3, 0}, {{"humidity", "50"}}).ok());
  ASSERT_TRUE(AppendEntry(*log, {4, 0}, {{"humidity", "51"}}).ok());
  const std::vector<Entry> entries = ReadAll(*log);
  EXPECT_EQ(entries[1], (Entry{{2, 0}, {{"temperature", "21"}}}));
  EXPECT_EQ(entries[3], (Entry{{4, 0}, {{"humidity", "51"}}}));
}

TEST_F(LogTest, SegmentsGrowGeometricallyUpToTheMaximum) {
  auto log = Create();
  Fill(*log, 1, 5000);
  ASSERT_GT(log->segment_count(), 4u);
  EXPECT_EQ(log->segment(0).capacity(), kInitialSegmentBytes);
  EXPECT_EQ(log->segment(1).capacity(), 2 * kInitialSegmentBytes);
  EXPECT_EQ(log->segment(log->segment_count() - 1).capacity(), options_.segment_max_bytes);
  EXPECT_EQ(ReadAll(*log).size(), 5000u);
}

TEST_F(LogTest, RangesStartAndEndInsideSegments) {
  auto log = Create();
  Fill(*log, 1, 3000);
  const std::vector<Entry> middle = ReadAll(*log, {1000, 0}, {2000, 0});
  ASSERT_EQ(middle.size(), 1001u);
  EXPECT_EQ(middle.front().id.ms, 1000u);
  EXPECT_EQ(middle.back().id.ms, 2000u);
  const std::vector<Entry> back = ReadAll(*log, {1000, 0}, {2000, 0}, ScanDirection::kBackward);
  ASSERT_EQ(back.size(), 1001u);
  EXPECT_EQ(back.front().id.ms, 2000u);
  EXPECT_EQ(back.back().id.ms, 1000u);
  EXPECT_TRUE(ReadAll(*log, {5000, 0}, kMaxRecordId).empty());
  EXPECT_EQ(ReadAll(*log, {1500, 1}, {1501, 0}).size(), 1u);
}

TEST_F(LogTest, ReopenRestoresEntriesAndCounters) {
  {
    auto log = Create();
    Fill(*log, 1, 2000);
  }
  RecoveryReport report;
  auto log = Reopen(&report);
  EXPECT_TRUE(report.clean()) << report.Describe();
  EXPECT_EQ(log->length(), 2000u);
  EXPECT_EQ(log->last_id(), (RecordId{2000, 0}));
  EXPECT_EQ(log->entries_added(), 2000u);
  EXPECT_EQ(Millis(ReadAll(*log, {1999, 0})), (std::vector<uint64_t>{1999, 2000}));
  Fill(*log, 2001, 2001);
  EXPECT_EQ(log->length(), 2001u);
}

TEST_F(LogTest, DeletionsPersistAcrossReopen) {
  {
    auto log = Create();
    Fill(*log, 1, 10);
    EXPECT_TRUE(*log->Delete({3, 0}));
    EXPECT_FALSE(*log->Delete({3, 0}));
    EXPECT_FALSE(*log->Delete({3, 1}));
    EXPECT_TRUE(*log->Delete({10, 0}));
    EXPECT_EQ(log->length(), 8u);
  }
  auto log = Reopen();
  EXPECT_EQ(log->length(), 8u);
  EXPECT_EQ(Millis(ReadAll(*log)), (std::vector<uint64_t>{1, 2, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(log->max_deleted_id(), (RecordId{10, 0}));
  EXPECT_EQ(log->last_id(), (RecordId{10, 0}));
}

TEST_F(LogTest, ExactTrimByCountKeepsTheNewestAndPersists) {
  {
    auto log = Create();
    Fill(*log, 1, 3000);
    ASSERT_TRUE(*log->Delete({2990, 0}));
    EXPECT_EQ(*log->TrimToLength(100, TrimMode::kExact), 2899u);
    EXPECT_EQ(log->length(), 100u);
    EXPECT_LT(log->segment_count(), 4u);
  }
  auto log = Reopen();
  EXPECT_EQ(log->length(), 100u);
  const std::vector<Entry> entries = ReadAll(*log);
  ASSERT_EQ(entries.size(), 100u);
  EXPECT_EQ(entries.front().id.ms, 2900u);
  EXPECT_EQ(*log->FirstId(), (RecordId{2900, 0}));
}

TEST_F(LogTest, ApproximateTrimDropsWholeSegmentsOnly) {
  auto log = Create();
  Fill(*log, 1, 3000);
  const size_t segments = log->segment_count();
  const uint64_t removed = *log->TrimToLength(1000, TrimMode::kApproximate);
  EXPECT_GT(removed, 0u);
  EXPECT_GE(log->length(), 1000u);
  EXPECT_LT(log->segment_count(), segments);
  EXPECT_EQ(ReadAll(*log).front().id, log->segment(0).base_id());
  EXPECT_EQ(*log->TrimToLength(log->length(), TrimMode::kApproximate), 0u);
}

TEST_F(LogTest, TrimByMinimumIdPersistsTheLogicalStart) {
  {
    auto log = Create();
    Fill(*log, 1, 50);
    EXPECT_EQ(*log->TrimBefore({20, 0}, TrimMode::kExact), 19u);
    EXPECT_EQ(*log->TrimBefore({10, 0}, TrimMode::kExact), 0u);
  }
  auto log = Reopen();
  EXPECT_EQ(log->length(), 31u);
  EXPECT_EQ(ReadAll(*log).front().id.ms, 20u);
}

TEST_F(LogTest, TrimmingEverythingKeepsTheLastIdAndAcceptsNewEntries) {
  {
    auto log = Create();
    Fill(*log, 1, 10);
    EXPECT_EQ(*log->TrimToLength(0, TrimMode::kExact), 10u);
    EXPECT_EQ(log->length(), 0u);
    EXPECT_EQ(*log->TrimBefore({1000, 0}, TrimMode::kExact), 0u);
  }
  auto log = Reopen();
  EXPECT_EQ(log->length(), 0u);
  EXPECT_EQ(log->last_id(), (RecordId{10, 0}));
  EXPECT_TRUE(ReadAll(*log).empty());
  Fill(*log, 11, 11);
  EXPECT_EQ(Millis(ReadAll(*log)), (std::vector<uint64_t>{11}));
}

TEST_F(LogTest, MetadataPersists) {
  {
    auto log = Create();
    Fill(*log, 1, 3);
    ASSERT_TRUE(log->SetMetadata({100, 5}, 42, {2, 0}).ok());
    Fill(*log, 101, 101);
  }
  auto log = Reopen();
  EXPECT_EQ(log->last_id(), (RecordId{101, 0}));
  EXPECT_EQ(log->entries_added(), 43u);
  EXPECT_EQ(log->max_deleted_id(), (RecordId{2, 0}));
}

TEST_F(LogTest, MetadataCanLowerTheLastIdDownToTheLastRecord) {
  auto log = Create();
  Fill(*log, 1, 3);
  ASSERT_TRUE(log->SetMetadata({50, 0}, 3, {}).ok());
  EXPECT_EQ(log->last_id(), (RecordId{50, 0}));
  ASSERT_TRUE(log->SetMetadata({3, 0}, 3, {}).ok());
  EXPECT_EQ(log->last_id(), (RecordId{3, 0}));
  EXPECT_EQ(log->pinned_last_id(), (RecordId{3, 0}));
  // Below a live entry: refused.
  EXPECT_TRUE(absl::IsFailedPrecondition(log->SetMetadata({2, 5}, 3, {})));
  EXPECT_EQ(log->last_id(), (RecordId{3, 0}));
}

TEST_F(LogTest, MetadataBelowEntriesDeletedFromTheEndRemovesTheirRecords) {
  {
    auto log = Create();
    Fill(*log, 1, 2000);  // several 64 KiB segments
    ASSERT_GT(log->segment_count(), 3u);
    // Everything after 1000-0 deleted: its records span several segments.
    for (uint64_t ms = 1001; ms <= 2000; ++ms) ASSERT_TRUE(*log->Delete({ms, 0}));
    ASSERT_TRUE(log->SetMetadata({1000, 7}, 2000, {2000, 0}).ok());
    EXPECT_EQ(log->last_id(), (RecordId{1000, 7}));
    EXPECT_EQ(log->length(), 1000u);
    EXPECT_EQ(log->entries_added(), 2000u);
    // New entries take the deleted ones' IDs, in the segment that held
    // 1000-0 and in new ones after it.
    EXPECT_FALSE(AppendEntry(*log, {1000, 7}, {{"f", "v"}}).ok());
    Fill(*log, 1001, 1500);
    EXPECT_EQ(log->length(), 1500u);
    EXPECT_EQ(log->entries_added(), 2500u);
  }
  RecoveryReport report;
  auto log = Reopen(&report);
  EXPECT_TRUE(report.clean()) << report.Describe();
  const std::vector<Entry> entries = ReadAll(*log);
  ASSERT_EQ(entries.size(), 1500u);
  for (uint64_t i = 0; i < entries.size(); ++i) EXPECT_EQ(entries[i].id, (RecordId{i + 1, 0}));
  EXPECT_EQ(log->length(), 1500u);
  EXPECT_EQ(log->last_id(), (RecordId{1500, 0}));
  EXPECT_EQ(log->entries_added(), 2500u);
  EXPECT_EQ(log->max_deleted_id(), (RecordId{2000, 0}));
}

TEST_F(LogTest, MetadataBelowDeletedEntriesInTheTailSegmentOnly) {
  {
    auto log = Create();
    Fill(*log, 1, 5);
    ASSERT_TRUE(*log->Delete({4, 0}));
    ASSERT_TRUE(*log->Delete({5, 0}));
    // 3-0 is live: refused below it, accepted between it and the deleted ones.
    EXPECT_TRUE(absl::IsFailedPrecondition(log->SetMetadata({2, 0}, 5, {})));
    ASSERT_TRUE(log->SetMetadata({3, 1}, 5, {5, 0}).ok());
    EXPECT_EQ(log->length(), 3u);
    ASSERT_TRUE(AppendEntry(*log, {4, 0}, {{"again", "x"}}).ok());
  }
  auto log = Reopen();
  const std::vector<Entry> entries = ReadAll(*log);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[3], (Entry{{4, 0}, {{"again", "x"}}}));
  EXPECT_EQ(log->length(), 4u);
  EXPECT_EQ(log->entries_added(), 6u);
}

TEST_F(LogTest, MetadataBelowTheRecordsOfAnEmptyLogDropsEverySegment) {
  {
    auto log = Create();
    Fill(*log, 1, 2000);  // several 64 KiB segments
    ASSERT_GT(log->segment_count(), 2u);
    ASSERT_TRUE(log->TrimToLength(1, TrimMode::kExact).ok());
    ASSERT_TRUE(*log->Delete({2000, 0}));
    ASSERT_EQ(log->length(), 0u);
    ASSERT_TRUE(log->SetMetadata({0, 5}, 7, {1, 1}).ok());
    EXPECT_EQ(log->segment_count(), 0u);
    EXPECT_EQ(log->last_id(), (RecordId{0, 5}));
    Fill(*log, 2000, 2000);  // the ID of the deleted entry, live again
  }
  auto log = Reopen();
  EXPECT_EQ(Millis(ReadAll(*log)), (std::vector<uint64_t>{2000}));
  EXPECT_EQ(log->length(), 1u);
  EXPECT_EQ(log->entries_added(), 8u);
  EXPECT_EQ(log->max_deleted_id(), (RecordId{1, 1}));
  EXPECT_EQ(log->last_id(), (RecordId{2000, 0}));
}

TEST_F(LogTest, MaxDeletedIdIsKeptByTrimsAndCanBeLowered) {
  {
    auto log = Create();
    Fill(*log, 1, 10);
    ASSERT_TRUE(*log->Delete({5, 0}));
    ASSERT_TRUE(log->TrimToLength(2, TrimMode::kExact).ok());  // forgets the tombstone of 5-0
    EXPECT_EQ(log->max_deleted_id(), (RecordId{5, 0}));
    ASSERT_TRUE(log->SetMetadata({10, 0}, 10, {0, 3}).ok());
    ASSERT_TRUE(*log->Delete({9, 0}));
    ASSERT_TRUE(log->SetMetadata({10, 0}, 10, {0, 4}).ok());
  }
  auto log = Reopen();
  EXPECT_EQ(log->max_deleted_id(), (RecordId{0, 4}));
  ASSERT_TRUE(*log->Delete({10, 0}));
  EXPECT_EQ(log->max_deleted_id(), (RecordId{10, 0}));
}

TEST_F(LogTest, MappingsAreBoundedByTheCache) {
  MappingCache small(2);
  options_.cache = &small;
  auto log = Create();
  Fill(*log, 1, 5000);
  EXPECT_LE(small.size(), 2u);
  EXPECT_GT(small.evictions(), 0u);
  EXPECT_EQ(ReadAll(*log).size(), 5000u);
  EXPECT_LE(small.size(), 2u);
}

TEST_F(LogTest, DestroyRemovesTheDirectory) {
  auto log = Create();
  Fill(*log, 1, 100);
  ASSERT_TRUE(log->Destroy().ok());
  EXPECT_FALSE(base::PathExists(Dir()));
}

TEST_F(LogTest, TornTailIsDroppedAndReported) {
  const uint64_t end_of_nine = WriteTenAndTearTheTenth();
  RecoveryReport report;
  auto log = Reopen(&report);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].kind, RecoveryProblem::Kind::kTornTail);
  EXPECT_EQ(report.problems[0].offset, end_of_nine);
  EXPECT_EQ(log->length(), 9u);
  EXPECT_EQ(log->last_id(), (RecordId{9, 0}));
  // The dropped bytes are zeroed: the next append cannot resurrect them.
  Fill(*log, 10, 10);
  RecoveryReport again;
  auto reopened = Reopen(&again);
  EXPECT_TRUE(again.clean()) << again.Describe();
  EXPECT_EQ(reopened->length(), 10u);
}

TEST_F(LogTest, DeferredOpenRecoversTheTailOnFirstUse) {
  WriteTenAndTearTheTenth();
  RecoveryReport report;
  auto opened = Log::OpenDeferred(Dir(), options_, &report);
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto& log = *opened;
  // The meta journal only: no segment opened, nothing verified or reported.
  EXPECT_FALSE(log->recovered());
  EXPECT_TRUE(report.clean()) << report.Describe();
  EXPECT_EQ(report.bytes_scanned, 0u);
  EXPECT_EQ(report.segments, 0u);
  // Any operation recovers first, with the same repair Open() makes.
  EXPECT_EQ(ReadAll(*log).size(), 9u);
  EXPECT_TRUE(log->recovered());
  EXPECT_EQ(log->length(), 9u);
  EXPECT_EQ(log->last_id(), (RecordId{9, 0}));
  Fill(*log, 10, 10);
  // Appending first works as well.
  log.reset();
  auto again = Log::OpenDeferred(Dir(), options_, nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(AppendEntry(**again, {10, 0}, {{"f", "v"}}).ok());  // 10-0 exists: recovered first
  EXPECT_TRUE(AppendEntry(**again, {11, 0}, {{"f", "v"}}).ok());
  EXPECT_EQ((*again)->length(), 11u);
}

TEST_F(LogTest, PositionsAndCountsSkipDeletedAndTrimmedEntries) {
  auto log = Create();
  Fill(*log, 1, 3000);
  ASSERT_TRUE(log->TrimBefore({101, 0}, TrimMode::kExact).ok());
  for (uint64_t ms : {101, 150, 151, 2000}) ASSERT_TRUE(*log->Delete({ms, 0}));
  EXPECT_EQ(*log->IdAtPosition(0), (RecordId{102, 0}));
  EXPECT_EQ(*log->IdAtPosition(47), (RecordId{149, 0}));
  EXPECT_EQ(*log->IdAtPosition(48), (RecordId{152, 0}));
  EXPECT_EQ(*log->IdAtPosition(log->length() - 1), (RecordId{3000, 0}));
  EXPECT_EQ(*log->IdAtPosition(log->length()), std::nullopt);
  EXPECT_EQ(*log->CountBefore({152, 0}), 48u);
  EXPECT_EQ(*log->CountBefore({50, 0}), 0u);
  EXPECT_EQ(*log->CountBefore(kMaxRecordId), log->length());
}

// A power loss can keep a journal's deletion but lose the segment bytes of
// the entry it deleted; a new entry with that ID must not be born deleted.
TEST_F(LogTest, DeletedIdsAboveTheLastEntryAreForgottenAtOpen) {
  std::string path;
  uint64_t end_of_five = 0;
  {
    auto log = Create();
    Fill(*log, 1, 5);
    end_of_five = log->segment(0).end_offset();
    Fill(*log, 6, 6);
    ASSERT_TRUE(*log->Delete({6, 0}));
    path = log->segment(0).path();
  }
  testing::ZeroRange(path, end_of_five, testing::FileSize(path));
  RecoveryReport report;
  auto log = Reopen(&report);
  EXPECT_EQ(log->length(), 5u);
  Fill(*log, 6, 6);
  EXPECT_EQ(log->length(), 6u);
  auto reopened = Reopen();
  EXPECT_EQ(reopened->length(), 6u);
  EXPECT_EQ(Millis(ReadAll(*reopened)).back(), 6u);
}

TEST_F(LogTest, AnEntryCannotLandBelowTheLogicalStart) {
  {
    auto log = Create();
    Fill(*log, 1, 5);
    ASSERT_TRUE(log->TrimBefore({3, 0}, TrimMode::kExact).ok());
  }
  // The segment is lost; the journal's logical start (3-0) survives.
  ASSERT_TRUE(base::RemoveFile(Dir() + "/" + SegmentFileName({1, 0})).ok());
  auto log = Reopen();
  EXPECT_GE(log->last_id(), (RecordId{2, UINT64_MAX}));
  EXPECT_TRUE(absl::IsFailedPrecondition(AppendEntry(*log, {2, 0}, {{"f", "v"}})));
}

// The worked example of docs/storage-format.md, byte for byte (checksums aside).
TEST_F(LogTest, StorageFormatDocExampleMatchesTheBytesWritten) {
  auto log = Create();
  ASSERT_TRUE(AppendEntry(*log, {1700000000000, 0}, {{"temperature", "21"}}).ok());
  ASSERT_TRUE(AppendEntry(*log, {1700000000001, 0}, {{"temperature", "22"}}).ok());
  auto bytes = base::ReadFileRange(log->segment(0).path(), kSegmentHeaderSize, 41 + 29);
  ASSERT_TRUE(bytes.ok());
  const std::string first = bytes->substr(4, 37);
  EXPECT_EQ(first, std::string("\x10\0\0\0\x01\x00\x68\xe5\xcf\x8b\x01\0\0", 13) + std::string(8, '\0') +
                       "\x01\x0btemperature\x02" "21");
  const std::string second = bytes->substr(41 + 4, 25);
  EXPECT_EQ(second, std::string("\x04\0\0\0\x02\x01\x68\xe5\xcf\x8b\x01\0\0", 13) + std::string(8, '\0') +
                        "\x29\x02" "22");
}

TEST_F(LogTest, MovedLogReadsEvictedSegmentsFromItsNewDirectory) {
  cache_.set_capacity(1);  // every read of another segment remaps it by path
  auto log = Create();
  Fill(*log, 1, 3000);
  ASSERT_GT(log->segment_count(), 3u);
  ASSERT_TRUE(log->SetExpireAt(123'456).ok());
  const std::string moved = temp_.path() + "/moved";
  ASSERT_TRUE(log->MoveTo(moved).ok());
  EXPECT_EQ(log->directory(), moved);
  EXPECT_FALSE(base::PathExists(Dir()));
  for (size_t i = 0; i < log->segment_count(); ++i) {
    EXPECT_EQ(log->segment(i).path().rfind(moved + "/", 0), 0u) << log->segment(i).path();
  }
  EXPECT_EQ(ReadAll(*log).size(), 3000u);
  Fill(*log, 3001, 3100);
  ASSERT_TRUE(log->Delete({5, 0}).ok());  // a journal write at the new path
  log.reset();
  auto reopened = Log::Open(moved, options_, nullptr);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->length(), 3099u);
  EXPECT_EQ((*reopened)->expire_at_ms(), 123'456);
}

TEST_F(LogTest, MoveOntoAnExistingNonEmptyDirectoryFailsAndKeepsTheLog) {
  auto log = Create();
  Fill(*log, 1, 10);
  const std::string other = temp_.path() + "/other";
  ASSERT_TRUE(base::CreateDirectories(other).ok());
  ASSERT_TRUE(base::WriteFileAtomically(other + "/x", "x").ok());
  EXPECT_FALSE(log->MoveTo(other).ok());
  EXPECT_EQ(log->directory(), Dir());
  EXPECT_EQ(ReadAll(*log).size(), 10u);
}

}  // namespace
}  // namespace runnel::log
