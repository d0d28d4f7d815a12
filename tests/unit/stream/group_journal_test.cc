#include "engine/stream/group_journal.h"

#include <chrono>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "engine/base/file.h"
#include "engine/log/journal_scan.h"
#include "engine/log/record_format.h"
#include "engine/log/recovery.h"
#include "engine/log/sync_scheduler.h"
#include "engine/stream/group_record_codec.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::stream {
namespace {

using log::RecoveryProblem;
using log::testing::FileSize;
using log::testing::FlipByte;
using log::testing::TempDir;
using log::testing::ZeroRange;

// Every group's state as text, to compare a journal's state across reopens.
std::string Dump(const ConsumerGroups& groups) {
  std::string out;
  groups.ForEach([&](const std::string& name, const ConsumerGroup& group) {
    absl::StrAppendFormat(&out, "group %s last=%s read=%d\n", name, FormatId(group.last_delivered()),
                          group.entries_read());
    group.ForEachConsumer([&](const Consumer& consumer) {
      absl::StrAppendFormat(&out, " consumer %s seen=%d active=%d\n", consumer.name, consumer.seen_ms,
                            consumer.active_ms);
      for (StreamId id : consumer.pending) {
        const PendingEntry* entry = group.FindPending(id);
        absl::StrAppendFormat(&out, "  %s ms=%d count=%d owner=%s\n", FormatId(id), entry->delivery_ms,
                              entry->delivery_count, group.consumer(entry->owner).name);
      }
    });
  });
  return out;
}

std::vector<PendingUpdate> Updates(uint64_t first_ms, size_t count, int64_t delivery_ms, uint32_t delivery_count = 1) {
  std::vector<PendingUpdate> updates;
  for (size_t i = 0; i < count; ++i) {
    updates.push_back(PendingUpdate{.id = {first_ms + i / 3, i % 3}, .delivery_ms = delivery_ms,
                                    .delivery_count = delivery_count});
  }
  return updates;
}

std::string ReadFile(const std::string& path) {
  absl::StatusOr<std::string> bytes = base::ReadSmallFile(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.value_or("");
}

void WriteFile(const std::string& path, std::string_view bytes) {
  ASSERT_TRUE(base::WriteFileAtomically(path, bytes).ok());
}

class GroupJournalTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(base::CreateDirectories(directory_).ok()); }

  std::unique_ptr<ConsumerGroups> Open(log::SyncScheduler* scheduler = nullptr) {
    report_ = log::RecoveryReport{};
    auto groups = ConsumerGroups::Open(directory_, scheduler, &report_);
    EXPECT_TRUE(groups.ok()) << groups.status();
    return groups.ok() ? *std::move(groups) : std::make_unique<ConsumerGroups>();
  }
  std::string Reopened() { return Dump(*Open()); }

  // A journal with one record of every kind; returns the file's size after
  // each change.
  std::vector<uint64_t> WriteEveryKind(ConsumerGroups& groups) {
    std::vector<uint64_t> sizes;
    auto step = [&](const absl::Status& status) {
      EXPECT_TRUE(status.ok()) << status;
      sizes.push_back(FileSize(path()));
    };
    step(groups.CreateGroup("g", {5, 1}, 3));
    step(groups.CreateGroup("unknown-read", {0, 0}, kEntriesReadUnknown));
    step(groups.CreateGroup("doomed", {1, 0}, 0));
    step(groups.CreateConsumer("g", "idle", 1000));
    const std::vector<PendingUpdate> uniform = Updates(10, 7, 2000);
    step(groups.SetPending("g", "alice", 2000, uniform));
    // Claimed by bob, each with its own time and count (XCLAIM TIME, RETRYCOUNT).
    const std::vector<PendingUpdate> mixed = {{.id = {10, 2}, .delivery_ms = 2500, .delivery_count = 4},
                                              {.id = {10, 0}, .delivery_ms = 1500, .delivery_count = 2},
                                              {.id = {12, 0}, .delivery_ms = 2600, .delivery_count = UINT32_MAX}};
    step(groups.SetPending("g", "bob", 3000, mixed));
    const StreamId acked[] = {{10, 1}, {11, 0}, {99, 0}};
    step(groups.Acknowledge("g", acked).status());
    step(groups.SetPosition("g", {12, 0}, 9));
    step(groups.CreateConsumer("g", "gone", 4000));
    step(groups.SetPending("g", "gone", 4100, Updates(20, 2, 4100)));
    step(groups.DeleteConsumer("g", "gone").status());
    step(groups.DestroyGroup("doomed"));
    return sizes;
  }

