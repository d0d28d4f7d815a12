// String keys among the keyspace commands and beside streams, through the
// real binary: TYPE, SCAN TYPE, KEYS, RENAME, DEL, EXISTS, TTLs; WRONGTYPE
// both ways; SET over a stream discarding its files; blocked readers of a
// key that becomes a string (Redis 7.2); lazy and active expiry; and string
// keys being memory-only across restarts.
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kWrongType[] = "WRONGTYPE Operation against a key holding the wrong kind of value";

class StringKeysTest : public StreamCommandsTest {
 protected:
  void SetUp() override { Restart(); }
  std::set<std::string> Strings(const RespValue& array) {
    std::set<std::string> out;
    for (const RespValue& item : array.elements) out.insert(item.str);
    return out;
  }
  // Waits (up to 10 s) until DBSIZE, which touches no key, is `n`.
  void WaitForDbSize(int64_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (Run({"DBSIZE"}).integer != n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    EXPECT_THAT(Run({"DBSIZE"}), IsInt(n));
  }
};
RUNNEL_BACKEND_TESTS(StringKeysTest);

TEST_P(StringKeysTest, KeyspaceCommandsSeeStringKeys) {
  ASSERT_THAT(Run({"MSET", "user:1", "a", "user:2", "b", "n", "5"}), IsSimple("OK"));
  AddStream("events");
  EXPECT_THAT(Run({"TYPE", "user:1"}), IsSimple("string"));
  EXPECT_THAT(Run({"TYPE", "events"}), IsSimple("stream"));
  EXPECT_THAT(Run({"EXISTS", "user:1", "user:1", "events", "nokey"}), IsInt(3));
  EXPECT_EQ(Strings(Run({"KEYS", "user:*"})), (std::set<std::string>{"user:1", "user:2"}));
  const RespValue scan = Run({"SCAN", "0", "TYPE", "string", "COUNT", "100"});
  ASSERT_THAT(scan, ArrLen(2));
  EXPECT_EQ(Strings(scan.elements[1]), (std::set<std::string>{"user:1", "user:2", "n"}));
  EXPECT_EQ(Strings(Run({"SCAN", "0", "TYPE", "STREAM", "COUNT", "100"}).elements[1]),
            (std::set<std::string>{"events"}));
  EXPECT_THAT(Run({"RANDOMKEY"}), ::testing::Not(IsNull()));
  EXPECT_THAT(Run({"OBJECT", "ENCODING", "n"}), IsBulk("int"));
  EXPECT_THAT(Run({"OBJECT", "ENCODING", "events"}), IsBulk("stream"));
  EXPECT_THAT(Run({"DEL", "user:1", "events", "nokey"}), IsInt(2));
  EXPECT_FALSE(StreamDirExists("events"));
  EXPECT_THAT(Run({"UNLINK", "user:2"}), IsInt(1));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  EXPECT_THAT(Run({"FLUSHDB"}), IsSimple("OK"));
  EXPECT_THAT(Run({"GET", "n"}), IsNull());
}

TEST_P(StringKeysTest, RenameMovesAStringWithItsTtl) {
  ASSERT_THAT(Run({"SET", "a", "1", "EX", "100"}), IsSimple("OK"));
  ASSERT_THAT(Run({"RENAME", "a", "b"}), IsSimple("OK"));
  EXPECT_THAT(Run({"GET", "b"}), IsBulk("1"));
  EXPECT_THAT(Run({"TTL", "b"}), IsInt(100));
  EXPECT_THAT(Run({"EXISTS", "a"}), IsInt(0));
  // A string renamed over a stream replaces it, files and all.
  AddStream("s");
  ASSERT_THAT(Run({"RENAME", "b", "s"}), IsSimple("OK"));
  EXPECT_THAT(Run({"TYPE", "s"}), IsSimple("string"));
  EXPECT_FALSE(StreamDirExists("s"));
  // And a stream renamed over a string.
  AddStream("t");
  ASSERT_THAT(Run({"RENAME", "t", "s"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(1));
  ASSERT_THAT(Run({"SET", "x", "1"}), IsSimple("OK"));
  EXPECT_THAT(Run({"RENAMENX", "x", "s"}), IsInt(0));
  EXPECT_THAT(Run({"RENAMENX", "x", "y"}), IsInt(1));
  EXPECT_THAT(Run({"INCR", "y"}), IsInt(2));
}

TEST_P(StringKeysTest, TtlCommandsWorkOnStrings) {
  ASSERT_THAT(Run({"SET", "k", "v"}), IsSimple("OK"));
  EXPECT_THAT(Run({"TTL", "k"}), IsInt(-1));
  EXPECT_THAT(Run({"EXPIRE", "k", "100", "NX"}), IsInt(1));
  EXPECT_THAT(Run({"TTL", "k"}), IsInt(100));
  EXPECT_THAT(Run({"PEXPIREAT", "k", "4102444800123"}), IsInt(1));
  EXPECT_THAT(Run({"PEXPIRETIME", "k"}), IsInt(4102444800123));
  EXPECT_THAT(Run({"INFO", "keyspace"}).str, ::testing::HasSubstr("db0:keys=1,expires=1,"));
  EXPECT_THAT(Run({"PERSIST", "k"}), IsInt(1));
  EXPECT_THAT(Run({"TTL", "k"}), IsInt(-1));
  EXPECT_THAT(Run({"EXPIRE", "k", "-1"}), IsInt(1));
  EXPECT_THAT(Run({"EXISTS", "k"}), IsInt(0));
}

TEST_P(StringKeysTest, StreamCommandsOnAStringKeyAnswerWrongType) {
  ASSERT_THAT(Run({"SET", "s", "v"}), IsSimple("OK"));
  AddStream("real");
  const std::vector<std::vector<std::string>> commands = {
      {"XADD", "s", "*", "f", "v"},
      {"XADD", "s", "NOMKSTREAM", "*", "f", "v"},
      {"XLEN", "s"},
      {"XRANGE", "s", "-", "+"},
      {"XREVRANGE", "s", "+", "-"},
      {"XDEL", "s", "1-1"},
      {"XTRIM", "s", "MAXLEN", "1"},
      {"XREAD", "STREAMS", "s", "0"},
      {"XREAD", "COUNT", "1", "STREAMS", "real", "s", "0", "0"},
      {"XREAD", "BLOCK", "10", "STREAMS", "s", "$"},
      {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS", "s", ">"},
      {"XGROUP", "CREATE", "s", "g", "$"},
      {"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"},
      {"XGROUP", "SETID", "s", "g", "0"},
      {"XGROUP", "DESTROY", "s", "g"},
      {"XGROUP", "CREATECONSUMER", "s", "g", "c"},
      {"XGROUP", "DELCONSUMER", "s", "g", "c"},
      {"XACK", "s", "g", "1-1"},
      {"XPENDING", "s", "g"},
      {"XPENDING", "s", "g", "-", "+", "10"},
      {"XCLAIM", "s", "g", "c", "0", "1-1"},
      {"XAUTOCLAIM", "s", "g", "c", "0", "0"},
      {"XINFO", "STREAM", "s"},
      {"XINFO", "STREAM", "s", "FULL"},
      {"XINFO", "GROUPS", "s"},
      {"XINFO", "CONSUMERS", "s", "g"},
      {"XSETID", "s", "1-1"},
  };
  for (const std::vector<std::string>& command : commands) {
    EXPECT_THAT(Run(command), IsError(kWrongType)) << command[0] << " " << command[1];
  }
  EXPECT_THAT(Run({"GET", "s"}), IsBulk("v"));
  EXPECT_THAT(Run({"INFO", "clients"}).str, ::testing::HasSubstr("blocked_clients:0\r\n"));
}

TEST_P(StringKeysTest, StringCommandsOnAStreamKeyAnswerWrongType) {
  AddStream("s");
  const std::vector<std::vector<std::string>> commands = {
      {"GET", "s"},           {"GETDEL", "s"},        {"GETEX", "s", "PERSIST"}, {"GETSET", "s", "v"},
      {"SET", "s", "v", "GET"}, {"APPEND", "s", "x"}, {"STRLEN", "s"},           {"GETRANGE", "s", "0", "1"},
      {"SUBSTR", "s", "0", "1"}, {"SETRANGE", "s", "0", "x"}, {"SETRANGE", "s", "0", ""}, {"INCR", "s"},
      {"DECR", "s"},          {"INCRBY", "s", "1"},   {"DECRBY", "s", "1"},      {"INCRBYFLOAT", "s", "1"},
  };
  for (const std::vector<std::string>& command : commands) {
    EXPECT_THAT(Run(command), IsError(kWrongType)) << command[0];
  }
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(1));
  EXPECT_TRUE(StreamDirExists("s"));
}

TEST_P(StringKeysTest, SetOverAStreamReplacesItAndRemovesItsFiles) {
  AddStream("s");
  ASSERT_THAT(Run({"EXPIRE", "s", "100"}), IsInt(1));
  ASSERT_TRUE(StreamDirExists("s"));
  EXPECT_THAT(Run({"SET", "s", "v", "KEEPTTL"}), IsSimple("OK"));
  EXPECT_THAT(Run({"TYPE", "s"}), IsSimple("string"));
  EXPECT_THAT(Run({"TTL", "s"}), IsInt(100));
  EXPECT_FALSE(StreamDirExists("s"));
  AddStream("t");
  EXPECT_THAT(Run({"SET", "t", "v"}), IsSimple("OK"));
  EXPECT_FALSE(StreamDirExists("t"));
  // A new stream under the name starts empty.
  EXPECT_THAT(Run({"DEL", "t"}), IsInt(1));
  AddStream("t");
  EXPECT_THAT(Run({"XLEN", "t"}), IsInt(1));
  Restart();
  EXPECT_THAT(Run({"XLEN", "t"}), IsInt(1));
  EXPECT_THAT(Run({"TYPE", "s"}), IsSimple("none"));
}

// Redis 7.2's rules: a blocked XREAD waits on through a key that is not a
// stream; a blocked XREADGROUP is woken and answers WRONGTYPE.
TEST_P(StringKeysTest, BlockedReadersOfAKeyThatBecomesAString) {
  ASSERT_THAT(Run({"XADD", "st", "666", "f", "v"}), IsBulk("666-0"));
  auto reader = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "st", "$"});
  ASSERT_THAT(Run({"SET", "st", "val1"}), IsSimple("OK"));
  ASSERT_THAT(Run({"DEL", "st"}), IsInt(1));
  WaitBlocked(1);
  ASSERT_THAT(Run({"XADD", "st", "667", "f2", "v2"}), IsBulk("667-0"));
  std::optional<RespValue> read = reader->Read();
  ASSERT_TRUE(read.has_value());
  ASSERT_THAT(*read, ArrLen(1));
  EXPECT_THAT(read->elements[0].elements[0], IsBulk("st"));
  EXPECT_EQ(ToIds(read->elements[0].elements[1]), std::vector<std::string>{"667-0"});

  ASSERT_THAT(Run({"XGROUP", "CREATE", "gs", "grp", "$", "MKSTREAM"}), IsSimple("OK"));
  auto group_reader = BlockOn({"XREADGROUP", "GROUP", "grp", "alice", "BLOCK", "0", "STREAMS", "gs", ">"});
  ASSERT_THAT(Run({"SET", "gs", "val1"}), IsSimple("OK"));
  read = group_reader->Read();
  ASSERT_TRUE(read.has_value());
  EXPECT_THAT(*read, IsError(kWrongType));
  WaitBlocked(0);
}

TEST_P(StringKeysTest, ExpiredStringsVanishLazilyAndActively) {
  ASSERT_THAT(Run({"SET", "lazy", "v", "PX", "50"}), IsSimple("OK"));
  ASSERT_THAT(Run({"SETEX", "keep", "1000", "v"}), IsSimple("OK"));
  ASSERT_THAT(Run({"SET", "plain", "v"}), IsSimple("OK"));
  // Nobody touches these: only active expiry can remove them.
  for (int i = 0; i < 50; ++i) {
    ASSERT_THAT(Run({"SET", "t" + std::to_string(i), "v", "PX", "50"}), IsSimple("OK"));
  }
  ASSERT_THAT(Run({"PSETEX", "p", "50", "v"}), IsSimple("OK"));
  ASSERT_THAT(Run({"GETEX", "plain", "PX", "50"}), IsBulk("v"));
  std::this_thread::sleep_for(60ms);
  EXPECT_THAT(Run({"GET", "lazy"}), IsNull());
  WaitForDbSize(1);
  EXPECT_THAT(Run({"GET", "keep"}), IsBulk("v"));
  EXPECT_THAT(Run({"INFO", "stats"}).str, ::testing::HasSubstr("expired_keys:53\r\n"));
  EXPECT_THAT(Run({"INFO", "keyspace"}).str, ::testing::HasSubstr("db0:keys=1,expires=1,"));
}

// String keys live in memory only, as in Redis without persistence;
// streams are on disk and come back.
TEST_P(StringKeysTest, StringKeysDoNotSurviveARestart) {
  ASSERT_THAT(Run({"MSET", "a", "1", "b", "2"}), IsSimple("OK"));
  AddStream("s");
  Restart();
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  EXPECT_THAT(Run({"GET", "a"}), IsNull());
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(1));
  ASSERT_THAT(Run({"SET", "a", "1"}), IsSimple("OK"));
  KillAndRestart();
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  EXPECT_THAT(Run({"TYPE", "a"}), IsSimple("none"));
}

}  // namespace
}  // namespace runnel::testing
