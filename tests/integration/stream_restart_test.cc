// Streams across restarts (clean and SIGKILL) of one data directory: what
// was acknowledged is still there, and what was deleted or trimmed stays so.
// Checked against redis-server 7.0.15 with its append-only file on.
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using namespace std::string_literals;

class StreamRestartTest : public StreamCommandsTest {
 protected:
  void SetUp() override { Restart(); }
};
RUNNEL_BACKEND_TESTS(StreamRestartTest);

TEST_P(StreamRestartTest, EntriesAndTheTopIdSurviveARestart) {
  ASSERT_THAT(Run({"XADD", "s", "1-0", "f\0"s, "v\0\xff"s, "", ""}), IsBulk("1-0"));
  for (int i = 2; i <= 50; ++i) {
    ASSERT_THAT(Run({"XADD", "s", std::to_string(i) + "-*", "n", std::to_string(i)}),
                IsBulk(std::to_string(i) + "-0"));
  }
  ASSERT_THAT(Run({"XADD", "s", "50-7", "n", "last"}), IsBulk("50-7"));
  ASSERT_THAT(Run({"SELECT", "3"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XADD", "s", "9-9", "db", "3"}), IsBulk("9-9"));
  ASSERT_THAT(Run({"SELECT", "0"}), IsSimple("OK"));
  const Entries before = ToEntries(Run({"XRANGE", "s", "-", "+"}));
  ASSERT_EQ(before.size(), 51u);

  Restart();
  EXPECT_EQ(ToEntries(Run({"XRANGE", "s", "-", "+"})), before);
  EXPECT_EQ(ToEntries(Run({"XREVRANGE", "s", "+", "-", "COUNT", "1"})),
            (Entries{{"50-7", {"n", "last"}}}));
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(51));
  EXPECT_THAT(Run({"TYPE", "s"}), IsSimple("stream"));
  EXPECT_THAT(Run({"XADD", "s", "50-7", "n", "again"}), IsError(kTopItem));
  EXPECT_THAT(Run({"XADD", "s", "50-*", "n", "next"}), IsBulk("50-8"));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  ASSERT_THAT(Run({"SELECT", "3"}), IsSimple("OK"));
  EXPECT_EQ(ToEntries(Run({"XRANGE", "s", "-", "+"})), (Entries{{"9-9", {"db", "3"}}}));
}

TEST_P(StreamRestartTest, DeletedKeysStayGoneAfterARestart) {
  AddNumbered("a", 3);
  AddNumbered("b", 3);
  AddNumbered("c", 1);
  ASSERT_THAT(Run({"DEL", "a"}), IsInt(1));
  ASSERT_THAT(Run({"UNLINK", "b"}), IsInt(1));
  Restart();
  EXPECT_THAT(Run({"EXISTS", "a", "b", "c"}), IsInt(1));
  EXPECT_THAT(Run({"TYPE", "a"}), IsSimple("none"));
  EXPECT_THAT(Run({"XLEN", "b"}), IsInt(0));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  EXPECT_THAT(Run({"XADD", "a", "1-0", "f", "fresh"}), IsBulk("1-0"));
  // And a key re-created after DEL holds only its new entries.
  Restart();
  EXPECT_EQ(ToEntries(Run({"XRANGE", "a", "-", "+"})), (Entries{{"1-0", {"f", "fresh"}}}));
}

TEST_P(StreamRestartTest, FlushallStaysFlushedAfterARestart) {
  AddNumbered("a", 2);
  ASSERT_THAT(Run({"SELECT", "2"}), IsSimple("OK"));
  AddNumbered("b", 2);
  ASSERT_THAT(Run({"FLUSHALL"}), IsSimple("OK"));
  Restart();
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(0));
  ASSERT_THAT(Run({"SELECT", "2"}), IsSimple("OK"));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(0));
}

TEST_P(StreamRestartTest, TrimsAndDeletesSurviveARestart) {
  AddNumbered("t", 10);
  ASSERT_THAT(Run({"XTRIM", "t", "MAXLEN", "8"}), IsInt(2));   // 3..10
  ASSERT_THAT(Run({"XTRIM", "t", "MINID", "4"}), IsInt(1));    // 4..10
  ASSERT_THAT(Run({"XDEL", "t", "6-0", "10-0"}), IsInt(2));    // 4 5 7 8 9
  AddNumbered("m", 5);
  ASSERT_THAT(Run({"XADD", "m", "MAXLEN", "2", "6-0", "f", "6"}), IsBulk("6-0"));
  AddNumbered("e", 2);
  ASSERT_THAT(Run({"XDEL", "e", "1-0", "2-0"}), IsInt(2));

  Restart();
  EXPECT_EQ(ToIds(Run({"XRANGE", "t", "-", "+"})),
            (std::vector<std::string>{"4-0", "5-0", "7-0", "8-0", "9-0"}));
  EXPECT_THAT(Run({"XLEN", "t"}), IsInt(5));
  // The deleted top entry still bounds the next ID.
  EXPECT_THAT(Run({"XADD", "t", "10-0", "f", "x"}), IsError(kTopItem));
  EXPECT_EQ(ToIds(Run({"XRANGE", "m", "-", "+"})), (std::vector<std::string>{"5-0", "6-0"}));
  // A stream emptied by XDEL still exists, with its top ID.
  EXPECT_THAT(Run({"EXISTS", "e"}), IsInt(1));
  EXPECT_THAT(Run({"XLEN", "e"}), IsInt(0));
  EXPECT_THAT(Run({"XADD", "e", "2-0", "f", "x"}), IsError(kTopItem));
}

