// A full disk under the real server (issue #9), on a 4 MiB tmpfs (root only;
// skipped otherwise): XADD fails with a clear error once no new segment fits,
// while reads, in-memory writes and other clients go on; deleting a stream
// gives the space back and writes resume; after a restart every
// acknowledged entry is there.
#include <sys/mount.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/crash/tmpfs_mount.h"
#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

class FullDiskServerTest : public ServerTest {
 protected:
  void TearDown() override {
    ServerTest::TearDown();
    if (mount_point_.empty()) return;
    EXPECT_EQ(umount2(mount_point_.c_str(), MNT_DETACH), 0) << strerror(errno);
    rmdir(mount_point_.c_str());
  }

  void StartOnTmpfs() {
    StartServer({.args = {"--dir", mount_point_ + "/data", "--segment-max-bytes", "64kb", "--appendfsync", "always"}});
  }

  // XADDs 1 KB entries to `key` until one fails (or `limit` succeed);
  // returns the failure, or a null reply at the limit.
  RespValue Fill(const std::string& key, int limit, int* acked) {
    const std::string payload(1000, 'p');
    for (; *acked < limit; ++*acked) {
      RespValue reply = Run({"XADD", key, "*", "p", payload});
      if (reply.type != RespValue::Type::kBulk) return reply;
    }
    return RespValue{};
  }

  std::string mount_point_;
};
RUNNEL_BACKEND_TESTS(FullDiskServerTest);

TEST_P(FullDiskServerTest, WritesFailClearlyReadsGoOnAndWritesResumeWhenSpaceReturns) {
  std::string why;
  mount_point_ = MountTmpfs("size=4m,mode=0755", 0, &why);
  if (mount_point_.empty()) GTEST_SKIP() << "full-disk test skipped: " << why;
  StartOnTmpfs();

  int kept = 0;
  ASSERT_EQ(Fill("kept", 200, &kept).type, RespValue::Type::kNull);
  int filler = 0;
  const RespValue failed = Fill("filler", 1 << 20, &filler);
  ASSERT_TRUE(failed.is_error()) << failed;
  EXPECT_THAT(failed.str, ::testing::HasSubstr("No space left on device")) << failed;
  ASSERT_GT(filler, 1000);  // about 4 MiB went in first

  // Reads, in-memory writes and other clients go on.
  EXPECT_THAT(Run({"XLEN", "filler"}), IsInt(filler));
  EXPECT_THAT(Run({"XLEN", "kept"}), IsInt(kept));
  EXPECT_EQ(Run({"XRANGE", "kept", "-", "+", "COUNT", "3"}).elements.size(), 3u);
  EXPECT_THAT(Run({"SET", "k", "v"}), IsSimple("OK"));
  auto other = Connect();
  EXPECT_THAT(other->Run({"PING"}), IsSimple("PONG"));
  // Still full: the stream that hit the limit is refused again, unchanged.
  EXPECT_TRUE(Run({"XADD", "filler", "*", "p", std::string(1000, 'p')}).is_error());
  EXPECT_THAT(Run({"XLEN", "filler"}), IsInt(filler));

  // Deleting a stream removes its files: writes resume.
  EXPECT_THAT(Run({"DEL", "filler"}), IsInt(1));
  ASSERT_EQ(Fill("kept", kept + 100, &kept).type, RespValue::Type::kNull);

  StartOnTmpfs();
  EXPECT_THAT(Run({"XLEN", "kept"}), IsInt(kept));
  EXPECT_THAT(Run({"EXISTS", "filler"}), IsInt(0));
}

}  // namespace
}  // namespace runnel::testing