  std::string path() const { return directory_ + "/groups"; }

  TempDir temp_;
  std::string directory_ = temp_.path() + "/s";
  log::RecoveryReport report_;
};

TEST_F(GroupJournalTest, MissingFileMeansNoGroupsAndIsNotCreatedByOpening) {
  auto groups = Open();
  EXPECT_TRUE(groups->empty());
  EXPECT_FALSE(base::PathExists(path()));
  EXPECT_TRUE(report_.clean());
}

TEST_F(GroupJournalTest, EveryRecordKindSurvivesAReopen) {
  auto groups = Open();
  WriteEveryKind(*groups);
  const std::string before = Dump(*groups);
  // Spot checks that the changes did what they say, so equality means something.
  const ConsumerGroup* g = groups->Find("g");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(groups->Find("doomed"), nullptr);
  EXPECT_EQ(g->FindConsumer("gone"), nullptr);
  EXPECT_EQ(g->pel().size(), 5u);  // 7 delivered, 2 acknowledged
  EXPECT_EQ(g->FindPending({10, 2})->delivery_count, 4u);
  EXPECT_EQ(g->consumer(g->FindPending({10, 2})->owner).name, "bob");
  EXPECT_EQ(g->FindPending({12, 0})->delivery_count, UINT32_MAX);
  EXPECT_EQ(g->FindConsumer("idle")->active_ms, -1);
  EXPECT_EQ(g->last_delivered(), (StreamId{12, 0}));
  EXPECT_EQ(groups->Find("unknown-read")->entries_read(), kEntriesReadUnknown);
  groups.reset();
  EXPECT_EQ(Reopened(), before);
  EXPECT_TRUE(report_.clean()) << report_.Describe();
}

TEST_F(GroupJournalTest, AppendsAfterAReopenFollowTheReplayedRecords) {
  WriteEveryKind(*Open());
  auto groups = Open();
  ASSERT_TRUE(groups->SetPending("g", "carol", 5000, Updates(30, 1, 5000)).ok());
  const std::string before = Dump(*groups);
  groups.reset();
  EXPECT_EQ(Reopened(), before);
}

TEST_F(GroupJournalTest, ADeliveryAndTheGroupsNewPositionAreOneRecord) {
  auto groups = Open();
  ASSERT_TRUE(groups->CreateGroup("g", {0, 0}, 0).ok());
  const uint64_t before = FileSize(path());
  const std::string without = Dump(*groups);
  ASSERT_TRUE(groups->Deliver("g", "c", 2000, Updates(10, 5, 2000), {11, 1}, 5).ok());
  const ConsumerGroup* g = groups->Find("g");
  EXPECT_EQ(g->pel().size(), 5u);
  EXPECT_EQ(g->last_delivered(), (StreamId{11, 1}));
  EXPECT_EQ(g->entries_read(), 5);
  const std::string with = Dump(*groups);
  groups.reset();
  EXPECT_EQ(Reopened(), with);
  // Cut anywhere inside, the record is dropped whole: the entries are never
  // pending while the group is still before them (they would be delivered
  // as new twice), nor the group past entries that are not pending.
  const std::string full = ReadFile(path());
  for (uint64_t cut = before; cut < full.size(); ++cut) {
    SCOPED_TRACE(cut);
    WriteFile(path(), full.substr(0, cut));
    EXPECT_EQ(Reopened(), without);
  }
}

