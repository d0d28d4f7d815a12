// Crash safety of recovery at the byte level. One pristine log (several
// segments, kEntry and same-fields records) is built per test; each case
// damages a fresh copy of its directory the way a crash or a bad disk would
// and reopens it with Log::Open:
//   - every cut (zero-fill, and a file cut short) inside the last records of
//     the tail segment, and every flipped byte of the last two records and of
//     a sample of record headers: exactly the records before the damaged one
//     survive, reported as one torn tail;
//   - a flipped byte in a sealed segment: Open succeeds, a scan reaching it
//     fails with DataLoss naming the file and offset;
//   - a damaged meta journal tail: truncated and reported;
//   - stale bytes behind a zero gap, and a segment whose creation was cut
//     short: never resurrected, never in the way of later appends.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/file.h"
#include "engine/base/strings.h"
#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/segment.h"
#include "engine/log/segment_naming.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::log {
namespace {

using testing::AppendEntry;
using testing::Entry;
using testing::FlipByte;
using testing::ReadAll;
using testing::TempDir;
using testing::ZeroRange;

// Enough records for segments of 4, 8 and 16 KiB and a tail of dozens.
constexpr int kRecords = 421;  // the last three start a new set of names

// Entry i: names change every 6 entries (so most records are same-fields),
// values vary in length and never contain a zero byte.
Entry MakeEntry(int i) {
  static const std::vector<std::vector<std::string>> kNameSets = {
      {"temperature"}, {"a", "b"}, {"sensor", "reading", "unit"}};
  Entry entry{RecordId{1700000000000ULL + static_cast<uint64_t>(i), static_cast<uint64_t>(i % 2)}, {}};
  for (const std::string& name : kNameSets[(i / 6) % kNameSets.size()]) {
    entry.fields.emplace_back(name, base::StrCat("v", i, std::string(static_cast<size_t>(i % 17), 'x')));
  }
  return entry;
}

// Where one record's bytes are: [offset, end) of segment file `segment`.
struct RecordSpan {
  size_t segment = 0;
  uint64_t offset = 0;
  uint64_t end = 0;
};

absl::Status CopyDirectory(const std::string& from, const std::string& to) {
  if (absl::Status status = base::CreateDirectories(to); !status.ok()) return status;
  absl::StatusOr<std::vector<std::string>> names = base::ListDirectory(from);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    absl::StatusOr<std::string> bytes = base::ReadSmallFile(base::StrCat(from, "/", name));
    if (!bytes.ok()) return bytes.status();
    if (absl::Status status = base::AppendToFile(base::StrCat(to, "/", name), *bytes).status(); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

std::string ReadFile(const std::string& path) {
  absl::StatusOr<std::string> bytes = base::ReadSmallFile(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : std::string();
}

// The offset just past the last non-zero byte of `bytes`.
uint64_t EndOfWritten(const std::string& bytes) {
  const size_t last = bytes.find_last_not_of('\0');
  return last == std::string::npos ? 0 : last + 1;
}

bool AllZero(std::string_view bytes) { return bytes.find_first_not_of('\0') == std::string_view::npos; }

class TornTailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = Log::Create(Pristine(), options_);
    ASSERT_TRUE(log.ok()) << log.status();
    for (int i = 0; i < kRecords; ++i) {
      originals_.push_back(MakeEntry(i));
      ASSERT_TRUE(AppendEntry(**log, originals_.back().id, originals_.back().fields).ok());
      const size_t segment = (*log)->segment_count() - 1;
      const bool rolled = spans_.empty() || spans_.back().segment != segment;
      spans_.push_back(RecordSpan{segment, rolled ? kSegmentHeaderSize : spans_.back().end,
                                  (*log)->segment(segment).end_offset()});
    }
    for (size_t i = 0; i < (*log)->segment_count(); ++i) {
      const std::string& path = (*log)->segment(i).path();
      segment_names_.push_back(path.substr(path.rfind('/') + 1));
    }
    ASSERT_GE(segment_names_.size(), 3u);
    ASSERT_GE(TailRecords(), 10u);
  }

  std::string Pristine() const { return temp_.path() + "/pristine"; }
  std::string CaseDir() const { return temp_.path() + "/case"; }
  size_t TailSegment() const { return segment_names_.size() - 1; }
  std::string SegmentPath(size_t segment) const { return base::StrCat(CaseDir(), "/", segment_names_[segment]); }
  // Index of the tail segment's first record.
  size_t FirstTailRecord() const {
    size_t i = spans_.size();
    while (i > 0 && spans_[i - 1].segment == TailSegment()) --i;
    return i;
  }
  size_t TailRecords() const { return spans_.size() - FirstTailRecord(); }

  // A fresh copy of the pristine log to damage.
  void FreshCase() {
    ASSERT_TRUE(base::RemoveTree(CaseDir()).ok());
    ASSERT_TRUE(CopyDirectory(Pristine(), CaseDir()).ok());
  }

  std::unique_ptr<Log> Open(RecoveryReport* report) {
    auto log = Log::Open(CaseDir(), options_, report);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : nullptr;
  }

  // The log holds exactly the first `survivors` originals, in memory and on disk.
  void ExpectExactly(Log& log, size_t survivors) {
    ASSERT_GT(survivors, 0u);
    EXPECT_EQ(log.length(), survivors);
    EXPECT_EQ(log.entries_added(), survivors);
    EXPECT_EQ(log.last_id(), originals_[survivors - 1].id);
    const std::vector<Entry> entries = ReadAll(log);
    EXPECT_TRUE(std::equal(entries.begin(), entries.end(), originals_.begin(), originals_.begin() + survivors) &&
                entries.size() == survivors)
        << "read back " << entries.size() << " entries, expected the first " << survivors;
  }

  // Appends an entry unlike the dropped ones, reopens, and expects a clean
  // report: the dropped bytes were zeroed, so none of them can follow it.
  void ExpectAppendAfterRecoveryIsClean(std::unique_ptr<Log> log, size_t survivors) {
    const RecordId next = originals_[survivors].id;
    ASSERT_TRUE(AppendEntry(*log, next, {{"after", "crash"}}).ok());
    log.reset();
    RecoveryReport report;
    log = Open(&report);
    ASSERT_NE(log, nullptr);
    EXPECT_TRUE(report.clean()) << report.Describe();
    EXPECT_EQ(log->length(), survivors + 1);
    const std::vector<Entry> entries = ReadAll(*log, next);
    EXPECT_EQ(entries, (std::vector<Entry>{Entry{next, {{"after", "crash"}}}}));
  }

  void ExpectOneTornTail(const RecoveryReport& report, const std::string& path, uint64_t offset,
                         uint64_t bytes_dropped) {
    ASSERT_EQ(report.problems.size(), 1u) << report.Describe();
    const RecoveryProblem& problem = report.problems[0];
    EXPECT_EQ(problem.kind, RecoveryProblem::Kind::kTornTail) << report.Describe();
    EXPECT_EQ(problem.path, path);
    EXPECT_EQ(problem.offset, offset);
    EXPECT_EQ(problem.bytes_dropped, bytes_dropped);
  }

  // Damage has been done to record `damaged` (global index) of the copy's
  // tail segment: the records before it, and only they, must survive.
  void ExpectRecoveredBefore(size_t damaged) {
    const std::string path = SegmentPath(TailSegment());
    const std::string bytes = ReadFile(path);
    RecoveryReport report;
    std::unique_ptr<Log> log = Open(&report);
    ASSERT_NE(log, nullptr);
    const uint64_t offset = spans_[damaged].offset;
    ExpectOneTornTail(report, path, offset, EndOfWritten(bytes) - offset);
    ExpectExactly(*log, damaged);
    ExpectAppendAfterRecoveryIsClean(std::move(log), damaged);
  }

  TempDir temp_;
  MappingCache cache_{64};
  LogOptions options_{.segment_max_bytes = 64 * 1024, .cache = &cache_};
  std::vector<Entry> originals_;
  std::vector<RecordSpan> spans_;
  std::vector<std::string> segment_names_;
};

TEST_F(TornTailTest, LastThreeRecordsIncludeBothRecordTypes) {
  // Guards the sweeps: they must cut through both kinds of record.
  const std::string bytes = ReadFile(base::StrCat(Pristine(), "/", segment_names_[TailSegment()]));
  bool entry = false, same_fields = false;
  for (size_t i = spans_.size() - 3; i < spans_.size(); ++i) {
    const auto type = static_cast<RecordType>(bytes[spans_[i].offset + 8]);
    entry |= type == RecordType::kEntry;
    same_fields |= type == RecordType::kEntrySameFields;
  }
  EXPECT_TRUE(entry && same_fields);
}

TEST_F(TornTailTest, EveryZeroFilledCutKeepsExactlyTheCompleteRecordsBeforeIt) {
  const size_t first = spans_.size() - 3;
  const uint64_t written_end = spans_.back().end;
  for (uint64_t cut = spans_[first].offset; cut <= written_end; ++cut) {
    SCOPED_TRACE(base::StrCat("cut at offset ", cut));
    FreshCase();
    const std::string path = SegmentPath(TailSegment());
    ZeroRange(path, cut, written_end);
    // The first record not wholly before the cut.
    size_t damaged = first;
    while (damaged < spans_.size() && spans_[damaged].end <= cut) ++damaged;
    const std::string bytes = ReadFile(path);
    const uint64_t start = damaged < spans_.size() ? spans_[damaged].offset : written_end;
    if (AllZero(std::string_view(bytes).substr(start, cut - start))) {
      // A cut at a record boundary (or one that left only zeros) looks like
      // space never written: nothing to report.
      RecoveryReport report;
      std::unique_ptr<Log> log = Open(&report);
      ASSERT_NE(log, nullptr);
      EXPECT_TRUE(report.clean()) << report.Describe();
      ExpectExactly(*log, damaged);
    } else {
      ExpectRecoveredBefore(damaged);
    }
    if (HasFailure()) return;
  }
}

TEST_F(TornTailTest, ShortTailFileIsExtendedAndRecoveredLikeAZeroFilledOne) {
  const size_t first = spans_.size() - 3;
  const uint64_t written_end = spans_.back().end;
  for (uint64_t cut = spans_[first].offset; cut <= written_end; ++cut) {
    SCOPED_TRACE(base::StrCat("file cut short at ", cut));
    FreshCase();
    const std::string path = SegmentPath(TailSegment());
    const uint64_t capacity = testing::FileSize(path);
    ASSERT_TRUE(base::TruncateFile(path, cut).ok());
    size_t damaged = first;
    while (damaged < spans_.size() && spans_[damaged].end <= cut) ++damaged;
    const std::string bytes = ReadFile(path);
    RecoveryReport report;
    std::unique_ptr<Log> log = Open(&report);
    ASSERT_NE(log, nullptr);
    // The short file is always reported (no crash of ours makes one); a record
    // it cuts through is a torn tail as well.
    const uint64_t start = damaged < spans_.size() ? spans_[damaged].offset : cut;
    const bool torn = !AllZero(std::string_view(bytes).substr(start));
    ASSERT_EQ(report.problems.size(), torn ? 2u : 1u) << report.Describe();
    EXPECT_EQ(report.problems[0].kind, RecoveryProblem::Kind::kTornTail);
    EXPECT_EQ(report.problems[0].path, path);
    EXPECT_EQ(report.problems[0].offset, cut);
    if (torn) {
      EXPECT_EQ(report.problems[1].kind, RecoveryProblem::Kind::kTornTail);
      EXPECT_EQ(report.problems[1].offset, spans_[damaged].offset);
      EXPECT_EQ(report.problems[1].bytes_dropped, EndOfWritten(bytes) - start);
    }
    EXPECT_EQ(testing::FileSize(path), capacity);
    ExpectExactly(*log, damaged);
    if (damaged < spans_.size()) ExpectAppendAfterRecoveryIsClean(std::move(log), damaged);
    if (HasFailure()) return;
  }
}

TEST_F(TornTailTest, EveryFlippedByteOfTheLastTwoRecordsDropsThatRecordOn) {
  const std::vector<unsigned char> masks = {0x01, 0x80};
  for (size_t damaged = spans_.size() - 2; damaged < spans_.size(); ++damaged) {
    for (uint64_t offset = spans_[damaged].offset; offset < spans_[damaged].end; ++offset) {
      for (unsigned char mask : masks) {
        SCOPED_TRACE(base::StrCat("record ", damaged, ", byte ", offset, ", mask ", mask));
        FreshCase();
        FlipByte(SegmentPath(TailSegment()), offset, mask);
        ExpectRecoveredBefore(damaged);
        if (HasFailure()) return;
      }
    }
  }
}

TEST_F(TornTailTest, FlippedHeaderByteOfAnEarlierTailRecordDropsEverythingFromIt) {
  // Six records spread over the tail, skipping its first (see the test below).
  const size_t step = std::max<size_t>(1, (TailRecords() - 3) / 6);
  for (size_t damaged = FirstTailRecord() + 1; damaged + 2 < spans_.size(); damaged += step) {
    for (uint64_t byte = 0; byte < kRecordHeaderSize; ++byte) {
      SCOPED_TRACE(base::StrCat("record ", damaged, ", header byte ", byte));
      FreshCase();
      FlipByte(SegmentPath(TailSegment()), spans_[damaged].offset + byte);
      ExpectRecoveredBefore(damaged);
      if (HasFailure()) return;
    }
  }
}

TEST_F(TornTailTest, TornFirstRecordOfTheTailRemovesTheSegmentAndRecoversThePreviousOne) {
  const size_t damaged = FirstTailRecord();
  for (uint64_t byte = 0; byte < kRecordHeaderSize; ++byte) {
    SCOPED_TRACE(base::StrCat("header byte ", byte));
    FreshCase();
    const std::string path = SegmentPath(TailSegment());
    const std::string bytes = ReadFile(path);
    FlipByte(path, spans_[damaged].offset + byte);
    RecoveryReport report;
    std::unique_ptr<Log> log = Open(&report);
    ASSERT_NE(log, nullptr);
    ExpectOneTornTail(report, path, kSegmentHeaderSize, EndOfWritten(bytes) - kSegmentHeaderSize);
    EXPECT_FALSE(base::PathExists(path));
    EXPECT_EQ(log->segment_count(), segment_names_.size() - 1);
    ExpectExactly(*log, damaged);
    ExpectAppendAfterRecoveryIsClean(std::move(log), damaged);
    if (HasFailure()) return;
  }
}

TEST_F(TornTailTest, StaleRecordAfterAZeroGapIsNotResurrected) {
  // A later record reached the disk, an earlier one did not: the gap and
  // everything after it are dropped, and stay dropped once the log moves on.
  const size_t lost = spans_.size() - 3;
  FreshCase();
  const std::string path = SegmentPath(TailSegment());
  ZeroRange(path, spans_[lost].offset, spans_[lost].end);
  ExpectRecoveredBefore(lost);
  // The same, where the gap is only the lost record's frame.
  FreshCase();
  ZeroRange(path, spans_[lost].offset, spans_[lost].offset + kRecordHeaderSize);
  ExpectRecoveredBefore(lost);
}

TEST_F(TornTailTest, EntriesAppendedOverADroppedZeroGapReopenCleanly) {
  // Entries appended where the gap was, shorter than what was dropped, must
  // leave nothing behind them for the next open to find.
  const size_t lost = spans_.size() - 3;
  FreshCase();
  ZeroRange(SegmentPath(TailSegment()), spans_[lost].offset, spans_[lost].end);
  RecoveryReport report;
  std::unique_ptr<Log> log = Open(&report);
  ASSERT_NE(log, nullptr);
  for (size_t i = lost; i < spans_.size(); ++i) {
    ASSERT_TRUE(AppendEntry(*log, originals_[i].id, {{"x", "y"}}).ok());
  }
  log.reset();
  RecoveryReport again;
  log = Open(&again);
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(again.clean()) << again.Describe();
  const std::vector<Entry> tail = ReadAll(*log, originals_[lost].id);
  ASSERT_EQ(tail.size(), spans_.size() - lost);
  for (const Entry& entry : tail) {
    EXPECT_EQ(entry.fields, (std::vector<std::pair<std::string, std::string>>{{"x", "y"}}));
  }
}

TEST_F(TornTailTest, FlippedByteInASealedSegmentFailsTheScanThatReachesIt) {
  const size_t segment = 1;
  size_t damaged = 0;
  while (spans_[damaged].segment != segment) ++damaged;
  damaged += 5;
  ASSERT_EQ(spans_[damaged].segment, segment);
  FreshCase();
  const std::string path = SegmentPath(segment);
  FlipByte(path, spans_[damaged].offset + kRecordHeaderSize + 1);
  RecoveryReport report;
  std::unique_ptr<Log> log = Open(&report);
  ASSERT_NE(log, nullptr);
  // Sealed segments are verified when first read, not at open.
  EXPECT_TRUE(report.clean()) << report.Describe();
  EXPECT_EQ(log->length(), originals_.size());

  absl::Status status;
  const std::vector<Entry> entries = ReadAll(*log, kMinRecordId, kMaxRecordId, ScanDirection::kForward, &status);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_NE(status.message().find(path), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find(base::StrCat("offset ", spans_[damaged].offset)), absl::string_view::npos)
      << status;
  ASSERT_EQ(entries.size(), damaged);
  EXPECT_TRUE(std::equal(entries.begin(), entries.end(), originals_.begin()));
  // So does a backward scan, after the later segments and the valid part of
  // the damaged one.
  size_t first_of_segment = damaged;
  while (spans_[first_of_segment - 1].segment == segment) --first_of_segment;
  size_t next_segment = damaged;
  while (spans_[next_segment].segment == segment) ++next_segment;
  std::vector<Entry> expected(originals_.begin() + static_cast<ptrdiff_t>(first_of_segment),
                              originals_.begin() + static_cast<ptrdiff_t>(damaged));
  expected.insert(expected.end(), originals_.begin() + static_cast<ptrdiff_t>(next_segment), originals_.end());
  std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(ReadAll(*log, kMinRecordId, kMaxRecordId, ScanDirection::kBackward, &status), expected);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  // Appends are unaffected.
  ASSERT_TRUE(AppendEntry(*log, {UINT64_MAX - 1, 0}, {{"f", "v"}}).ok());
}

// Regression: a scan that ended at the last valid record of a damaged sealed
// segment failed with DataLoss, and so did XDEL of any entry in that segment
// (Delete scans [id, id]), though IDs increase and no entry of the range can
// lie in the damaged part.
TEST_F(TornTailTest, RangesAndDeletesBeforeTheDamageInASealedSegmentSucceed) {
  const size_t segment = 1;
  size_t damaged = 0;
  while (spans_[damaged].segment != segment) ++damaged;
  damaged += 5;
  FreshCase();
  FlipByte(SegmentPath(segment), spans_[damaged].offset + kRecordHeaderSize + 1);
  RecoveryReport report;
  std::unique_ptr<Log> log = Open(&report);
  ASSERT_NE(log, nullptr);
  const RecordId last_valid = originals_[damaged - 1].id;
  EXPECT_EQ(ReadAll(*log, kMinRecordId, last_valid).size(), damaged);
  EXPECT_EQ(ReadAll(*log, originals_[damaged - 3].id, last_valid, ScanDirection::kBackward).size(), 3u);
  absl::StatusOr<bool> deleted = log->Delete(originals_[damaged - 2].id);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_TRUE(*deleted);
  // A range that starts past the damaged segment reads as well.
  size_t next_segment = damaged;
  while (spans_[next_segment].segment == segment) ++next_segment;
  EXPECT_EQ(ReadAll(*log, originals_[next_segment].id).size(), originals_.size() - next_segment);
  // One that reaches into the damage does not.
  absl::Status status;
  ReadAll(*log, kMinRecordId, originals_[damaged].id, ScanDirection::kForward, &status);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
}

TEST_F(TornTailTest, BadHeaderOfASealedSegmentIsReportedAsCorruption) {
  FreshCase();
  const std::string path = SegmentPath(1);
  FlipByte(path, 30);  // base ID
  RecoveryReport report;
  std::unique_ptr<Log> log = Open(&report);
  ASSERT_NE(log, nullptr);
  ASSERT_EQ(report.problems.size(), 1u) << report.Describe();
  EXPECT_EQ(report.problems[0].kind, RecoveryProblem::Kind::kCorruption);
  EXPECT_EQ(report.problems[0].path, path);
  EXPECT_TRUE(base::PathExists(path));  // left for runnel-check and an operator
  EXPECT_EQ(log->last_id(), originals_.back().id);
  // A read that reaches its entries fails loudly rather than skipping them;
  // one that ends before them does not.
  absl::Status status;
  ReadAll(*log, kMinRecordId, kMaxRecordId, ScanDirection::kForward, &status);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_NE(std::string(status.message()).find(path), std::string::npos) << status;
  ReadAll(*log, kMinRecordId, kMaxRecordId, ScanDirection::kBackward, &status);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  ReadAll(*log, kMinRecordId, originals_.front().id, ScanDirection::kForward, &status);
  EXPECT_TRUE(status.ok()) << status;
}

class MetaJournalTailTest : public TornTailTest {
 protected:
  void SetUp() override {
    TornTailTest::SetUp();
    if (HasFatalFailure()) return;
    auto log = Log::Open(Pristine(), options_, nullptr);
    ASSERT_TRUE(log.ok()) << log.status();
    for (size_t i : deleted_) ASSERT_TRUE(*(*log)->Delete(originals_[i].id));
  }
  std::string MetaPath() const { return base::StrCat(CaseDir(), "/", kMetaFileName); }

  // The journal lost its last deletion, and only that, and says so.
  void ExpectLastDeletionDropped(uint64_t journal_size, const char* what) {
    SCOPED_TRACE(what);
    RecoveryReport report;
    std::unique_ptr<Log> log = Open(&report);
    ASSERT_NE(log, nullptr);
    const uint64_t last_record = journal_size - kRecordHeaderSize;  // deletions are bare frames
    ASSERT_EQ(report.problems.size(), 1u) << report.Describe();
    EXPECT_EQ(report.problems[0].kind, RecoveryProblem::Kind::kTornTail);
    EXPECT_EQ(report.problems[0].path, MetaPath());
    EXPECT_EQ(report.problems[0].offset, last_record);
    EXPECT_EQ(testing::FileSize(MetaPath()), last_record);
    EXPECT_EQ(log->length(), originals_.size() - deleted_.size() + 1);
    std::vector<Entry> expected = originals_;
    expected.erase(expected.begin() + static_cast<ptrdiff_t>(deleted_[1]));
    expected.erase(expected.begin() + static_cast<ptrdiff_t>(deleted_[0]));
    EXPECT_EQ(ReadAll(*log), expected);
    // The journal takes appends again, and the next open is clean.
    ASSERT_TRUE(*log->Delete(originals_[deleted_[2]].id));
    log.reset();
    RecoveryReport again;
    log = Open(&again);
    ASSERT_NE(log, nullptr);
    EXPECT_TRUE(again.clean()) << again.Describe();
    EXPECT_EQ(log->length(), originals_.size() - deleted_.size());
  }

  const std::vector<size_t> deleted_ = {10, 200, 300};
};

TEST_F(MetaJournalTailTest, DamagedLastRecordIsTruncatedAndReported) {
  FreshCase();
  const uint64_t size = testing::FileSize(MetaPath());
  ASSERT_EQ(size, kMetaHeaderSize + deleted_.size() * kRecordHeaderSize);
  FlipByte(MetaPath(), size - 3);
  ExpectLastDeletionDropped(size, "flipped byte");

  FreshCase();
  ASSERT_TRUE(base::TruncateFile(MetaPath(), size - 10).ok());
  ExpectLastDeletionDropped(size, "cut mid-record");

  FreshCase();
  ASSERT_TRUE(base::TruncateFile(MetaPath(), size - kRecordHeaderSize + 3).ok());
  ExpectLastDeletionDropped(size, "cut inside the frame");

  FreshCase();
  ZeroRange(MetaPath(), size - kRecordHeaderSize, size);
  ExpectLastDeletionDropped(size, "zero-filled record (size updated, data lost)");
}

// Regression: a meta journal file whose first write failed (AppendToFile
// cuts it back to empty on a full disk) or never reached the disk (zeros) was
// reported as corruption ("bad meta journal header") on every open, and a
// zero-filled one made every later journal write unreadable, appended after
// the zeros.
TEST_F(TornTailTest, EmptyOrZeroFilledMetaJournalIsAnEmptyJournal) {
  const std::string meta = base::StrCat(CaseDir(), "/", kMetaFileName);
  for (const uint64_t size : {uint64_t{0}, uint64_t{kMetaHeaderSize + kRecordHeaderSize}}) {
    SCOPED_TRACE(base::StrCat("meta journal of ", size, " zero bytes"));
    FreshCase();
    ASSERT_TRUE(base::AppendToFile(meta, std::string(size, '\0')).ok());
    RecoveryReport report;
    std::unique_ptr<Log> log = Open(&report);
    ASSERT_NE(log, nullptr);
    if (size == 0) {
      EXPECT_TRUE(report.clean()) << report.Describe();
    } else {
      ExpectOneTornTail(report, meta, 0, size);
    }
    EXPECT_EQ(testing::FileSize(meta), 0u);
    ExpectExactly(*log, originals_.size());
    ASSERT_TRUE(*log->Delete(originals_[3].id));
    log.reset();
    RecoveryReport again;
    log = Open(&again);
    ASSERT_NE(log, nullptr);
    EXPECT_TRUE(again.clean()) << again.Describe();
    EXPECT_EQ(log->length(), originals_.size() - 1);
    if (HasFailure()) return;
  }
}

// Regression: a roll cut short between creating the next segment file and
// writing its header (a kill, or power lost before the header page reached the
// disk) left a headerless file that was reported as corruption on every open
// and made the next append fail with AlreadyExists, since it takes the file's
// name (its base ID is the ID being appended).
TEST_F(TornTailTest, SegmentFileWithoutHeaderOrRecordsIsRemovedAndItsIdAppendable) {
  const RecordId next{originals_.back().id.ms + 1, 0};
  const std::string path = base::StrCat(CaseDir(), "/", SegmentFileName(next));
  constexpr uint64_t kCapacity = 64 * 1024;
  // Killed while writing the header: all of it but its checksum.
  std::string half_header(kCapacity, '\0');
  EncodeSegmentHeader(SegmentHeader{.base_id = next, .first_ordinal = originals_.size(), .capacity = kCapacity},
                      half_header.data());
  std::fill_n(half_header.begin() + 56, 8, '\0');
  const std::vector<std::pair<const char*, std::string>> files = {
      {"empty", ""},
      {"shorter than a header, zeros", std::string(kSegmentHeaderSize - 1, '\0')},
      {"allocated, zeros", std::string(kCapacity, '\0')},
      {"allocated, header without its checksum", half_header},
  };
  for (const auto& [what, contents] : files) {
    SCOPED_TRACE(what);
    FreshCase();
    ASSERT_TRUE(base::AppendToFile(path, contents).ok());
    RecoveryReport report;
    std::unique_ptr<Log> log = Open(&report);
    ASSERT_NE(log, nullptr);
    ExpectOneTornTail(report, path, 0, 0);
    EXPECT_FALSE(base::PathExists(path));
    ExpectExactly(*log, originals_.size());
    ASSERT_TRUE(AppendEntry(*log, next, {{"f", std::string(60 * 1024, 'v')}}).ok());
    log.reset();
    RecoveryReport again;
    log = Open(&again);
    ASSERT_NE(log, nullptr);
    EXPECT_TRUE(again.clean()) << again.Describe();
    EXPECT_EQ(log->last_id(), next);
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace runnel::log
