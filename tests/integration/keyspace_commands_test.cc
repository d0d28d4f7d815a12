// KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX and OBJECT through the real
// binary: replies, options and error texts checked against redis-server
// 7.0.15, and a stream's files following RENAME on disk.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using namespace std::string_literals;

class KeyspaceCommandsTest : public ServerTest {
 protected:
  void AddStream(const std::string& key, const std::string& value = "v") {
    ASSERT_THAT(Run({"XADD", key, "*", "f", value}), ::testing::Not(ErrorStartsWith("")));
  }
  std::set<std::string> Strings(const RespValue& array) {
    std::set<std::string> out;
    EXPECT_EQ(array.type, RespValue::Type::kArray) << array;
    for (const RespValue& item : array.elements) out.insert(item.str);
    return out;
  }
  // A whole SCAN iteration with `options`; fails on a key seen twice.
  std::set<std::string> ScanAll(const std::vector<std::string>& options) {
    std::set<std::string> keys;
    std::string cursor = "0";
    int calls = 0;
    do {
      std::vector<std::string> args = {"SCAN", cursor};
      args.insert(args.end(), options.begin(), options.end());
      RespValue reply = Run(args);
      EXPECT_THAT(reply, ArrLen(2));
      if (reply.elements.size() != 2) break;
      cursor = reply.elements[0].str;
      for (const RespValue& key : reply.elements[1].elements) EXPECT_TRUE(keys.insert(key.str).second) << key.str;
      ++calls;
    } while (cursor != "0" && calls < 100000);
    return keys;
  }
  std::string StreamsDir() const { return server_->data_dir() + "/data/streams/0"; }
};
RUNNEL_BACKEND_TESTS(KeyspaceCommandsTest);

TEST_P(KeyspaceCommandsTest, KeysMatchesGlobsAndStarMatchesTheEmptyKey) {
  EXPECT_THAT(Run({"KEYS", "*"}), ArrLen(0));
  for (const char* key : {"user:1", "user:2", "order:1", ""}) AddStream(key);
  EXPECT_EQ(Strings(Run({"KEYS", "*"})), (std::set<std::string>{"user:1", "user:2", "order:1", ""}));
  EXPECT_EQ(Strings(Run({"KEYS", "user:*"})), (std::set<std::string>{"user:1", "user:2"}));
  EXPECT_EQ(Strings(Run({"KEYS", "*:[1]"})), (std::set<std::string>{"user:1", "order:1"}));
  EXPECT_EQ(Strings(Run({"KEYS", "?ser:2"})), (std::set<std::string>{"user:2"}));
  // Only the lone "*" skips matching (Redis's allkeys): "**" does not match "".
  EXPECT_EQ(Strings(Run({"KEYS", "**"})), (std::set<std::string>{"user:1", "user:2", "order:1"}));
  EXPECT_THAT(Run({"KEYS"}), IsError("ERR wrong number of arguments for 'keys' command"));
}

TEST_P(KeyspaceCommandsTest, ScanReturnsEveryKeyAndEndsAtCursorZero) {
  std::set<std::string> expected;
  for (int i = 0; i < 60; ++i) {
    AddStream("k" + std::to_string(i));
    expected.insert("k" + std::to_string(i));
  }
  EXPECT_EQ(ScanAll({}), expected);
  EXPECT_EQ(ScanAll({"COUNT", "1"}), expected);
  EXPECT_EQ(ScanAll({"COUNT", "1000"}), expected);
  EXPECT_EQ(ScanAll({"MATCH", "k1*", "COUNT", "3"}),
            (std::set<std::string>{"k1", "k10", "k11", "k12", "k13", "k14", "k15", "k16", "k17", "k18", "k19"}));
  EXPECT_EQ(ScanAll({"TYPE", "stream"}), expected);
  EXPECT_EQ(ScanAll({"type", "STREAM", "match", "k5"}), (std::set<std::string>{"k5"}));
  EXPECT_EQ(ScanAll({"TYPE", "string"}), std::set<std::string>{});
  EXPECT_EQ(ScanAll({"TYPE", "nosuchtype"}), std::set<std::string>{});
  RespValue one = Run({"SCAN", "0", "COUNT", "1"});
  ASSERT_THAT(one, ArrLen(2));
  EXPECT_EQ(one.elements[0].type, RespValue::Type::kBulk);
  EXPECT_NE(one.elements[0].str, "0");
}

