// Shared by the stream command tests (stream_commands_test.cc) and the
// restart tests (stream_restart_test.cc): Redis's error texts, a decoder of
// XRANGE replies, and a fixture that fills streams with known entries.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/integration/server_harness.h"

namespace runnel::testing {


using namespace std::string_literals;

inline constexpr char kTopItem[] =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
inline constexpr char kZeroId[] = "ERR The ID specified in XADD must be greater than 0-0";
inline constexpr char kInvalidId[] = "ERR Invalid stream ID specified as stream command argument";
inline constexpr char kNotInteger[] = "ERR value is not an integer or out of range";
inline constexpr char kMaxId[] = "18446744073709551615-18446744073709551615";

// An XRANGE entry: its ID and its field, value, field, value...
using Entry = std::pair<std::string, std::vector<std::string>>;
using Entries = std::vector<Entry>;

// The entries of an XRANGE/XREVRANGE reply, which must be an array of
// [bulk id, [bulk field, bulk value, ...]].
inline Entries ToEntries(const RespValue& reply) {
  Entries out;
  EXPECT_EQ(reply.type, RespValue::Type::kArray) << reply;
  for (const RespValue& e : reply.elements) {
    if (e.type != RespValue::Type::kArray || e.elements.size() != 2 ||
        e.elements[0].type != RespValue::Type::kBulk ||
        e.elements[1].type != RespValue::Type::kArray) {
      ADD_FAILURE() << "not an [id, [field, value...]] entry: " << e;
      continue;
    }
    Entry entry{e.elements[0].str, {}};
    for (const RespValue& item : e.elements[1].elements) {
      EXPECT_EQ(item.type, RespValue::Type::kBulk) << item;
      entry.second.push_back(item.str);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

inline std::vector<std::string> ToIds(const RespValue& reply) {
  std::vector<std::string> ids;
  for (const Entry& e : ToEntries(reply)) ids.push_back(e.first);
  return ids;
}

// "ms-seq" as numbers, for ordering checks; {0, 0} (with a failure) otherwise.
inline std::pair<uint64_t, uint64_t> SplitId(const std::string& id) {
  static const std::regex kId("([0-9]+)-([0-9]+)");
  std::smatch m;
  if (!std::regex_match(id, m, kId)) {
    ADD_FAILURE() << "not an ms-seq ID: " << id;
    return {0, 0};
  }
  return {std::stoull(m[1]), std::stoull(m[2])};
}

// Milliseconds since the Unix epoch, as the server's clock reads it.
inline int64_t UnixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class StreamCommandsTest : public ServerTest {
 protected:
  // A stream at `key` with one entry.
  void AddStream(const std::string& key) {
    ASSERT_THAT(Run({"XADD", key, "*", "f", "v"}), ::testing::Not(ErrorStartsWith("")));
  }
  // Whether `key` of db 0 has its directory; for servers started with
  // Restart() (their data directory is under data_root()).
  bool StreamDirExists(const std::string& key) {
    return std::filesystem::exists(data_root() + "/data/streams/0/" + key);
  }
  // r: 1-0 f=1, 1-1 f=2, 2-0 f=3, 3-5 f=4, 5-0 f=5.
  void AddFive() {
    const char* ids[] = {"1-0", "1-1", "2-0", "3-5", "5-0"};
    for (int i = 0; i < 5; ++i) {
      ASSERT_THAT(Run({"XADD", "r", ids[i], "f", std::to_string(i + 1)}), IsBulk(ids[i]));
    }
  }
  // `key` with entries 1-0 ... n-0, each f=<i>.
  void AddNumbered(const std::string& key, int n) {
    for (int i = 1; i <= n; ++i) {
      const std::string id = std::to_string(i) + "-0";
      ASSERT_THAT(Run({"XADD", key, id, "f", std::to_string(i)}), IsBulk(id));
    }
  }
  // A second connection that sends a blocking `command`; waits until INFO
  // `blocked_clients` says `expect_blocked` clients wait.
  std::unique_ptr<RespClient> BlockOn(const std::vector<std::string>& command, int expect_blocked = 1) {
    auto reader = Connect();
    reader->Send(command);
    WaitBlocked(expect_blocked);
    return reader;
  }
  void WaitBlocked(int n) {
    for (int i = 0; i < 200 && InfoField("clients", "blocked_clients") != std::to_string(n); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(InfoField("clients", "blocked_clients"), std::to_string(n));
  }
};

// Keys that a naive key-to-path mapping would confuse, escape through, or
// not fit in one file name.
inline std::vector<std::string> AwkwardKeys() {
  using namespace std::string_literals;
  return {"a/b",  "a%2Fb", "a%2fb", "a\\b", "A/B",   "a", "a/b\0c"s, "a/b\0d"s,
          "../x", ".",     "..",    "",     "\xff\xfe", std::string(300, 'k'),
          std::string(299, 'k') + "/"};
}

}  // namespace runnel::testing