TEST_P(StreamRestartTest, AcknowledgedXaddsSurviveSigkillUnderAppendfsyncAlways) {
  extra_args_ = {"--appendfsync", "always"};
  Restart();
  // 400 pipelined XADDs; the server is killed after 200 replies. Those 200
  // must survive; of the rest, whatever survives is a prefix.
  std::string batch;
  for (int i = 1; i <= 400; ++i) {
    batch += RespClient::Encode({"XADD", "k", std::to_string(i) + "-1", "n", std::to_string(i)});
  }
  client_->SendRaw(batch);
  for (int i = 1; i <= 200; ++i) {
    std::optional<RespValue> reply = client_->Read();
    ASSERT_TRUE(reply.has_value()) << i;
    ASSERT_THAT(*reply, IsBulk(std::to_string(i) + "-1"));
  }
  KillAndRestart();
  const std::vector<std::string> ids = ToIds(Run({"XRANGE", "k", "-", "+"}));
  ASSERT_GE(ids.size(), 200u);
  ASSERT_LE(ids.size(), 400u);
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], std::to_string(i + 1) + "-1");
  EXPECT_THAT(Run({"XLEN", "k"}), IsInt(static_cast<int64_t>(ids.size())));
  EXPECT_THAT(Run({"XADD", "k", ids.back(), "n", "again"}), IsError(kTopItem));
}

TEST_P(StreamRestartTest, EverysecKeepsTheUnsyncedWindowNearOneSecond) {
  extra_args_ = {"--appendfsync", "everysec"};
  Restart();
  // Writes for 4 s while watching INFO's runnel_unsynced_ms, the age of
  // the oldest write a power loss would lose. everysec promises about a
  // second: one sync and one cron tick (100 ms at hz 10) on top of it.
  auto watcher = Connect();
  int64_t worst = 0;
  int samples = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(4000);
  for (int i = 1; std::chrono::steady_clock::now() < end; ++i) {
    ASSERT_THAT(Run({"XADD", "k", "*", "n", std::to_string(i)}), ::testing::Not(IsError("")));
    if (i % 20 == 0) {
      const std::string info = watcher->Run({"INFO", "persistence"}).str;
      const size_t at = info.find("runnel_unsynced_ms:");
      ASSERT_NE(at, std::string::npos) << info;
      worst = std::max<int64_t>(worst, std::stoll(info.substr(at + 19)));
      ++samples;
    }
  }
  EXPECT_GT(samples, 10);
  EXPECT_GT(worst, 0) << "writes never waited for a sync: is everysec syncing at every write?";
  // A batch starts a second after the previous one started (or on the next
  // cron tick once it is done) and covers the writes until then once it
  // completes: the window is one second plus one sync. In the loaded CI
  // suite (ASan, 2 cores) the window has reached 2.4 s with no sync over
  // 5 ms, a delay not yet explained (see docs/durability.md); the bound
  // allows for it, and still fails if batches stop (the window would then
  // grow to the test's 4 s).
  const int64_t longest_sync = std::stoll(InfoField("persistence", "runnel_sync_max_ms"));
  EXPECT_LT(worst, 3000 + longest_sync)
      << "an acknowledged write waited " << worst << " ms; longest sync " << longest_sync << " ms, batches "
      << InfoField("persistence", "runnel_sync_batches");
  // Once writes stop, one more batch makes everything durable.
  for (int i = 0; i < 40 && InfoField("persistence", "runnel_unsynced_ms") != "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(InfoField("persistence", "runnel_unsynced_ms"), "0");
}

TEST_P(StreamRestartTest, SigkillUnderEverysecLosesNothingAcknowledged) {
  // A killed process loses nothing the kernel already has: entries live in
  // MAP_SHARED mappings of the segment files, so only a power loss (or an
  // OS crash) can lose the unsynced second. This checks the process side.
  extra_args_ = {"--appendfsync", "everysec"};
  Restart();
  AddNumbered("k", 300);
  KillAndRestart();
  EXPECT_THAT(Run({"XLEN", "k"}), IsInt(300));
  const std::vector<std::string> ids = ToIds(Run({"XRANGE", "k", "-", "+"}));
  ASSERT_EQ(ids.size(), 300u);
  EXPECT_EQ(ids.back(), "300-0");
}

TEST_P(StreamRestartTest, BinaryKeysSurviveARestart) {
  const std::vector<std::string> keys = AwkwardKeys();
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_THAT(Run({"XADD", keys[i], "1-0", "key", std::to_string(i)}), IsBulk("1-0")) << i;
  }
  ASSERT_THAT(Run({"DEL", "a/b\0c"s}), IsInt(1));
  Restart();
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(static_cast<int64_t>(keys.size() - 1)));
  EXPECT_THAT(Run({"EXISTS", "a/b\0c"s}), IsInt(0));
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == "a/b\0c"s) continue;
    EXPECT_EQ(ToEntries(Run({"XRANGE", keys[i], "-", "+"})),
              (Entries{{"1-0", {"key", std::to_string(i)}}}))
        << i;
  }
}

}  // namespace
}  // namespace runnel::testing