TEST_F(GroupJournalTest, TornTailAtEveryOffsetOfTheLastRecordIsTruncatedAndReported) {
  auto groups = Open();
  const std::vector<uint64_t> sizes = WriteEveryKind(*groups);
  groups.reset();
  const std::string full = ReadFile(path());
  const uint64_t last_start = sizes[sizes.size() - 2];
  // The state without the last record (DestroyGroup "doomed").
  WriteFile(path(), full.substr(0, last_start));
  const std::string without_last = Reopened();
  ASSERT_NE(without_last.find("group doomed"), std::string::npos);
  for (uint64_t cut = last_start + 1; cut < full.size(); ++cut) {
    SCOPED_TRACE(cut);
    WriteFile(path(), full.substr(0, cut));
    EXPECT_EQ(Reopened(), without_last);
    ASSERT_EQ(report_.problems.size(), 1u);
    EXPECT_EQ(report_.problems[0].kind, RecoveryProblem::Kind::kTornTail);
    EXPECT_EQ(report_.problems[0].offset, last_start);
    EXPECT_EQ(report_.problems[0].bytes_dropped, cut - last_start);
    EXPECT_EQ(FileSize(path()), last_start);
  }
  // The file grew but the record's bytes never reached the disk (zeros).
  WriteFile(path(), full);
  ZeroRange(path(), last_start, full.size());
  EXPECT_EQ(Reopened(), without_last);
  ASSERT_EQ(report_.problems.size(), 1u);
  EXPECT_EQ(report_.problems[0].kind, RecoveryProblem::Kind::kTornTail);
  EXPECT_EQ(FileSize(path()), last_start);
}

TEST_F(GroupJournalTest, FlippedByteInTheMiddleStopsTheReplayThereAndKeepsACopy) {
  auto groups = Open();
  const std::vector<uint64_t> sizes = WriteEveryKind(*groups);
  groups.reset();
  const std::string full = ReadFile(path());
  // Records 0..3 stay; the flip is in record 4's payload (SetPending).
  WriteFile(path(), full.substr(0, sizes[3]));
  const std::string first_four = Reopened();
  WriteFile(path(), full);
  FlipByte(path(), sizes[3] + log::kRecordHeaderSize + 2);
  const std::string flipped = ReadFile(path());
  EXPECT_EQ(Reopened(), first_four);
  ASSERT_EQ(report_.problems.size(), 1u);
  EXPECT_EQ(report_.problems[0].kind, RecoveryProblem::Kind::kCorruption);
  EXPECT_EQ(report_.problems[0].offset, sizes[3]);
  EXPECT_EQ(ReadFile(path() + ".damaged"), flipped);
  // The journal goes on from the last good record.
  EXPECT_EQ(FileSize(path()), sizes[3]);
  groups = Open();
  ASSERT_TRUE(groups->CreateGroup("after", {1, 0}, 0).ok());
  groups.reset();
  EXPECT_NE(Reopened().find("group after"), std::string::npos);
  EXPECT_TRUE(report_.clean()) << report_.Describe();
}

TEST_F(GroupJournalTest, FlippedByteInTheLastRecordIsATornTail) {
  auto groups = Open();
  const std::vector<uint64_t> sizes = WriteEveryKind(*groups);
  groups.reset();
  FlipByte(path(), sizes[sizes.size() - 2] + log::kRecordHeaderSize);
  Reopened();
  ASSERT_EQ(report_.problems.size(), 1u);
  EXPECT_EQ(report_.problems[0].kind, RecoveryProblem::Kind::kTornTail);
  EXPECT_NE(Dump(*Open()).find("group doomed"), std::string::npos);
}

