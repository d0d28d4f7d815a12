// The stream log through the real server: recovery of a data directory at
// start-up (reported in the log), repair of a torn tail, shutdown syncs,
// CONFIG of the persistence options, and a data directory that cannot be
// used. The stream commands themselves (#4) will drive the log over RESP;
// here the data is written with the engine's own API, as a previous run of
// the server would have left it.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "engine/log/log_manager.h"
#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using namespace std::chrono_literals;

class StorageTest : public ServerTest {
 protected:
  void TearDown() override {
    ServerTest::TearDown();
    if (!prepared_.empty()) std::filesystem::remove_all(prepared_);
  }

  // A data directory (outliving server restarts) with `streams` one-entry
  // streams: stream:0 in db 5, the others in db 0; stream:1 has two entries.
  std::string PrepareDataDir(int streams) {
    char pattern[] = "/tmp/runnel-storage-test-XXXXXX";
    prepared_ = mkdtemp(pattern);
    const std::string dir = prepared_ + "/data";
    auto manager = log::LogManager::Create(log::LogManager::Options{.data_dir = dir}, nullptr);
    EXPECT_TRUE(manager.ok());
    for (int i = 0; i < streams; ++i) {
      auto stream = (*manager)->CreateLog(i == 0 ? 5 : 0, "stream:" + std::to_string(i));
      EXPECT_TRUE(stream.ok());
      const std::string value = std::to_string(i);
      const log::FieldValue fields[] = {{"n", value}};
      EXPECT_TRUE((*stream)->Append({1, static_cast<uint64_t>(i)}, fields).ok());
      if (i == 1) {
        torn_segment_ = (*stream)->segment(0).path();
        torn_offset_ = (*stream)->segment(0).end_offset();
        EXPECT_TRUE((*stream)->Append({2, 0}, fields).ok());
      }
    }
    return dir;
  }

  std::string prepared_;
  std::string torn_segment_;
  uint64_t torn_offset_ = 0;
};
RUNNEL_BACKEND_TESTS(StorageTest);

TEST_P(StorageTest, StartUpRecoversEveryStreamAndReportsATornTail) {
  const std::string dir = PrepareDataDir(50);
  // Damage the second record of stream:1: a write cut short by a crash.
  const int fd = open(torn_segment_.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  const char garbage = 0x5a;
  ASSERT_EQ(pwrite(fd, &garbage, 1, static_cast<off_t>(torn_offset_ + 10)), 1);
  close(fd);

  StartServer({.args = {"--dir", dir}});
  EXPECT_NE(server_->log().find("DB loaded from disk: 50 streams, 0 problems"), std::string::npos)
      << server_->log();
  // Start-up reads meta journals only; the segments are opened and the tail
  // verified when the stream is first used, and the repair is reported then.
  const std::string torn = "torn tail in " + torn_segment_ + " at offset " + std::to_string(torn_offset_);
  EXPECT_EQ(server_->log().find(torn), std::string::npos) << server_->log();
  EXPECT_THAT(Run({"XLEN", "stream:1"}), IsInt(1));  // the second record was torn away
  EXPECT_NE(server_->log().find(torn), std::string::npos) << server_->log();
  // The repair is synced at shutdown: the next start finds nothing to report.
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
  StartServer({.args = {"--dir", dir}});
  EXPECT_THAT(Run({"XLEN", "stream:1"}), IsInt(1));
  EXPECT_EQ(server_->log().find("torn tail"), std::string::npos) << server_->log();
  EXPECT_NE(server_->log().find(", 0 problems"), std::string::npos) << server_->log();
}

TEST_P(StorageTest, ThousandsOfStreamsOpenAtStartUp) {
  const std::string dir = PrepareDataDir(1000);
  StartServer({.args = {"--dir", dir}});
  EXPECT_NE(server_->log().find("DB loaded from disk: 1000 streams, 0 problems"), std::string::npos)
      << server_->log();
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
}

TEST_P(StorageTest, PersistenceOptionsAreConfigurable) {
  EXPECT_THAT(Run({"CONFIG", "GET", "appendfsync"}), ArrLen(2));
  EXPECT_THAT(Run({"CONFIG", "SET", "appendfsync", "always"}), IsSimple("OK"));
  EXPECT_THAT(Run({"CONFIG", "GET", "appendfsync"}).elements[1], IsBulk("always"));
  EXPECT_THAT(Run({"CONFIG", "SET", "appendfsync", "sometimes"}),
              ErrorStartsWith("ERR CONFIG SET failed (possibly related to argument 'appendfsync')"));
  EXPECT_THAT(Run({"CONFIG", "SET", "segment-max-bytes", "1mb"}), IsSimple("OK"));
  EXPECT_THAT(Run({"CONFIG", "SET", "open-segments-max", "64"}), IsSimple("OK"));
  EXPECT_THAT(Run({"CONFIG", "GET", "appendonly"}).elements[1], IsBulk("yes"));
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
}

TEST_P(StorageTest, UnusableDataDirectoryIsAClearStartUpError) {
  const std::string file = server_->data_dir() + "/not-a-directory";
  { std::ofstream(file) << "x"; }
  auto failed = ServerProcess::Start(ServerOptions{.backend = GetParam(),
                                                   .args = {"--dir", file + "/data"},
                                                   .expect_start = false});
  ASSERT_NE(failed, nullptr);
  EXPECT_FALSE(failed->ready());
  EXPECT_NE(failed->WaitForExit(10s), 0);
  EXPECT_NE(failed->log().find("not-a-directory"), std::string::npos) << failed->log();
}

}  // namespace
}  // namespace runnel::testing
