// runnel-check as a process: data directories written with the Log API,
// damaged byte by byte, checked and fixed by the real binary.
#include <stdio.h>
#include <sys/wait.h>

#include <filesystem>
#include <map>

#include "engine/base/file.h"
#include "engine/log/journal_scan.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_reader.h"
#include "engine/log/record_writer.h"
#include "gtest/gtest.h"
#include "tests/integration/process_output.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::log {
namespace {

using testing::AppendEntry;
using testing::ReadAll;
using testing::TempDir;

using CheckRun = runnel::testing::ProcessOutput;  // stdout and stderr in output

CheckRun RunCheck(const std::string& arguments) {
  return runnel::testing::RunShellCommand(std::string(RUNNEL_CHECK_BIN) + " " + arguments + " 2>&1");
}

std::map<std::string, std::string> Snapshot(const std::string& directory) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file()) files[entry.path().string()] = *base::ReadSmallFile(entry.path().string());
  }
  return files;
}

// The offset of the last valid record of a segment file.
uint64_t LastRecordOffset(const std::string& path) {
  const std::string data = *base::ReadSmallFile(path);
  uint64_t last = 0;
  for (uint64_t offset = kSegmentHeaderSize;;) {
    const ReadResult result = ReadRecordAt(data, offset, ChecksumCheck::kVerify);
    if (result.outcome != ReadOutcome::kRecord) return last;
    last = offset;
    offset = result.record.end();
  }
}

class RunnelCheckTest : public ::testing::Test {
 protected:
  // db 0 "orders": 100 entries of 1 KiB over several segments; db 2 "events": 3 small entries.
  void SetUp() override {
    auto manager = LogManager::Create(LogManager::Options{.data_dir = temp_.path()}, nullptr);
    ASSERT_TRUE(manager.ok()) << manager.status();
    auto orders = (*manager)->CreateLog(0, "orders");
    ASSERT_TRUE(orders.ok());
    for (uint64_t ms = 1; ms <= 100; ++ms) {
      ASSERT_TRUE(AppendEntry(**orders, {ms, 0}, {{"item", std::string(1024, 'a' + ms % 26)}}).ok());
    }
    for (size_t i = 0; i < (*orders)->segment_count(); ++i) orders_segments_.push_back((*orders)->segment(i).path());
    ASSERT_GE(orders_segments_.size(), 3u);
    auto events = (*manager)->CreateLog(2, "events");
    ASSERT_TRUE(events.ok());
    for (uint64_t ms = 1; ms <= 3; ++ms) ASSERT_TRUE(AppendEntry(**events, {ms, 0}, {{"e", "v"}}).ok());
  }
  std::string OrdersDir() const { return temp_.path() + "/streams/0/orders"; }

  TempDir temp_;
  std::vector<std::string> orders_segments_;
};

