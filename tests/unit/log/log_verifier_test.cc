#include "engine/log/log_verifier.h"

#include <cstdio>
#include <filesystem>
#include <map>

#include "engine/base/file.h"
#include "engine/log/journal_scan.h"
#include "engine/log/log_manager.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/record_reader.h"
#include "engine/log/record_writer.h"
#include "engine/log/segment_naming.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::log {
namespace {

using testing::AppendEntry;
using testing::TempDir;
using Kind = RecoveryProblem::Kind;
using Status = StreamReport::Status;

std::string ReadFile(const std::string& path) {
  auto bytes = base::ReadSmallFile(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : std::string();
}

void WriteAt(const std::string& path, uint64_t offset, std::string_view bytes) {
  FILE* file = fopen(path.c_str(), "r+b");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(fseek(file, static_cast<long>(offset), SEEK_SET), 0);
  ASSERT_EQ(fwrite(bytes.data(), 1, bytes.size(), file), bytes.size());
  fclose(file);
}

// The frame offsets of a segment's valid records, in order.
std::vector<uint64_t> RecordOffsets(const std::string& path) {
  const std::string data = ReadFile(path);
  std::vector<uint64_t> offsets;
  for (uint64_t offset = kSegmentHeaderSize;;) {
    const ReadResult result = ReadRecordAt(data, offset, ChecksumCheck::kVerify);
    if (result.outcome != ReadOutcome::kRecord) return offsets;
    offsets.push_back(offset);
    offset = result.record.end();
  }
}

// Every file under `directory` and its bytes.
std::map<std::string, std::string> Snapshot(const std::string& directory) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file()) files[entry.path().string()] = ReadFile(entry.path().string());
  }
  return files;
}

class LogVerifierTest : public ::testing::Test {
 protected:
  std::string Dir() const { return temp_.path() + "/stream"; }
  // A log of entries ms-0 for ms in [1, count], `value_bytes` of value each;
  // with 1 KiB values 200 entries fill six segments, of 4 KiB to 128 KiB.
  void CreateLog(uint64_t count, size_t value_bytes = 1024) {
    auto log = Log::Create(Dir(), options_);
    ASSERT_TRUE(log.ok()) << log.status();
    for (uint64_t ms = 1; ms <= count; ++ms) {
      ASSERT_TRUE(AppendEntry(**log, {ms, 0}, {{"field", std::string(value_bytes, 'a' + ms % 26)}}).ok());
    }
    segments_.clear();
    for (size_t i = 0; i < (*log)->segment_count(); ++i) segments_.push_back((*log)->segment(i).path());
  }
  StreamReport Verify() {
    auto streams = FindStreams(Dir());
    EXPECT_TRUE(streams.ok()) << streams.status();
    EXPECT_EQ(streams->size(), 1u);
    return VerifyStream(streams->front(), nullptr);
  }
  static std::string Describe(const StreamReport& report) {
    std::string text;
    for (const RecoveryProblem& problem : report.problems) text += DescribeProblem(problem) + "\n";
    return text;
  }

  TempDir temp_;
  MappingCache cache_{64};
  LogOptions options_{.segment_max_bytes = 256 * 1024, .cache = &cache_};
  std::vector<std::string> segments_;
};

TEST_F(LogVerifierTest, ValidLogIsOkWithItsCounts) {
  uint64_t length = 0, records = 0;
  {
    auto log = Log::Create(Dir(), options_);
    ASSERT_TRUE(log.ok());
    // 600 KiB: the last 256 KiB segments hold several index points each.
    for (uint64_t ms = 1; ms <= 600; ++ms) {
      ASSERT_TRUE(AppendEntry(**log, {ms, 0}, {{"f", std::string(1024, 'x')}}).ok());
    }
    ASSERT_TRUE((*log)->Delete({300, 0}).ok());
    ASSERT_TRUE((*log)->TrimBefore({10, 0}, TrimMode::kExact).ok());
    length = (*log)->length();
    ASSERT_GT((*log)->segment_count(), 3u);
    // The trim dropped the first segment: records on disk start at its successor.
    const Segment& tail = (*log)->segment((*log)->segment_count() - 1);
    records = tail.first_ordinal() + tail.record_count() - (*log)->segment(0).first_ordinal();
    ASSERT_LT(records, 600u);
  }
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kOk) << Describe(report);
  EXPECT_EQ(report.records, records);
  EXPECT_EQ(report.entries, length);
  EXPECT_EQ(report.location.key, "stream");
  EXPECT_EQ(report.location.db, -1);
}