TEST_F(GroupJournalTest, RecordThatDoesNotApplyIsCorruption) {
  std::string bytes = log::JournalHeader(log::kGroupsMagic);
  const std::vector<PendingUpdate> updates = Updates(1, 2, 0);
  AppendGroupRecord(&bytes, GroupRecord{.kind = GroupRecord::Kind::kCreateGroup, .group = "g"});
  AppendGroupRecord(&bytes, GroupRecord{.kind = GroupRecord::Kind::kSetPending, .group = "nope", .consumer = "c",
                                        .pending = updates});
  WriteFile(path(), bytes);
  auto groups = Open();
  EXPECT_EQ(groups->size(), 1u);
  ASSERT_EQ(report_.problems.size(), 1u);
  EXPECT_EQ(report_.problems[0].kind, RecoveryProblem::Kind::kCorruption);
  EXPECT_NE(report_.problems[0].reason.find("does not apply"), std::string::npos);
}

TEST_F(GroupJournalTest, BadHeaderIsKeptAsDamagedAndGroupsStartEmpty) {
  WriteEveryKind(*Open());
  FlipByte(path(), 0);
  auto groups = Open();
  EXPECT_TRUE(groups->empty());
  ASSERT_EQ(report_.problems.size(), 1u);
  EXPECT_EQ(report_.problems[0].kind, RecoveryProblem::Kind::kCorruption);
  EXPECT_TRUE(base::PathExists(path() + ".damaged"));
  EXPECT_FALSE(base::PathExists(path()));
  ASSERT_TRUE(groups->CreateGroup("fresh", {}, 0).ok());
  groups.reset();
  EXPECT_EQ(Reopened(), "group fresh last=0-0 read=0\n");
}

TEST_F(GroupJournalTest, FileHoldingOnlyZerosIsAnEmptyJournal) {
  WriteFile(path(), std::string(40, '\0'));
  auto groups = Open();
  EXPECT_TRUE(groups->empty());
  ASSERT_EQ(report_.problems.size(), 1u);
  EXPECT_EQ(report_.problems[0].kind, RecoveryProblem::Kind::kTornTail);
  ASSERT_TRUE(groups->CreateGroup("g", {}, 0).ok());
  groups.reset();
  EXPECT_EQ(Reopened(), "group g last=0-0 read=0\n");
}