TEST_F(RunnelCheckTest, CleanDirectoryExitsZero) {
  const CheckRun run = RunCheck(temp_.path());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(
      run.output.find("key=\"orders\" db=0 segments=" + std::to_string(orders_segments_.size()) + " entries=100 "),
      std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("key=\"events\" db=2 segments=1 entries=3 bytes=4096 status=OK"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("checked 2 streams: 2 OK, 0 TORN TAIL, 0 CORRUPT"), std::string::npos) << run.output;
}

TEST_F(RunnelCheckTest, TornTailExitsOneUntilFixDropsIt) {
  const std::string& tail = orders_segments_.back();
  const uint64_t torn_at = LastRecordOffset(tail);
  testing::FlipByte(tail, torn_at + kRecordHeaderSize + 7);
  const auto damaged = Snapshot(temp_.path());

  const CheckRun check = RunCheck(temp_.path());
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_NE(check.output.find("status=TORN TAIL"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("torn tail in " + tail + " at offset " + std::to_string(torn_at) + ": checksum mismatch"),
            std::string::npos)
      << check.output;
  EXPECT_EQ(Snapshot(temp_.path()), damaged) << "a check without --fix wrote to the data directory";

  const CheckRun fix = RunCheck("--fix " + temp_.path());
  EXPECT_EQ(fix.exit_code, 0) << fix.output;
  EXPECT_NE(fix.output.find("fixed: torn tail in " + tail), std::string::npos) << fix.output;
  EXPECT_NE(fix.output.find("entries=99 "), std::string::npos) << fix.output;

  const CheckRun again = RunCheck(temp_.path());
  EXPECT_EQ(again.exit_code, 0) << again.output;
  MappingCache cache(8);
  const LogOptions options{.cache = &cache};
  RecoveryReport report;
  auto log = Log::Open(OrdersDir(), options, &report);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_TRUE(report.clean()) << report.Describe();
  const auto entries = ReadAll(**log);
  ASSERT_EQ(entries.size(), 99u);
  EXPECT_EQ(entries.back().id, (RecordId{99, 0}));
  EXPECT_EQ(entries.back().fields[0].second, std::string(1024, 'a' + 99 % 26));
}

TEST_F(RunnelCheckTest, TornGroupsJournalExitsOneUntilFixCutsIt) {
  // Two consumer-group records (their payloads are the stream layer's; the
  // checker reads frames), the second cut short by a crash.
  std::string groups = JournalHeader(kGroupsMagic);
  AppendRecord(&groups, RecordType::kGroupCreate, {1, 0}, "\x01g\x00");
  const uint64_t torn_at = groups.size();
  AppendRecord(&groups, RecordType::kGroupCreate, {1, 0}, "\x01h\x00");
  const std::string path = OrdersDir() + "/groups";
  ASSERT_TRUE(base::WriteFileAtomically(path, groups.substr(0, groups.size() - 1)).ok());

  const CheckRun check = RunCheck(temp_.path());
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_NE(check.output.find("torn tail in " + path + " at offset " + std::to_string(torn_at)), std::string::npos)
      << check.output;
  const CheckRun fix = RunCheck("--fix " + temp_.path());
  EXPECT_EQ(fix.exit_code, 0) << fix.output;
  EXPECT_EQ(testing::FileSize(path), torn_at);
  EXPECT_EQ(RunCheck(temp_.path()).exit_code, 0);
}

TEST_F(RunnelCheckTest, CorruptionInASealedSegmentIsReportedAndNeverFixed) {
  const std::string& sealed = orders_segments_[1];
  const uint64_t offset = LastRecordOffset(sealed);
  testing::FlipByte(sealed, offset + kRecordHeaderSize + 3);
  const auto damaged = Snapshot(temp_.path());

  const CheckRun fix = RunCheck("--fix " + temp_.path());
  EXPECT_EQ(fix.exit_code, 1) << fix.output;
  EXPECT_NE(fix.output.find("status=CORRUPT"), std::string::npos) << fix.output;
  EXPECT_NE(fix.output.find("CORRUPTION in " + sealed + " at offset " + std::to_string(offset)), std::string::npos)
      << fix.output;
  EXPECT_NE(fix.output.find("not fixed"), std::string::npos) << fix.output;
  EXPECT_EQ(Snapshot(temp_.path()), damaged);
}

TEST_F(RunnelCheckTest, SingleStreamDirectoryIsChecked) {
  const CheckRun run = RunCheck(temp_.path() + "/streams/2/events/");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("key=\"events\" db=2 "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("checked 1 stream:"), std::string::npos) << run.output;
}

TEST_F(RunnelCheckTest, BadArgumentsExitOneWithUsage) {
  const CheckRun none = RunCheck("");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.output.find("Usage: runnel-check [--fix] DIR"), std::string::npos) << none.output;
  const CheckRun unknown = RunCheck("--repair " + temp_.path());
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("unknown option --repair"), std::string::npos) << unknown.output;
  const CheckRun missing = RunCheck(temp_.path() + "/missing");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("runnel-check: "), std::string::npos) << missing.output;
  EXPECT_EQ(RunCheck("--help").exit_code, 0);
}

}  // namespace
}  // namespace runnel::log