TEST_F(LogVerifierTest, JournalWithExpiryRecordsIsOk) {
  {
    auto log = Log::Create(Dir(), options_);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE(AppendEntry(**log, {1, 0}, {{"f", "v"}}).ok());
    ASSERT_TRUE((*log)->SetExpireAt(4'102'444'800'000).ok());
    ASSERT_TRUE((*log)->Delete({1, 0}).ok());
    ASSERT_TRUE((*log)->SetExpireAt(0).ok());
  }
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kOk) << Describe(report);
  EXPECT_EQ(report.entries, 0u);
}

TEST_F(LogVerifierTest, FlippedByteInASealedSegmentIsCorruptionAtItsRecord) {
  CreateLog(200);
  ASSERT_GE(segments_.size(), 3u);
  const std::vector<uint64_t> offsets = RecordOffsets(segments_[1]);
  ASSERT_GE(offsets.size(), 3u);
  testing::FlipByte(segments_[1], offsets[2] + kRecordHeaderSize + 5);
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kCorrupt);
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, Kind::kCorruption);
  EXPECT_EQ(report.problems[0].path, segments_[1]);
  EXPECT_EQ(report.problems[0].offset, offsets[2]);
  EXPECT_EQ(report.problems[0].reason, "checksum mismatch");
  // The records before the damage are counted; nothing from the damage on.
  EXPECT_LT(report.records, 200u);
}

TEST_F(LogVerifierTest, InvalidRecordInTheLastSegmentIsATornTail) {
  CreateLog(200);
  const std::vector<uint64_t> offsets = RecordOffsets(segments_.back());
  ASSERT_GE(offsets.size(), 2u);
  testing::FlipByte(segments_.back(), offsets.back() + kRecordHeaderSize + 2);
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kTornTail);
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, Kind::kTornTail);
  EXPECT_EQ(report.problems[0].path, segments_.back());
  EXPECT_EQ(report.problems[0].offset, offsets.back());
  EXPECT_GT(report.problems[0].bytes_dropped, kRecordHeaderSize);
  EXPECT_EQ(report.records, 199u);
  // Recovery drops what the verifier said it would.
  RecoveryReport recovery;
  ASSERT_TRUE(Log::Open(Dir(), options_, &recovery).ok());
  ASSERT_EQ(recovery.problems.size(), 1u) << recovery.Describe();
  EXPECT_EQ(recovery.problems[0].kind, Kind::kTornTail);
  EXPECT_EQ(recovery.problems[0].offset, report.problems[0].offset);
  EXPECT_EQ(recovery.problems[0].bytes_dropped, report.problems[0].bytes_dropped);
  EXPECT_EQ(Verify().status(), Status::kOk);
}

TEST_F(LogVerifierTest, TailWithNoValidRecordIsATornTailAndTheSegmentBeforeIsTheTail) {
  CreateLog(200);
  const uint64_t in_tail = RecordOffsets(segments_.back()).size();
  testing::ZeroRange(segments_.back(), kSegmentHeaderSize, testing::FileSize(segments_.back()));
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kTornTail);
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].path, segments_.back());
  EXPECT_NE(report.problems[0].reason.find("roll cut short"), std::string::npos);
  EXPECT_EQ(report.records, 200u - in_tail);
}

TEST_F(LogVerifierTest, TornFirstRecordOfTheTailIsOneProblemForTheWholeFile) {
  CreateLog(200);
  testing::FlipByte(segments_.back(), kSegmentHeaderSize + kRecordHeaderSize);
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kTornTail);
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].offset, kSegmentHeaderSize);
  EXPECT_EQ(report.problems[0].bytes_dropped, testing::FileSize(segments_.back()));
  EXPECT_EQ(report.problems[0].reason,
            "checksum mismatch: no valid record (a roll cut short); recovery removes the file");
}