TEST_P(KeyspaceCommandsTest, ScanKeepsItsGuaranteeWhileKeysComeAndGo) {
  std::set<std::string> stable;
  for (int i = 0; i < 100; ++i) {
    AddStream("stable" + std::to_string(i));
    stable.insert("stable" + std::to_string(i));
  }
  for (int i = 0; i < 100; ++i) AddStream("doomed" + std::to_string(i));
  std::multiset<std::string> seen;
  std::string cursor = "0";
  int round = 0;
  do {
    RespValue reply = Run({"SCAN", cursor, "COUNT", "5"});
    ASSERT_THAT(reply, ArrLen(2));
    cursor = reply.elements[0].str;
    for (const RespValue& key : reply.elements[1].elements) seen.insert(key.str);
    // Grow, then shrink, between calls.
    if (round == 3) {
      for (int i = 0; i < 300; ++i) AddStream("burst" + std::to_string(i));
    }
    if (round == 20) {
      std::vector<std::string> del = {"DEL"};
      for (int i = 0; i < 300; ++i) del.push_back("burst" + std::to_string(i));
      for (int i = 0; i < 100; ++i) del.push_back("doomed" + std::to_string(i));
      ASSERT_THAT(Run(del), IsInt(400));
    }
    ++round;
  } while (cursor != "0");
  ASSERT_GT(round, 21);
  // Redis's guarantee, at least once: after the table halves, the cursor
  // may name a bucket that also holds keys already returned.
  for (const std::string& key : stable) EXPECT_GE(seen.count(key), 1u) << key;
}

TEST_P(KeyspaceCommandsTest, ScanErrorsAreRedis) {
  AddStream("k");
  EXPECT_THAT(Run({"SCAN", "abc"}), IsError("ERR invalid cursor"));
  EXPECT_THAT(Run({"SCAN", " 5"}), IsError("ERR invalid cursor"));
  EXPECT_THAT(Run({"SCAN", "5x"}), IsError("ERR invalid cursor"));
  EXPECT_THAT(Run({"SCAN", "18446744073709551616"}), IsError("ERR invalid cursor"));
  // strtoul's forms Redis accepts.
  EXPECT_THAT(Run({"SCAN", "18446744073709551615"}), ArrLen(2));
  EXPECT_THAT(Run({"SCAN", "+0"}), ArrLen(2));
  EXPECT_THAT(Run({"SCAN", "0", "COUNT", "0"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"SCAN", "0", "COUNT", "-1"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"SCAN", "0", "COUNT", "x"}), IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"SCAN", "0", "MATCH"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"SCAN", "0", "FOO", "1"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"SCAN"}), IsError("ERR wrong number of arguments for 'scan' command"));
}

TEST_P(KeyspaceCommandsTest, RandomKeyIsNilWhenEmptyAndOtherwiseAKey) {
  EXPECT_THAT(Run({"RANDOMKEY"}), IsNull());
  AddStream("a");
  AddStream("b");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(Run({"RANDOMKEY"}).str);
  EXPECT_EQ(seen, (std::set<std::string>{"a", "b"}));
  EXPECT_THAT(Run({"RANDOMKEY", "x"}), IsError("ERR wrong number of arguments for 'randomkey' command"));
}

TEST_P(KeyspaceCommandsTest, RenameMovesTheStreamAndItsDirectory) {
  AddStream("old", "1");
  AddStream("old", "2");
  ASSERT_TRUE(std::filesystem::exists(StreamsDir() + "/old"));
  EXPECT_THAT(Run({"RENAME", "old", "new"}), IsSimple("OK"));
  EXPECT_THAT(Run({"EXISTS", "old"}), IsInt(0));
  EXPECT_THAT(Run({"XLEN", "new"}), IsInt(2));
  EXPECT_FALSE(std::filesystem::exists(StreamsDir() + "/old"));
  EXPECT_TRUE(std::filesystem::exists(StreamsDir() + "/new"));
  // The moved stream keeps taking writes, and the old name is a new key.
  AddStream("new", "3");
  EXPECT_THAT(Run({"XLEN", "new"}), IsInt(3));
  AddStream("old", "fresh");
  EXPECT_THAT(Run({"XLEN", "old"}), IsInt(1));
}

