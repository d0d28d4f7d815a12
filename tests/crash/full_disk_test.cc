// A full disk, on a 4 MiB tmpfs mounted for each test (root only; skipped
// otherwise): appends fail with ResourceExhausted when a new segment cannot
// be allocated (never a SIGBUS through a mapping), everything acknowledged
// stays readable and survives a reopen, other writers fail cleanly, and
// appends resume once trims or deletions free space. Also: a data directory
// that cannot be written makes Log::Create fail with a clear error.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "engine/base/file.h"
#include "engine/base/strings.h"
#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/segment_naming.h"
#include "gtest/gtest.h"
#include "tests/crash/tmpfs_mount.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::log {
namespace {

using testing::AppendEntry;
using testing::Entry;
using testing::ReadAll;
using testing::TempDir;

constexpr uint64_t kSegmentMaxBytes = 64 * 1024;

Entry MakeEntry(uint64_t ms) {
  return Entry{RecordId{ms, 0}, {{"payload", base::StrCat(ms, "-", std::string(900 + ms % 200, 'p'))}}};
}

size_t SegmentFiles(const std::string& directory) {
  absl::StatusOr<std::vector<std::string>> names = base::ListDirectory(directory);
  EXPECT_TRUE(names.ok()) << names.status();
  if (!names.ok()) return 0;
  return static_cast<size_t>(std::count_if(names->begin(), names->end(), [](const std::string& name) {
    return ParseSegmentFileName(name).has_value();
  }));
}

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    mount_point_ = runnel::testing::MountTmpfs("size=4m,mode=0755", 0, &why);
    if (mount_point_.empty()) GTEST_SKIP() << "full-disk tests skipped: " << why;
  }
  void TearDown() override {
    if (mount_point_.empty()) return;
    EXPECT_EQ(umount2(mount_point_.c_str(), MNT_DETACH), 0) << strerror(errno);
    rmdir(mount_point_.c_str());
  }

  std::string Dir(const std::string& name) const { return base::StrCat(mount_point_, "/streams/", name); }

  std::unique_ptr<Log> Open(const std::string& name, RecoveryReport* report) {
    auto log = Log::Open(Dir(name), options_, report);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : nullptr;
  }

  // Appends entries after those in `acked` (from 1-0 when it is empty) until
  // an append fails; returns that failure.
  absl::Status FillUntilFailure(Log& log, std::vector<Entry>* acked) {
    for (uint64_t ms = acked->empty() ? 1 : acked->back().id.ms + 1;; ++ms) {
      const Entry entry = MakeEntry(ms);
      const size_t segments = log.segment_count();
      absl::Status status = AppendEntry(log, entry.id, entry.fields);
      if (!status.ok()) {
        // It failed where a new segment was needed, and left no file behind.
        EXPECT_EQ(log.segment_count(), segments);
        if (segments > 0) {
          const Segment& tail = log.segment(segments - 1);
          EXPECT_GT(tail.end_offset() + Segment::MaxRecordSize(testing::Fields(entry.fields)), tail.capacity());
        }
        EXPECT_EQ(SegmentFiles(log.directory()), segments);
        return status;
      }
      acked->push_back(entry);
    }
  }

  // Fills whatever space is left with a file; the disk is then full to the page.
  void FillWithBallast() {
    const std::string path = base::StrCat(mount_point_, "/ballast");
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0) << strerror(errno);
    const std::string chunk(64 * 1024, 'b');
    for (size_t size = chunk.size(); size > 0;) {
      const ssize_t n = write(fd, chunk.data(), size);
      if (n < 0) {
        ASSERT_EQ(errno, ENOSPC) << strerror(errno);
        size /= 2;
      }
    }
    close(fd);
  }
  void RemoveBallast() { ASSERT_TRUE(base::RemoveFile(base::StrCat(mount_point_, "/ballast")).ok()); }

  std::string mount_point_;
  MappingCache cache_{64};
  LogOptions options_{.segment_max_bytes = kSegmentMaxBytes, .cache = &cache_};
};

