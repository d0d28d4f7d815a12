#include "engine/log/log_manager.h"

#include <map>

#include "engine/base/file.h"
#include "engine/log/segment_naming.h"
#include "engine/log/stream_directory.h"
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

TEST_F(LogManagerTest, MovedLogsReopenUnderTheirNewKeyWithTheirExpiry) {
  const std::string long_key(500, 'x');       // hashed name
  const std::string other_long(600, 'y');     // hashed name
  {
    auto manager = NewManager();
    auto a = manager->CreateLog(0, "a");
    auto b = manager->CreateLog(0, long_key);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE(AppendEntry(**a, {1, 0}, {{"f", "a"}}).ok());
    ASSERT_TRUE(AppendEntry(**b, {1, 0}, {{"f", "b"}}).ok());
    ASSERT_TRUE((*a)->SetExpireAt(1'900'000'000'000).ok());
    // escaped -> hashed, hashed -> hashed, hashed -> escaped, and appends after.
    ASSERT_TRUE(MoveLogToKey(**a, other_long).ok());
    ASSERT_TRUE(AppendEntry(**a, {2, 0}, {{"f", "a2"}}).ok());
    ASSERT_TRUE(MoveLogToKey(**b, "tmp-" + long_key).ok());
    ASSERT_TRUE(MoveLogToKey(**b, "b").ok());
    ASSERT_TRUE(AppendEntry(**b, {2, 0}, {{"f", "b2"}}).ok());
    EXPECT_EQ((*a)->directory(), manager->StreamDirectory(0, other_long));
    EXPECT_FALSE(base::PathExists(manager->StreamDirectory(0, "a")));
    EXPECT_FALSE(base::PathExists(manager->StreamDirectory(0, long_key)));
    EXPECT_FALSE(base::PathExists(manager->StreamDirectory(0, "b") + "/key"));
  }
  auto manager = NewManager();
  RecoveryReport report;
  auto logs = OpenAll(*manager, &report);
  EXPECT_TRUE(report.clean()) << report.Describe();
  ASSERT_EQ(logs.size(), 2u);
  const std::pair<int, std::string> a_key{0, other_long}, b_key{0, "b"};
  ASSERT_TRUE(logs.contains(a_key));
  ASSERT_TRUE(logs.contains(b_key));
  EXPECT_EQ(ReadAll(*logs[a_key]).size(), 2u);
  EXPECT_EQ(ReadAll(*logs[b_key]).size(), 2u);
  EXPECT_EQ(logs[a_key]->expire_at_ms(), 1'900'000'000'000);
  EXPECT_EQ(logs[b_key]->expire_at_ms(), 0);
}

// A crash between renaming the directory and renaming "key.next" over
// "key": the directory's name is the new key's, and "key.next" holds it.
TEST_F(LogManagerTest, HashedDirectoryWithOnlyKeyNextMatchingOpensUnderTheNewKey) {
  const std::string old_key(500, 'o');
  const std::string new_key(500, 'n');
  {
    auto manager = NewManager();
    auto log = manager->CreateLog(0, old_key);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE(AppendEntry(**log, {1, 0}, {{"f", "v"}}).ok());
  }
  auto manager = NewManager();
  const std::string from = manager->StreamDirectory(0, old_key);
  const std::string to = manager->StreamDirectory(0, new_key);
  ASSERT_TRUE(base::WriteFileAtomically(from + "/key.next", new_key).ok());
  ASSERT_TRUE(base::RenamePath(from, to).ok());
  RecoveryReport report;
  auto logs = OpenAll(*manager, &report);
  EXPECT_TRUE(report.clean()) << report.Describe();
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_TRUE(logs.contains(std::pair<int, std::string>{0, new_key}));
}

}  // namespace
}  // namespace runnel::log