TEST_P(KeyspaceCommandsTest, RenameOntoAnExistingKeyReplacesItAndItsFiles) {
  AddStream("src", "s");
  for (int i = 0; i < 5; ++i) AddStream("dst", "d");
  EXPECT_THAT(Run({"RENAME", "src", "dst"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XLEN", "dst"}), IsInt(1));
  RespValue range = Run({"XRANGE", "dst", "-", "+"});
  ASSERT_THAT(range, ArrLen(1));
  EXPECT_THAT(range.elements[0].elements[1].elements[1], IsBulk("s"));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(StreamsDir())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"dst"});
}

TEST_P(KeyspaceCommandsTest, RenameNxAndRenameErrorsAreRedis) {
  EXPECT_THAT(Run({"RENAME", "nokey", "x"}), IsError("ERR no such key"));
  EXPECT_THAT(Run({"RENAMENX", "nokey", "x"}), IsError("ERR no such key"));
  EXPECT_THAT(Run({"RENAME", "nokey", "nokey"}), IsError("ERR no such key"));
  AddStream("a");
  AddStream("b");
  EXPECT_THAT(Run({"RENAME", "a", "a"}), IsSimple("OK"));
  EXPECT_THAT(Run({"RENAMENX", "a", "a"}), IsInt(0));
  EXPECT_THAT(Run({"RENAMENX", "a", "b"}), IsInt(0));
  EXPECT_THAT(Run({"XLEN", "a"}), IsInt(1));
  EXPECT_THAT(Run({"RENAMENX", "a", "c"}), IsInt(1));
  EXPECT_THAT(Run({"EXISTS", "a", "c"}), IsInt(1));
  EXPECT_THAT(Run({"RENAME", "a"}), IsError("ERR wrong number of arguments for 'rename' command"));
}

TEST_P(KeyspaceCommandsTest, RenameOfBinaryAndLongKeysSurvivesKeyFileChanges) {
  const std::string binary("a/b\0c"s);
  const std::string long_key(400, 'L');
  AddStream(binary);
  EXPECT_THAT(Run({"RENAME", binary, long_key}), IsSimple("OK"));
  EXPECT_THAT(Run({"RENAME", long_key, "short"}), IsSimple("OK"));
  EXPECT_THAT(Run({"RENAME", "short", long_key + "2"}), IsSimple("OK"));
  EXPECT_EQ(Strings(Run({"KEYS", "*"})), (std::set<std::string>{long_key + "2"}));
  EXPECT_THAT(Run({"XLEN", long_key + "2"}), IsInt(1));
}

TEST_P(KeyspaceCommandsTest, ObjectEncodingAndHelp) {
  AddStream("s");
  EXPECT_THAT(Run({"OBJECT", "ENCODING", "s"}), IsBulk("stream"));
  EXPECT_THAT(Run({"OBJECT", "encoding", "nokey"}), IsNull());
  EXPECT_THAT(Run({"OBJECT", "ENCODING"}), IsError("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_THAT(Run({"OBJECT"}), IsError("ERR wrong number of arguments for 'object' command"));
  EXPECT_THAT(Run({"OBJECT", "FOO"}), IsError("ERR unknown subcommand 'FOO'. Try OBJECT HELP."));
  RespValue help = Run({"OBJECT", "HELP"});
  ASSERT_THAT(help, ArrLen(12));
  EXPECT_THAT(help.elements[0], IsSimple("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_THAT(help.elements[1], IsSimple("ENCODING <key>"));
  EXPECT_THAT(help.elements[4], IsSimple("FREQ <key>"));
  EXPECT_THAT(help.elements[7], IsSimple("IDLETIME <key>"));
  EXPECT_THAT(help.elements[10], IsSimple("HELP"));
  EXPECT_THAT(help.elements[11], IsSimple("    Prints this help."));
  EXPECT_THAT(Run({"HELLO", "3"}), ::testing::Not(ErrorStartsWith("")));
  EXPECT_THAT(Run({"OBJECT", "ENCODING", "nokey"}), IsNull());
}

TEST_P(KeyspaceCommandsTest, CommandInfoDescribesTheNewCommands) {
  RespValue info = Run({"COMMAND", "INFO", "rename", "scan", "object|encoding", "expire", "ttl"});
  ASSERT_THAT(info, ArrLen(5));
  const RespValue& rename = info.elements[0];
  ASSERT_GE(rename.elements.size(), 6u);
  EXPECT_THAT(rename.elements[1], IsInt(3));
  EXPECT_THAT(rename.elements[3], IsInt(1));
  EXPECT_THAT(rename.elements[4], IsInt(2));
  EXPECT_THAT(rename.elements[5], IsInt(1));
  EXPECT_THAT(info.elements[1].elements[1], IsInt(-2));
  EXPECT_THAT(info.elements[1].elements[3], IsInt(0));
  EXPECT_THAT(info.elements[2].elements[0], IsBulk("object|encoding"));
  EXPECT_THAT(info.elements[2].elements[3], IsInt(2));
  EXPECT_THAT(info.elements[3].elements[1], IsInt(-3));
  std::set<std::string> flags;
  for (const RespValue& flag : info.elements[3].elements[2].elements) flags.insert(flag.str);
  EXPECT_EQ(flags, (std::set<std::string>{"write", "fast"}));
  EXPECT_THAT(info.elements[4].elements[1], IsInt(2));
}

}  // namespace
}  // namespace runnel::testing
