#include "engine/log/log_manager.h"

#include <map>

#include "engine/base/file.h"
#include "engine/log/segment_naming.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::log {
namespace {

using testing::AppendEntry;
using testing::ReadAll;
using testing::TempDir;

class LogManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<LogManager> NewManager() {
    auto manager = LogManager::Create(LogManager::Options{.data_dir = temp_.path(), .open_segments_max = 8},
                                      nullptr);
    EXPECT_TRUE(manager.ok()) << manager.status();
    return *std::move(manager);
  }
  // Opens every stream of the data directory: (db, key) -> log.
  std::map<std::pair<int, std::string>, std::unique_ptr<Log>> OpenAll(LogManager& manager,
                                                                      RecoveryReport* report) {
    std::map<std::pair<int, std::string>, std::unique_ptr<Log>> logs;
    EXPECT_TRUE(manager
                    .OpenAll([&](int db, std::string key, std::unique_ptr<Log> log) {
                      logs[{db, std::move(key)}] = std::move(log);
                    },
                             report)
                    .ok());
    return logs;
  }
  TempDir temp_;
};

TEST_F(LogManagerTest, StreamsReopenUnderTheirDatabaseAndBinaryKey) {
  const std::string binary_key("a/b\0c\n", 6);
  const std::string long_key(5000, 'k');
  {
    auto manager = NewManager();
    for (auto [db, key] : std::vector<std::pair<int, std::string>>{{0, "plain"}, {0, binary_key}, {3, "plain"},
                                                                   {0, long_key}, {0, ""}}) {
      auto log = manager->CreateLog(db, key);
      ASSERT_TRUE(log.ok()) << log.status();
      ASSERT_TRUE(AppendEntry(**log, {static_cast<uint64_t>(db) + 1, 0}, {{"key", key}}).ok());
    }
  }
  auto manager = NewManager();
  RecoveryReport report;
  auto logs = OpenAll(*manager, &report);
  EXPECT_TRUE(report.clean()) << report.Describe();
  EXPECT_EQ(report.streams, 5u);
  ASSERT_EQ(logs.size(), 5u);
  for (const auto& [where, log] : logs) {
    const auto entries = ReadAll(*log);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].fields[0].second, where.second);
    EXPECT_EQ(entries[0].id.ms, static_cast<uint64_t>(where.first) + 1);
  }
}

TEST_F(LogManagerTest, CreatingAnExistingStreamFails) {
  auto manager = NewManager();
  ASSERT_TRUE(manager->CreateLog(0, "s").ok());
  EXPECT_TRUE(absl::IsAlreadyExists(manager->CreateLog(0, "s").status()));
}

TEST_F(LogManagerTest, DeletionsCutShortAreFinishedAtOpen) {
  auto manager = NewManager();
  const std::string leftover = DatabaseDirectory(temp_.path(), 0) + "/.deleted-0x1234";
  ASSERT_TRUE(base::CreateDirectories(leftover).ok());
  ASSERT_TRUE(base::AppendToFile(leftover + "/x.seg", "junk").ok());
  RecoveryReport report;
  EXPECT_TRUE(OpenAll(*manager, &report).empty());
  EXPECT_FALSE(base::PathExists(leftover));
}

TEST_F(LogManagerTest, ForeignDirectoriesAreReportedNotOpened) {
  auto manager = NewManager();
  ASSERT_TRUE(base::CreateDirectories(DatabaseDirectory(temp_.path(), 0) + "/%zz").ok());
  RecoveryReport report;
  EXPECT_TRUE(OpenAll(*manager, &report).empty());
  EXPECT_EQ(report.corruptions(), 1u);
}

}  // namespace
}  // namespace runnel::log