TEST_F(GroupJournalTest, ChangeThatDoesNotApplyIsRefusedAndNotJournaled) {
  auto groups = Open();
  ASSERT_TRUE(groups->CreateGroup("g", {}, 0).ok());
  const uint64_t size = FileSize(path());
  EXPECT_EQ(groups->CreateGroup("g", {1, 0}, 0).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(groups->SetPosition("nope", {1, 0}, 0).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(FileSize(path()), size);
  groups.reset();
  EXPECT_EQ(Reopened(), "group g last=0-0 read=0\n");
  EXPECT_TRUE(report_.clean()) << report_.Describe();
}

TEST_F(GroupJournalTest, RecordsAreCompact) {
  std::string set_pending;
  const std::vector<PendingUpdate> updates = Updates(1700000000000, 100, 1700000000123);
  AppendGroupRecord(&set_pending, GroupRecord{.kind = GroupRecord::Kind::kSetPending, .group = "workers",
                                              .consumer = "worker-1", .time_ms = 1700000000123,
                                              .pending = updates});
  std::vector<StreamId> ids;
  for (const PendingUpdate& update : updates) ids.push_back(update.id);
  std::string acknowledge;
  AppendGroupRecord(&acknowledge, GroupRecord{.kind = GroupRecord::Kind::kAcknowledge, .group = "workers", .ids = ids});
  std::printf("kSetPending of 100 entries: %zu bytes (%.2f per entry); kAcknowledge of 100 IDs: %zu bytes (%.2f per ID)\n",
              set_pending.size(), set_pending.size() / 100.0, acknowledge.size(), acknowledge.size() / 100.0);
  EXPECT_LT(set_pending.size(), 260u);
  EXPECT_LT(acknowledge.size(), 250u);
  // And they decode to what was written.
  for (const std::string* bytes : {&set_pending, &acknowledge}) {
    const log::ReadResult read = log::ReadRecordAt(*bytes, 0, log::ChecksumCheck::kVerify);
    ASSERT_EQ(read.outcome, log::ReadOutcome::kRecord);
    DecodedGroupRecord decoded;
    ASSERT_TRUE(DecodeGroupRecord(read.record, &decoded));
    EXPECT_EQ(decoded.pending.size() + decoded.ids.size(), 100u);
  }
}

TEST_F(GroupJournalTest, FileStaysBoundedUnderManyDeliverAndAckCycles) {
  auto groups = Open();
  ASSERT_TRUE(groups->CreateGroup("g", {}, 0).ok());
  // 1,000 entries stay pending throughout; 100,000 more (50,000 in a debug
  // build, still three compactions) are delivered and acknowledged one at a
  // time (the worst case: one record each).
  ASSERT_TRUE(groups->SetPending("g", "slow", 1, Updates(1, 1000, 1)).ok());
  uint64_t largest = 0;
#ifdef NDEBUG
  constexpr uint64_t kCycles = 100000;
#else
  constexpr uint64_t kCycles = 50000;
#endif
  for (uint64_t i = 0; i < kCycles; ++i) {
    const PendingUpdate update{.id = {1000000 + i, 0}, .delivery_ms = static_cast<int64_t>(i), .delivery_count = 1};
    ASSERT_TRUE(groups->SetPending("g", i % 2 ? "a" : "b", static_cast<int64_t>(i), {&update, 1}).ok());
    ASSERT_TRUE(groups->Acknowledge("g", {&update.id, 1}).ok());
    largest = std::max(largest, FileSize(path()));
  }
  const uint64_t bound = 2 * EstimateSnapshotBytes(*groups) + GroupJournal::kCompactionSlackBytes + 4096;
  std::printf("%s\n", absl::StrFormat("%d deliver+ack cycles: largest journal %d bytes (bound %d); now %d bytes", kCycles, largest, bound,
              FileSize(path())).c_str());
  EXPECT_LT(largest, bound);
  // Without compaction it would be some 3.5 MB or more.
  EXPECT_LT(largest, 2u << 20);
  const std::string before = Dump(*groups);
  groups.reset();
  EXPECT_EQ(Reopened(), before);
  EXPECT_TRUE(report_.clean()) << report_.Describe();
}

TEST_F(GroupJournalTest, SnapshotOfALargePelReplaysToTheSameState) {
  // Built in memory, written as a snapshot, replayed by Open. The printed
  // replay speed is the figure docs/storage-format.md quotes from an
  // optimized build; a debug build (sanitizers, -O0) checks a tenth of it.
#ifdef NDEBUG
  constexpr size_t kEntries = 1000000;
#else
  constexpr size_t kEntries = 100000;
#endif
  ConsumerGroups live;
  ASSERT_TRUE(live.CreateGroup("g", {2000000, 0}, 1000000).ok());
  constexpr size_t kPerCall = 100;
  for (size_t i = 0; i < kEntries / kPerCall; ++i) {
    const std::vector<PendingUpdate> updates = Updates(1000000 + i * 40, kPerCall, 1700000000000 + i * 3);
    ASSERT_TRUE(live.SetPending("g", absl::StrFormat("c%d", i % 4), 1700000000000 + i * 3, updates).ok());
  }
  std::string bytes = log::JournalHeader(log::kGroupsMagic);
  const uint64_t records = AppendSnapshot(live, &bytes);
  WriteFile(path(), bytes);
  const auto start = std::chrono::steady_clock::now();
  auto groups = Open();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("snapshot of %zu pending entries: %zu bytes (%.2f per entry), %zu records; replayed in %.3f s "
              "(%.1f MB/s, %.0f entries/s)\n",
              kEntries, bytes.size(), static_cast<double>(bytes.size()) / kEntries, static_cast<size_t>(records), seconds,
              bytes.size() / seconds / 1e6, kEntries / seconds);
  ASSERT_EQ(groups->Find("g")->pel().size(), kEntries);
  EXPECT_EQ(Dump(*groups), Dump(live));
  EXPECT_LT(bytes.size(), 4 * kEntries);
}

TEST_F(GroupJournalTest, AppendsRideTheSchedulersBatchesByDescriptor) {
  auto scheduler = log::SyncScheduler::Create();
  ASSERT_TRUE(scheduler.ok());
  auto groups = Open(scheduler->get());
  EXPECT_FALSE((*scheduler)->has_dirty());
  ASSERT_TRUE(groups->CreateGroup("g", {}, 0).ok());
  EXPECT_TRUE((*scheduler)->has_dirty());
  const uint64_t wanted = (*scheduler)->covering_epoch();
  ASSERT_TRUE((*scheduler)->SyncAllNow().ok());
  EXPECT_GE((*scheduler)->completed_epoch(), wanted);
  EXPECT_FALSE((*scheduler)->has_dirty());
  // A moved directory: the open descriptor still names the file.
  const std::string moved = temp_.path() + "/moved";
  ASSERT_TRUE(base::RenamePath(directory_, moved).ok());
  groups->SetDirectory(moved);
  ASSERT_TRUE(groups->CreateConsumer("g", "c", 1).ok());
  EXPECT_TRUE((*scheduler)->has_dirty());
  ASSERT_TRUE((*scheduler)->SyncAllNow().ok());
  // Discarded (the stream is deleted): nothing left to sync, and the
  // scheduler no longer knows it.
  ASSERT_TRUE(groups->CreateConsumer("g", "d", 2).ok());
  groups->Discard();
  EXPECT_FALSE((*scheduler)->has_dirty());
  groups.reset();
  directory_ = moved;
  EXPECT_EQ(Reopened(), "group g last=0-0 read=0\n consumer c seen=1 active=-1\n consumer d seen=2 active=-1\n");
}

}  // namespace
}  // namespace runnel::stream