TEST_F(LogVerifierTest, VerifyingChangesNoByte) {
  CreateLog(200);
  {
    auto log = Log::Open(Dir(), options_, nullptr);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Delete({5, 0}).ok());
    ASSERT_TRUE((*log)->Delete({6, 0}).ok());
  }
  // Damage Log::Open would repair: a torn segment tail and a torn journal tail.
  const std::vector<uint64_t> offsets = RecordOffsets(segments_.back());
  testing::FlipByte(segments_.back(), offsets.back() + 3);
  const std::string meta = Dir() + "/meta";
  ASSERT_EQ(truncate(meta.c_str(), static_cast<off_t>(testing::FileSize(meta) - 3)), 0);
  const auto before = Snapshot(Dir());
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kTornTail);
  EXPECT_EQ(report.problems.size(), 2u) << Describe(report);
  EXPECT_EQ(Snapshot(Dir()), before);
}

TEST_F(LogVerifierTest, TornMetaJournalIsATornTail) {
  CreateLog(20, 10);
  {
    auto log = Log::Open(Dir(), options_, nullptr);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Delete({5, 0}).ok());
    ASSERT_TRUE((*log)->Delete({6, 0}).ok());
  }
  const std::string meta = Dir() + "/meta";
  const uint64_t size = testing::FileSize(meta);
  ASSERT_EQ(truncate(meta.c_str(), static_cast<off_t>(size - 3)), 0);
  const StreamReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, Kind::kTornTail);
  EXPECT_EQ(report.problems[0].path, meta);
  EXPECT_EQ(report.problems[0].offset, size - kRecordHeaderSize);
  EXPECT_EQ(report.entries, 19u);  // the second deletion is torn off
}

TEST_F(LogVerifierTest, BadMetaJournalHeaderIsCorruption) {
  CreateLog(5, 10);
  ASSERT_TRUE(base::AppendToFile(Dir() + "/meta", std::string(40, 'x')).ok());
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kCorrupt);
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].reason, "bad meta journal header");
}

// A consumer-group journal of `records` records whose payloads the log
// layer does not read (they are engine/stream's).
std::string GroupsJournal(int records) {
  std::string bytes = JournalHeader(kGroupsMagic);
  for (int i = 0; i < records; ++i) AppendRecord(&bytes, RecordType::kGroupCreate, {1, 0}, "\x01g\x00");
  return bytes;
}

TEST_F(LogVerifierTest, ValidGroupsJournalIsAcceptedAndCounted) {
  CreateLog(5, 10);
  const std::string groups = GroupsJournal(3);
  ASSERT_TRUE(base::WriteFileAtomically(Dir() + "/groups", groups).ok());
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kOk) << Describe(report);
  EXPECT_EQ(report.entries, 5u);
  EXPECT_GE(report.bytes, groups.size());
}

TEST_F(LogVerifierTest, TornGroupsJournalIsATornTail) {
  CreateLog(5, 10);
  const std::string groups = GroupsJournal(3);
  const std::string path = Dir() + "/groups";
  ASSERT_TRUE(base::WriteFileAtomically(path, groups.substr(0, groups.size() - 2)).ok());
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kTornTail);
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].path, path);
  EXPECT_EQ(report.problems[0].offset, GroupsJournal(2).size());
}

TEST_F(LogVerifierTest, GroupsJournalDamagedInTheMiddleIsCorruption) {
  CreateLog(5, 10);
  const std::string path = Dir() + "/groups";
  ASSERT_TRUE(base::WriteFileAtomically(path, GroupsJournal(3)).ok());
  WriteAt(path, GroupsJournal(1).size() + kRecordHeaderSize, "\x7f");
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kCorrupt);
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].offset, GroupsJournal(1).size());
}

TEST_F(LogVerifierTest, BadGroupsJournalHeaderIsCorruption) {
  CreateLog(5, 10);
  ASSERT_TRUE(base::WriteFileAtomically(Dir() + "/groups", GroupsJournal(1).replace(0, 3, "BAD")).ok());
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kCorrupt);
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].reason, "bad consumer-group journal header");
}

