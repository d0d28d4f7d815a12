// Damaged data directories under the real server (issue #9): streams and a
// consumer group are written, the server is stopped, and then, round after
// round, random bytes of a random segment, meta or group journal are flipped
// or the file is cut short, and the server is started on what is left. Each
// round the server must start and answer, and every entry it serves must be
// exactly one that was written (an error reply for a damaged range is
// allowed; wrong bytes are not), and new writes must work. runnel-check
// must finish on the directory without crashing. The damage piles up over
// the rounds, as on a disk that keeps failing.
//
// A storage test, not an I/O one: it runs on one backend. RUNNEL_DAMAGE_ROUNDS
// raises the round count for a soak, RUNNEL_DAMAGE_SEED picks other damage.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/crash/soak_settings.h"
#include "tests/integration/process_output.h"
#include "tests/integration/server_harness.h"
#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

constexpr int kStreams = 2;
constexpr int kEntries = 1000;  // ~170 KB a stream: three 64 KiB segments

int Rounds() { return static_cast<int>(SoakSetting("RUNNEL_DAMAGE_ROUNDS", 10)); }
unsigned Seed() { return SoakSetting("RUNNEL_DAMAGE_SEED", 20261129); }

std::string StreamKey(int stream) { return "s" + std::to_string(stream); }

// The value of entry `ms`-0 of `stream`: its own bytes, so a wrong entry
// served under a right ID shows.
std::string ValueOf(int stream, uint64_t ms) {
  return std::to_string(stream) + ":" + std::to_string(ms) + ":" + std::string(100 + ms % 50, 'a' + ms % 26);
}

// The files recovery reads: segments and the meta and group journals.
std::vector<std::filesystem::path> DataFiles(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".seg" || name == "meta" || name == "groups") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Flips 1-3 bytes of `path` at random offsets, or truncates it at one.
std::string Damage(const std::filesystem::path& path, std::mt19937& random) {
  const auto size = std::filesystem::file_size(path);
  if (size == 0) return "nothing to damage in " + path.string();
  if (random() % 4 == 0) {
    const auto at = random() % size;
    std::filesystem::resize_file(path, at);
    return "truncated " + path.string() + " at " + std::to_string(at);
  }
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string what = "flipped " + path.string() + " at";
  for (int flips = 1 + random() % 3; flips > 0; --flips) {
    const auto at = random() % size;
    char byte;
    file.seekg(at);
    file.read(&byte, 1);
    byte = static_cast<char>(byte ^ (1 + random() % 255));
    file.seekp(at);
    file.write(&byte, 1);
    what += " " + std::to_string(at);
  }
  return what;
}

class DamageTest : public ServerTest {
 protected:
  // Every entry of a range reply must be one that was written; an error
  // reply is allowed (a read that reaches damage says so).
  void ExpectOnlyWrittenEntries(int stream, const RespValue& reply, const std::string& round) {
    if (reply.is_error()) {
      ++read_errors_;
      return;
    }
    ASSERT_EQ(reply.type, RespValue::Type::kArray) << round << ": " << reply;
    for (const RespValue& entry : reply.elements) {
      ASSERT_EQ(entry.elements.size(), 2u) << round << ": " << entry;
      const auto [ms, seq] = SplitId(entry.elements[0].str);
      ASSERT_EQ(seq, 0u) << round << ": " << entry;
      ASSERT_TRUE(ms >= 1 && ms <= kEntries) << round << ": " << entry;
      ASSERT_EQ(entry.elements[1].elements.size(), 2u) << round << ": " << entry;
      EXPECT_EQ(entry.elements[1].elements[1].str, ValueOf(stream, ms)) << round << ": " << entry.elements[0].str;
    }
    entries_served_ += reply.elements.size();
  }
  size_t read_errors_ = 0;
  size_t entries_served_ = 0;

  // Runs a command; a read that meets damage after its reply began can only
  // end with a disconnect (the reply's length is already sent), so the
  // client reconnects for the next command.
  RespValue Query(const std::vector<std::string>& args) {
    RespValue reply = Run(args);
    if (reply.is_error() && reply.str.rfind("IO:", 0) == 0) client_ = Connect();
    return reply;
  }

  void Stop() {
    client_.reset();
    ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
    server_.reset();
  }
};
RUNNEL_BACKEND_TESTS(DamageTest);

TEST_P(DamageTest, RandomFlipsAndTruncationsNeverCrashTheServerOrServeWrongBytes) {
  if (GetParam() != "uring") GTEST_SKIP() << "a storage test: it runs on the uring backend only";
  extra_args_ = {"--segment-max-bytes", "64kb"};
  Restart();
  for (int stream = 0; stream < kStreams; ++stream) {
    std::string pipeline;
    for (uint64_t ms = 1; ms <= kEntries; ++ms) {
      pipeline += RespClient::Encode({"XADD", StreamKey(stream), std::to_string(ms) + "-0", "v", ValueOf(stream, ms)});
    }
    client_->SendRaw(pipeline);
    for (int i = 0; i < kEntries; ++i) ASSERT_EQ(client_->Read()->type, RespValue::Type::kBulk);
  }
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s0", "g", "0"}), IsSimple("OK"));
  ASSERT_EQ(Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "300", "STREAMS", "s0", ">"}).type,
            RespValue::Type::kArray);
  ASSERT_THAT(Run({"XACK", "s0", "g", "1-0", "2-0", "3-0"}), IsInt(3));
  Stop();

  const std::string dir = data_root() + "/data";
  std::mt19937 random(Seed());
  for (int round = 0; round < Rounds(); ++round) {
    const std::vector<std::filesystem::path> files = DataFiles(dir);
    ASSERT_FALSE(files.empty());
    const std::string what = "round " + std::to_string(round) + ", " + Damage(files[random() % files.size()], random);

    Restart();
    ASSERT_THAT(Run({"PING"}), IsSimple("PONG")) << what << "\n" << server_->log();
    for (int stream = 0; stream < kStreams; ++stream) {
      ExpectOnlyWrittenEntries(stream, Query({"XRANGE", StreamKey(stream), "-", "+"}), what);
      ExpectOnlyWrittenEntries(stream, Query({"XREVRANGE", StreamKey(stream), "+", "-", "COUNT", "20"}), what);
      const RespValue length = Query({"XLEN", StreamKey(stream)});
      EXPECT_TRUE(length.type == RespValue::Type::kInteger || length.is_error()) << what << ": " << length;
    }
    const RespValue groups = Query({"XINFO", "GROUPS", "s0"});
    EXPECT_TRUE(groups.type == RespValue::Type::kArray || groups.is_error()) << what << ": " << groups;
    // New writes still work after whatever recovery did.
    const RespValue added = Run({"XADD", "fresh", "*", "f", "v"});
    EXPECT_EQ(added.type, RespValue::Type::kBulk) << what << ": " << added << "\n" << server_->log();
    EXPECT_THAT(Run({"DEL", "fresh"}), IsInt(1)) << what;
    Stop();
    if (HasFailure()) return;

    // Clean (0) or damage found (1); a crash shows as 128 + the signal.
    const ProcessOutput check = RunShellCommand(std::string(RUNNEL_CHECK_BIN) + " " + dir + " 2>&1");
    ASSERT_TRUE(check.exit_code == 0 || check.exit_code == 1) << what << ": runnel-check\n" << check.output;
  }
  std::printf("%d rounds: %zu entries served, all as written; %zu range reads refused\n", Rounds(), entries_served_,
              read_errors_);
}

}  // namespace
}  // namespace runnel::testing