namespace runnel::stream {
namespace {

// Many streams with group changes hold at most OpenJournals::kMaxOpen
// descriptors; one that gave its descriptor up appends again by reopening
// the file, and an unsynced append is synced by the batch anyway.
TEST(OpenJournalsTest, DescriptorsStayBoundedAndEvictedJournalsKeepWorking) {
  log::testing::TempDir temp;
  absl::StatusOr<std::unique_ptr<log::SyncScheduler>> scheduler = log::SyncScheduler::Create();
  ASSERT_TRUE(scheduler.ok());
  constexpr int kJournals = 3 * OpenJournals::kMaxOpen;
  std::vector<std::unique_ptr<ConsumerGroups>> streams;
  for (int i = 0; i < kJournals; ++i) {
    const std::string directory = temp.path() + "/s" + std::to_string(i);
    ASSERT_TRUE(base::CreateDirectories(directory).ok());
    auto groups = ConsumerGroups::Open(directory, scheduler->get(), nullptr);
    ASSERT_TRUE(groups.ok()) << groups.status();
    ASSERT_TRUE((*groups)->CreateGroup("g", kMinId, 0).ok());
    streams.push_back(*std::move(groups));
    EXPECT_LE(OpenJournals::Instance().open_count(), OpenJournals::kMaxOpen);
  }
  // The first journals gave their descriptors up long ago; their last
  // appends still reach the disk with the next batch.
  ASSERT_TRUE((*scheduler)->SyncAllNow().ok());
  for (int i = 0; i < kJournals; ++i) {
    ASSERT_TRUE(streams[i]->SetPending("g", "c", 1000, Updates(10 + i, 3, 1000)).ok());
  }
  EXPECT_EQ(OpenJournals::Instance().open_count(), OpenJournals::kMaxOpen);
  ASSERT_TRUE((*scheduler)->SyncAllNow().ok());
  streams.clear();
  EXPECT_EQ(OpenJournals::Instance().open_count(), 0u);
  for (int i = 0; i < kJournals; ++i) {
    auto reopened = ConsumerGroups::Open(temp.path() + "/s" + std::to_string(i), nullptr, nullptr);
    ASSERT_TRUE(reopened.ok());
    ASSERT_NE((*reopened)->Find("g"), nullptr) << i;
    EXPECT_EQ((*reopened)->Find("g")->pel().size(), 3u) << i;
  }
}

}  // namespace
}  // namespace runnel::stream