TEST_F(LogVerifierTest, RenamedSegmentIsCorruptionAtItsBaseId) {
  CreateLog(200);
  const std::string renamed = Dir() + "/" + SegmentFileName({0, 7});
  ASSERT_TRUE(base::RenamePath(segments_[1], renamed).ok());
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kCorrupt);
  ASSERT_FALSE(report.problems.empty());
  EXPECT_EQ(report.problems[0].path, renamed);
  EXPECT_EQ(report.problems[0].offset, 24u);
  EXPECT_NE(report.problems[0].reason.find("differs from the file name"), std::string::npos)
      << report.problems[0].reason;
}

TEST_F(LogVerifierTest, BadSegmentHeaderIsCorruptionAtOffsetZero) {
  CreateLog(200);
  testing::FlipByte(segments_[2], 0);
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kCorrupt);
  ASSERT_FALSE(report.problems.empty()) << Describe(report);
  EXPECT_EQ(report.problems[0].path, segments_[2]);
  EXPECT_EQ(report.problems[0].offset, 0u);
  EXPECT_EQ(report.problems[0].reason, "bad segment header: not a Runnel segment (magic)");
}

TEST_F(LogVerifierTest, SegmentShorterThanItsCapacityIsCorruptionAtItsEnd) {
  CreateLog(200);
  const uint64_t size = testing::FileSize(segments_[1]) - 100;
  ASSERT_EQ(truncate(segments_[1].c_str(), static_cast<off_t>(size)), 0);
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kCorrupt);
  ASSERT_FALSE(report.problems.empty()) << Describe(report);
  EXPECT_EQ(report.problems[0].path, segments_[1]);
  EXPECT_EQ(report.problems[0].offset, size);
  EXPECT_NE(report.problems[0].reason.find("is below the header's capacity"), std::string::npos);
}

TEST_F(LogVerifierTest, TailShorterThanItsCapacityIsATornTail) {
  CreateLog(200);
  const uint64_t size = testing::FileSize(segments_.back()) - 100;
  ASSERT_EQ(truncate(segments_.back().c_str(), static_cast<off_t>(size)), 0);
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kTornTail);
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].path, segments_.back());
  EXPECT_EQ(report.problems[0].offset, size);
  EXPECT_EQ(testing::FileSize(segments_.back()), size);
}

TEST_F(LogVerifierTest, SegmentWithoutHeaderOrRecordsIsATornTail) {
  CreateLog(200);
  const std::string empty = Dir() + "/" + SegmentFileName({1000, 0});
  ASSERT_TRUE(base::AppendToFile(empty, std::string(4096, '\0')).ok());
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kTornTail);
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].path, empty);
  EXPECT_EQ(report.problems[0].reason, "segment without a header or records; recovery removes it");
  EXPECT_EQ(report.records, 200u);
}

TEST_F(LogVerifierTest, SegmentOfAnotherLogIsOutOfOrder) {
  CreateLog(200);
  // Another stream's first segment, starting at 2-0, slid in after segment 0.
  const std::string other = temp_.path() + "/other";
  {
    auto log = Log::Create(other, options_);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE(AppendEntry(**log, {2, 0}, {{"f", "v"}}).ok());
    ASSERT_TRUE(AppendEntry(**log, {500, 0}, {{"f", "v"}}).ok());
  }
  const std::string intruder = Dir() + "/" + SegmentFileName({2, 0});
  ASSERT_TRUE(base::RenamePath(other + "/" + SegmentFileName({2, 0}), intruder).ok());
  const StreamReport report = Verify();
  EXPECT_EQ(report.status(), Status::kCorrupt);
  std::vector<std::string> reasons;
  for (const RecoveryProblem& problem : report.problems) {
    EXPECT_EQ(problem.kind, Kind::kCorruption);
    reasons.push_back(problem.path + ": " + problem.reason);
  }
  ASSERT_EQ(reasons.size(), 4u) << Describe(report);
  EXPECT_NE(reasons[0].find(intruder + ": IDs out of order across segments"), std::string::npos) << reasons[0];
  EXPECT_NE(reasons[1].find(intruder + ": first ordinal 0 does not continue"), std::string::npos) << reasons[1];
  EXPECT_NE(reasons[2].find(segments_[1] + ": IDs out of order"), std::string::npos) << reasons[2];
  EXPECT_NE(reasons[3].find(segments_[1] + ": first ordinal"), std::string::npos) << reasons[3];
}