TEST_F(FullDiskTest, AppendFailsWithResourceExhaustedAtTheRollAndKeepsEveryAcknowledgedEntry) {
  auto created = Log::Create(Dir("a"), options_);
  ASSERT_TRUE(created.ok()) << created.status();
  std::unique_ptr<Log> log = *std::move(created);
  std::vector<Entry> acked;
  const absl::Status full = FillUntilFailure(*log, &acked);
  EXPECT_TRUE(absl::IsResourceExhausted(full)) << full;
  ASSERT_GT(log->segment_count(), 10u);
  EXPECT_EQ(ReadAll(*log), acked);
  // It keeps failing the same way, and leaves the log as it was.
  const Entry next = MakeEntry(acked.back().id.ms + 1);
  EXPECT_TRUE(absl::IsResourceExhausted(AppendEntry(*log, next.id, next.fields)));
  EXPECT_EQ(log->length(), acked.size());
  EXPECT_EQ(log->last_id(), acked.back().id);

  log.reset();
  RecoveryReport report;
  log = Open("a", &report);
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(report.clean()) << report.Describe();
  EXPECT_EQ(ReadAll(*log), acked);
}

TEST_F(FullDiskTest, OtherLogsOnAFullDiskFailCleanly) {
  auto a = Log::Create(Dir("a"), options_);
  ASSERT_TRUE(a.ok()) << a.status();
  std::vector<Entry> acked_a;
  EXPECT_TRUE(absl::IsResourceExhausted(FillUntilFailure(**a, &acked_a)));
  // What the first log could not use (less than a 64 KiB segment) goes to a
  // second log's smaller segments, until it too is refused.
  auto b = Log::Create(Dir("b"), options_);
  ASSERT_TRUE(b.ok()) << b.status();
  std::vector<Entry> acked_b;
  EXPECT_TRUE(absl::IsResourceExhausted(FillUntilFailure(**b, &acked_b)));
  FillWithBallast();
  // Not one page left: a third log gets its directory (tmpfs directories take
  // no pages) or a clean error, and no segment.
  absl::StatusOr<std::unique_ptr<Log>> c = Log::Create(Dir("c"), options_);
  if (c.ok()) {
    const Entry entry = MakeEntry(1);
    const absl::Status status = AppendEntry(**c, entry.id, entry.fields);
    EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
    EXPECT_EQ((*c)->segment_count(), 0u);
  } else {
    EXPECT_TRUE(absl::IsResourceExhausted(c.status())) << c.status();
  }
  EXPECT_EQ(ReadAll(**a), acked_a);
  EXPECT_EQ(ReadAll(**b), acked_b);
}