TEST_F(LogVerifierTest, SameFieldsRecordPointingPastItsNamesIsCorruption) {
  CreateLog(200, 10);
  ASSERT_GE(segments_.size(), 2u);
  // Record 2 of segment 0 shares record 0's names: rewrite it, validly
  // framed, with a back offset one byte short of them.
  const std::vector<uint64_t> offsets = RecordOffsets(segments_[0]);
  const std::string data = ReadFile(segments_[0]);
  const RecordView record = ReadRecordAt(data, offsets[2], ChecksumCheck::kVerify).record;
  ASSERT_EQ(record.type, RecordType::kEntrySameFields);
  std::string payload(record.payload);
  ASSERT_EQ(static_cast<uint64_t>(payload[0]), offsets[2] - offsets[0]);
  payload[0] = static_cast<char>(payload[0] - 1);
  std::string frame;
  AppendRecord(&frame, record.type, record.id, payload);
  WriteAt(segments_[0], offsets[2], frame);
  const StreamReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, Kind::kCorruption);
  EXPECT_EQ(report.problems[0].offset, offsets[2]);
  EXPECT_EQ(report.problems[0].reason, "same-fields entry without its names record");
}

TEST_F(LogVerifierTest, DataDirectoryStreamsAreFoundWithDatabaseAndKey) {
  const std::string long_key(300, 'k');
  {
    auto manager = LogManager::Create(LogManager::Options{.data_dir = temp_.path()}, nullptr);
    ASSERT_TRUE(manager.ok());
    for (auto [db, key] : std::vector<std::pair<int, std::string>>{{3, "b"}, {0, "a:1"}, {0, long_key}}) {
      auto log = (*manager)->CreateLog(db, key);
      ASSERT_TRUE(log.ok());
      ASSERT_TRUE(AppendEntry(**log, {1, 0}, {{"f", "v"}}).ok());
    }
  }
  ASSERT_TRUE(base::CreateDirectories(temp_.path() + "/streams/0/.deleted-1").ok());
  auto streams = FindStreams(temp_.path() + "/");
  ASSERT_TRUE(streams.ok()) << streams.status();
  ASSERT_EQ(streams->size(), 3u);
  EXPECT_EQ((*streams)[0].db, 0);
  EXPECT_EQ((*streams)[0].key, long_key);  // "%%<hash>" sorts before "a%3A1"
  EXPECT_EQ((*streams)[1].key, "a:1");
  EXPECT_EQ((*streams)[2].db, 3);
  EXPECT_EQ((*streams)[2].directory, temp_.path() + "/streams/3/b");

  // A stream directory alone is found with its database and key too.
  auto one = FindStreams((*streams)[1].directory);
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].db, 0);
  EXPECT_EQ((*one)[0].key, "a:1");

  uint64_t last_done = 0, last_total = 0;
  auto report = VerifyLog(temp_.path(), VerifyOptions{.progress = [&](uint64_t done, uint64_t total) {
                            EXPECT_GE(done, last_done);
                            last_done = done;
                            last_total = total;
                          }});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->valid());
  EXPECT_EQ(last_done, last_total);
  EXPECT_EQ(last_total, 3 * kInitialSegmentBytes);
}

TEST_F(LogVerifierTest, DirectoryThatIsNeitherIsInvalidArgument) {
  EXPECT_TRUE(absl::IsInvalidArgument(FindStreams(temp_.path()).status()));
  EXPECT_TRUE(absl::IsNotFound(FindStreams(temp_.path() + "/missing").status()));
}

}  // namespace
}  // namespace runnel::log