TEST_F(FullDiskTest, FreeingSpaceLetsAppendsResumeAndEverythingAcknowledgedSurvives) {
  auto a = Log::Create(Dir("a"), options_);
  ASSERT_TRUE(a.ok()) << a.status();
  std::unique_ptr<Log> log = *std::move(a);
  std::vector<Entry> acked;
  EXPECT_TRUE(absl::IsResourceExhausted(FillUntilFailure(*log, &acked)));
  auto other = Log::Create(Dir("other"), options_);
  ASSERT_TRUE(other.ok()) << other.status();
  std::vector<Entry> acked_other;
  EXPECT_TRUE(absl::IsResourceExhausted(FillUntilFailure(**other, &acked_other)));
  FillWithBallast();

  // A deletion needs a page for the meta journal: refused, and nothing changes.
  absl::StatusOr<bool> deleted = log->Delete(acked[5].id);
  EXPECT_TRUE(absl::IsResourceExhausted(deleted.status())) << deleted.status();
  EXPECT_EQ(log->length(), acked.size());
  // So does a trim (its journal record goes first); if one ever needs no new
  // page, it must still leave the log consistent.
  absl::StatusOr<uint64_t> trimmed = log->TrimToLength(acked.size() / 2, TrimMode::kApproximate);
  if (trimmed.ok()) {
    acked.erase(acked.begin(), acked.begin() + static_cast<ptrdiff_t>(*trimmed));
  } else {
    EXPECT_TRUE(absl::IsResourceExhausted(trimmed.status())) << trimmed.status();
  }
  EXPECT_EQ(ReadAll(*log), acked);
  // The failed journal writes leave nothing that a reopen takes for damage.
  log.reset();
  RecoveryReport full_report;
  log = Open("a", &full_report);
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(full_report.clean()) << full_report.Describe();
  EXPECT_EQ(ReadAll(*log), acked);

  // Free space: drop the ballast and the other log, then trim this one.
  RemoveBallast();
  ASSERT_TRUE((*other)->Destroy().ok());
  other->reset();
  EXPECT_FALSE(base::PathExists(Dir("other")));
  trimmed = log->TrimToLength(acked.size() / 2, TrimMode::kApproximate);
  ASSERT_TRUE(trimmed.ok()) << trimmed.status();
  EXPECT_GT(*trimmed, 0u);
  acked.erase(acked.begin(), acked.begin() + static_cast<ptrdiff_t>(*trimmed));
  const uint64_t exact = acked.size() - 100;
  ASSERT_EQ(*log->TrimToLength(100, TrimMode::kExact), exact);
  acked.erase(acked.begin(), acked.begin() + static_cast<ptrdiff_t>(exact));
  ASSERT_TRUE(*log->Delete(acked[5].id));
  acked.erase(acked.begin() + 5);

  // Appends resume, through several new segments, until the disk is full again.
  const size_t segments = log->segment_count();
  EXPECT_TRUE(absl::IsResourceExhausted(FillUntilFailure(*log, &acked)));
  EXPECT_GT(log->segment_count(), segments + 3);
  EXPECT_EQ(ReadAll(*log), acked);

  log.reset();
  RecoveryReport report;
  log = Open("a", &report);
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(report.clean()) << report.Describe();
  EXPECT_EQ(ReadAll(*log), acked);
  EXPECT_EQ(log->length(), acked.size());
}

TEST(UnwritableDataDirectoryTest, CreateInADirectoryWithoutWritePermissionFails) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions; see the read-only mount test";
  TempDir temp;
  const std::string parent = temp.path() + "/data";
  ASSERT_EQ(mkdir(parent.c_str(), 0500), 0);
  MappingCache cache(4);
  const LogOptions options{.segment_max_bytes = kSegmentMaxBytes, .cache = &cache};
  const std::string directory = parent + "/stream";
  absl::StatusOr<std::unique_ptr<Log>> log = Log::Create(directory, options);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find(directory), absl::string_view::npos) << log.status();
  EXPECT_NE(log.status().message().find(strerror(EACCES)), absl::string_view::npos) << log.status();
  EXPECT_FALSE(base::PathExists(directory));
  chmod(parent.c_str(), 0700);  // so TempDir can remove it
}

TEST(UnwritableDataDirectoryTest, CreateOnAReadOnlyFilesystemFails) {
  std::string why;
  const std::string mount_point = runnel::testing::MountTmpfs("size=1m", MS_RDONLY, &why);
  if (mount_point.empty()) GTEST_SKIP() << "read-only tmpfs test skipped: " << why;
  MappingCache cache(4);
  const LogOptions options{.segment_max_bytes = kSegmentMaxBytes, .cache = &cache};
  const std::string directory = mount_point + "/stream";
  absl::StatusOr<std::unique_ptr<Log>> log = Log::Create(directory, options);
  EXPECT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find(directory), absl::string_view::npos) << log.status();
  EXPECT_NE(log.status().message().find(strerror(EROFS)), absl::string_view::npos) << log.status();
  EXPECT_EQ(umount2(mount_point.c_str(), MNT_DETACH), 0) << strerror(errno);
  rmdir(mount_point.c_str());
}

}  // namespace
}  // namespace runnel::log
