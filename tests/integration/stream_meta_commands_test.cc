// XSETID and XINFO STREAM / HELP through the real binary: Redis 7.0's reply
// shapes (RESP2 flat arrays, RESP3 maps), error texts and their order, the
// rules for an empty stream, and XSETID across restarts (clean and SIGKILL).
// Every expectation was checked against redis-server 7.0.15. (WRONGTYPE is
// not tested: streams are the only type so far.)
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

constexpr char kNoSuchKey[] = "ERR no such key";
constexpr char kBelowTop[] = "ERR The ID specified in XSETID is smaller than the target stream top item";
constexpr char kBelowLength[] = "ERR The entries_added specified in XSETID is smaller than the target stream length";
constexpr char kBelowMaxDeleted[] =
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";

class StreamMetaTest : public StreamCommandsTest {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/runnel-stream-meta-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    StartServer({.args = {"--dir", root_ + "/data"}});
  }
  void TearDown() override {
    StreamCommandsTest::TearDown();
    if (!root_.empty()) std::filesystem::remove_all(root_);
  }
  void Restart(int signal) {
    client_.reset();
    EXPECT_EQ(server_->Stop(signal), signal == SIGKILL ? 128 + SIGKILL : 0);
    server_.reset();
    StartServer({.args = {"--dir", root_ + "/data", "--appendfsync", "always"}});
  }
  // XINFO STREAM's field `name` (RESP2 flat array or RESP3 map).
  RespValue Field(const std::string& key, const std::string& name) {
    RespValue info = Run({"XINFO", "STREAM", key});
    const RespValue* value = info.Find(name);
    if (value == nullptr) {
      ADD_FAILURE() << "no " << name << " in " << info;
      return {};
    }
    return *value;
  }

  std::string root_;
};
RUNNEL_BACKEND_TESTS(StreamMetaTest);

// ---- XSETID ----

TEST_P(StreamMetaTest, XsetidParsesItsOptionsBeforeItLooksTheKeyUp) {
  EXPECT_THAT(Run({"XSETID", "nope", "1-1"}), IsError(kNoSuchKey));
  EXPECT_THAT(Run({"XSETID", "nope", "1-1", "foo"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XSETID", "nope", "1-1", "MAXDELETEDID"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XSETID", "nope", "bad"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XSETID", "nope", "*"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XSETID", "nope", "-"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XSETID", "nope", "1-1", "ENTRIESADDED", "-1"}), IsError("ERR entries_added must be positive"));
  EXPECT_THAT(Run({"XSETID", "nope", "1-1", "ENTRIESADDED", "x"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XSETID", "nope", "1-1", "entriesadded", "5", "ENTRIESADDED", "-1"}),
              IsError("ERR entries_added must be positive"));
  EXPECT_THAT(Run({"XSETID", "nope", "1-1", "MAXDELETEDID", "2-0"}), IsError(kBelowMaxDeleted));
  EXPECT_THAT(Run({"XSETID", "nope", "1-1", "MAXDELETEDID", "1-2", "ENTRIESADDED", "x"}), IsError(kBelowMaxDeleted));
  EXPECT_THAT(Run({"XSETID", "nope", "1-1", "MAXDELETEDID", "1-1"}), IsError(kNoSuchKey));
  EXPECT_THAT(Run({"XSETID", "nope"}), IsError("ERR wrong number of arguments for 'xsetid' command"));
  EXPECT_THAT(Run({"EXISTS", "nope"}), IsInt(0));
}

TEST_P(StreamMetaTest, XsetidOnAStreamWithEntriesFollowsTheTopItemAndLength) {
  ASSERT_THAT(Run({"XADD", "s", "5-0", "f", "v"}), IsBulk("5-0"));
  ASSERT_THAT(Run({"XADD", "s", "6-0", "f", "v"}), IsBulk("6-0"));
  EXPECT_THAT(Run({"XSETID", "s", "5-5"}), IsError(kBelowTop));
  EXPECT_THAT(Run({"XSETID", "s", "6-0"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XSETID", "s", "7-0", "ENTRIESADDED", "1"}), IsError(kBelowLength));
  EXPECT_THAT(Run({"XSETID", "s", "7", "ENTRIESADDED", "2", "MAXDELETEDID", "3-0"}), IsSimple("OK"));
  EXPECT_THAT(Field("s", "last-generated-id"), IsBulk("7-0"));
  EXPECT_THAT(Field("s", "entries-added"), IsInt(2));
  EXPECT_THAT(Field("s", "max-deleted-entry-id"), IsBulk("3-0"));
  // The largest deleted ID can go down; 0-0 leaves it as it is.
  EXPECT_THAT(Run({"XSETID", "s", "7-0", "MAXDELETEDID", "2-0"}), IsSimple("OK"));
  EXPECT_THAT(Field("s", "max-deleted-entry-id"), IsBulk("2-0"));
  EXPECT_THAT(Run({"XSETID", "s", "7-0", "MAXDELETEDID", "0-0"}), IsSimple("OK"));
  EXPECT_THAT(Field("s", "max-deleted-entry-id"), IsBulk("2-0"));
  // The last ID can go down to the top item, and XADD follows it.
  EXPECT_THAT(Run({"XSETID", "s", "6-3"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XADD", "s", "6-*", "f", "v"}), IsBulk("6-4"));
  EXPECT_THAT(Field("s", "entries-added"), IsInt(3));
  EXPECT_THAT(Run({"XADD", "s", "6-4", "f", "v"}), IsError(kTopItem));
}

// As in Redis 7.0, the last ID may go below entries deleted from the end
// while entries remain (down to the top item), and new entries take those
// IDs; the deleted records leave the log for good (across a SIGKILL too).
TEST_P(StreamMetaTest, XsetidBelowEntriesDeletedFromTheEndReusesTheirIds) {
  ASSERT_THAT(Run({"XADD", "s", "1-0", "f", "a"}), IsBulk("1-0"));
  ASSERT_THAT(Run({"XADD", "s", "2-0", "f", "b"}), IsBulk("2-0"));
  ASSERT_THAT(Run({"XADD", "s", "3-0", "f", "c"}), IsBulk("3-0"));
  ASSERT_THAT(Run({"XDEL", "s", "3-0"}), IsInt(1));
  EXPECT_THAT(Run({"XSETID", "s", "1-9"}), IsError(kBelowTop));
  EXPECT_THAT(Run({"XSETID", "s", "2-5"}), IsSimple("OK"));
  EXPECT_THAT(Field("s", "last-generated-id"), IsBulk("2-5"));
  EXPECT_THAT(Run({"XADD", "s", "3-0", "f", "new"}), IsBulk("3-0"));
  // Redis's reply, checked against redis-server 7.0.15.
  EXPECT_EQ(ToEntries(Run({"XRANGE", "s", "-", "+"})),
            (Entries{{"1-0", {"f", "a"}}, {"2-0", {"f", "b"}}, {"3-0", {"f", "new"}}}));
  EXPECT_THAT(Field("s", "length"), IsInt(3));
  EXPECT_THAT(Field("s", "entries-added"), IsInt(4));
  EXPECT_THAT(Field("s", "max-deleted-entry-id"), IsBulk("3-0"));
  Restart(SIGKILL);
  EXPECT_EQ(ToEntries(Run({"XRANGE", "s", "-", "+"})),
            (Entries{{"1-0", {"f", "a"}}, {"2-0", {"f", "b"}}, {"3-0", {"f", "new"}}}));
  EXPECT_THAT(Field("s", "length"), IsInt(3));
  EXPECT_THAT(Field("s", "entries-added"), IsInt(4));
}

// Redis 7.0 lets an empty stream take any last ID, lower ones and 0-0 too,
// even below its largest deleted ID.
TEST_P(StreamMetaTest, XsetidOnAnEmptyStreamTakesAnyId) {
  ASSERT_THAT(Run({"XADD", "s", "5-0", "f", "v"}), IsBulk("5-0"));
  ASSERT_THAT(Run({"XDEL", "s", "5-0"}), IsInt(1));
  EXPECT_THAT(Run({"XSETID", "s", "1-0"}), IsSimple("OK"));
  EXPECT_THAT(Field("s", "last-generated-id"), IsBulk("1-0"));
  EXPECT_THAT(Run({"XSETID", "s", "0-0"}), IsSimple("OK"));
  EXPECT_THAT(Field("s", "last-generated-id"), IsBulk("0-0"));
  EXPECT_THAT(Field("s", "max-deleted-entry-id"), IsBulk("5-0"));
  EXPECT_THAT(Field("s", "entries-added"), IsInt(1));
  EXPECT_THAT(Run({"XADD", "s", "0-1", "a", "b"}), IsBulk("0-1"));
  // An entry may take the ID of one deleted before the XSETID.
  EXPECT_THAT(Run({"XADD", "s", "5-0", "new", "entry"}), IsBulk("5-0"));
  EXPECT_EQ(ToEntries(Run({"XRANGE", "s", "-", "+"})), (Entries{{"0-1", {"a", "b"}}, {"5-0", {"new", "entry"}}}));
  EXPECT_THAT(Run({"XSETID", "s", "0-0", "ENTRIESADDED", "0"}), IsError(kBelowTop));
  EXPECT_THAT(Run({"XSETID", "s", "5-0", "ENTRIESADDED", "1"}), IsError(kBelowLength));
  EXPECT_THAT(Field("s", "entries-added"), IsInt(3));

  // A trimmed-empty stream too.
  AddNumbered("t", 3);
  ASSERT_THAT(Run({"XTRIM", "t", "MAXLEN", "0"}), IsInt(3));
  EXPECT_THAT(Run({"XSETID", "t", "1-5", "ENTRIESADDED", "0"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XADD", "t", "1-*", "f", "v"}), IsBulk("1-6"));
  EXPECT_THAT(Run({"XADD", "t", "1-6", "f", "v"}), IsError(kTopItem));
  EXPECT_THAT(Field("t", "entries-added"), IsInt(1));
}

TEST_P(StreamMetaTest, XsetidSurvivesARestartAndAKill) {
  AddNumbered("s", 3);
  ASSERT_THAT(Run({"XDEL", "s", "3-0"}), IsInt(1));
  ASSERT_THAT(Run({"XSETID", "s", "9-9", "ENTRIESADDED", "40", "MAXDELETEDID", "1-5"}), IsSimple("OK"));
  Restart(SIGTERM);
  EXPECT_THAT(Field("s", "last-generated-id"), IsBulk("9-9"));
  EXPECT_THAT(Field("s", "entries-added"), IsInt(40));
  EXPECT_THAT(Field("s", "max-deleted-entry-id"), IsBulk("1-5"));
  ASSERT_THAT(Run({"XDEL", "s", "1-0"}), IsInt(1));
  ASSERT_THAT(Run({"XDEL", "s", "2-0"}), IsInt(1));
  ASSERT_THAT(Run({"XSETID", "s", "0-7", "ENTRIESADDED", "41"}), IsSimple("OK"));
  Restart(SIGKILL);
  EXPECT_THAT(Field("s", "length"), IsInt(0));
  EXPECT_THAT(Field("s", "last-generated-id"), IsBulk("0-7"));
  EXPECT_THAT(Field("s", "entries-added"), IsInt(41));
  EXPECT_THAT(Field("s", "max-deleted-entry-id"), IsBulk("2-0"));
  EXPECT_THAT(Run({"XADD", "s", "2-0", "f", "again"}), IsBulk("2-0"));
  Restart(SIGKILL);
  EXPECT_EQ(ToEntries(Run({"XRANGE", "s", "-", "+"})), (Entries{{"2-0", {"f", "again"}}}));
  EXPECT_THAT(Field("s", "entries-added"), IsInt(42));
}

// ---- XINFO ----

TEST_P(StreamMetaTest, XinfoStreamRepliesWithRedisFieldsInRedisOrder) {
  AddNumbered("s", 3);
  ASSERT_THAT(Run({"XDEL", "s", "2-0"}), IsInt(1));
  const RespValue info = Run({"XINFO", "STREAM", "s"});
  ASSERT_THAT(info, ArrLen(20));
  const std::vector<std::string> names = {"length", "radix-tree-keys", "radix-tree-nodes", "last-generated-id",
                                          "max-deleted-entry-id", "entries-added", "recorded-first-entry-id",
                                          "groups", "first-entry", "last-entry"};
  for (size_t i = 0; i < names.size(); ++i) EXPECT_THAT(info.elements[2 * i], IsBulk(names[i]));
  EXPECT_THAT(info.elements[1], IsInt(2));
  EXPECT_THAT(info.elements[3], IsInt(1));  // one segment
  EXPECT_THAT(info.elements[5], IsInt(1));  // one index point
  EXPECT_THAT(info.elements[7], IsBulk("3-0"));
  EXPECT_THAT(info.elements[9], IsBulk("2-0"));
  EXPECT_THAT(info.elements[11], IsInt(3));
  EXPECT_THAT(info.elements[13], IsBulk("1-0"));
  EXPECT_THAT(info.elements[15], IsInt(0));
  EXPECT_EQ(ToEntries(RespValue{.type = RespValue::Type::kArray, .elements = {info.elements[17]}}),
            (Entries{{"1-0", {"f", "1"}}}));
  EXPECT_EQ(ToEntries(RespValue{.type = RespValue::Type::kArray, .elements = {info.elements[19]}}),
            (Entries{{"3-0", {"f", "3"}}}));

  ASSERT_THAT(Run({"HELLO", "3"}).type, RespValue::Type::kMap);
  EXPECT_THAT(Run({"XINFO", "STREAM", "s"}), MapLen(10));
  const RespValue full = Run({"XINFO", "STREAM", "s", "FULL"});
  ASSERT_THAT(full, MapLen(9));
  EXPECT_THAT(full.elements[14], IsBulk("entries"));
  EXPECT_EQ(ToEntries(full.elements[15]), (Entries{{"1-0", {"f", "1"}}, {"3-0", {"f", "3"}}}));
  EXPECT_THAT(full.elements[16], IsBulk("groups"));
  EXPECT_THAT(full.elements[17], ArrLen(0));
}

TEST_P(StreamMetaTest, XinfoStreamOfAnEmptyStreamHasNullEdgesAndZeroFirstId) {
  ASSERT_THAT(Run({"XADD", "e", "1-0", "f", "v"}), IsBulk("1-0"));
  ASSERT_THAT(Run({"XDEL", "e", "1-0"}), IsInt(1));
  EXPECT_THAT(Field("e", "first-entry"), IsNull());
  EXPECT_THAT(Field("e", "last-entry"), IsNull());
  EXPECT_THAT(Field("e", "recorded-first-entry-id"), IsBulk("0-0"));
  EXPECT_THAT(Field("e", "max-deleted-entry-id"), IsBulk("1-0"));
  const RespValue full = Run({"XINFO", "STREAM", "e", "FULL"});
  ASSERT_NE(full.Find("entries"), nullptr);
  EXPECT_THAT(*full.Find("entries"), ArrLen(0));
  ASSERT_THAT(Run({"HELLO", "3"}).type, RespValue::Type::kMap);
  EXPECT_THAT(Field("e", "first-entry"), IsNull());
}

TEST_P(StreamMetaTest, XinfoStreamFullCountsEntriesFromTheStart) {
  AddNumbered("s", 12);
  auto entries = [&](std::vector<std::string> args) {
    const RespValue full = Run(args);
    const RespValue* found = full.Find("entries");
    return found == nullptr ? std::vector<std::string>{} : ToIds(*found);
  };
  EXPECT_EQ(entries({"XINFO", "STREAM", "s", "FULL"}).size(), 10u);
  EXPECT_EQ(entries({"XINFO", "STREAM", "s", "full", "count", "2"}), (std::vector<std::string>{"1-0", "2-0"}));
  EXPECT_EQ(entries({"XINFO", "STREAM", "s", "FULL", "COUNT", "0"}).size(), 12u);
  EXPECT_EQ(entries({"XINFO", "STREAM", "s", "FULL", "COUNT", "-1"}).size(), 12u);
}

TEST_P(StreamMetaTest, XinfoErrorsComeInRedisOrder) {
  AddNumbered("s", 1);
  const std::string syntax = "ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.";
  EXPECT_THAT(Run({"XINFO", "STREAM", "nope"}), IsError(kNoSuchKey));
  EXPECT_THAT(Run({"XINFO", "STREAM", "nope", "FULL", "COUNT", "x"}), IsError(kNoSuchKey));
  EXPECT_THAT(Run({"XINFO", "STREAM", "s", "foo"}), IsError(syntax));
  EXPECT_THAT(Run({"XINFO", "STREAM", "s", "COUNT", "1"}), IsError(syntax));
  EXPECT_THAT(Run({"XINFO", "STREAM", "s", "FULL", "COUNT"}), IsError(syntax));
  EXPECT_THAT(Run({"XINFO", "STREAM", "s", "FULL", "COUNT", "1", "extra"}), IsError(syntax));
  EXPECT_THAT(Run({"XINFO", "STREAM", "s", "FULL", "foo", "1"}), IsError(syntax));
  EXPECT_THAT(Run({"XINFO", "STREAM", "s", "FULL", "COUNT", "x"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XINFO"}), IsError("ERR wrong number of arguments for 'xinfo' command"));
  EXPECT_THAT(Run({"XINFO", "STREAM"}), IsError("ERR wrong number of arguments for 'xinfo|stream' command"));
  EXPECT_THAT(Run({"XINFO", "foo"}), IsError("ERR unknown subcommand 'foo'. Try XINFO HELP."));
}

TEST_P(StreamMetaTest, XinfoHelpIsRedisText) {
  const RespValue help = Run({"XINFO", "HELP"});
  const std::vector<std::string> lines = {
      "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
      "HELP",
      "    Prints this help."};
  ASSERT_THAT(help, ArrLen(lines.size()));
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_THAT(help.elements[i], IsSimple(lines[i]));
}

}  // namespace
}  // namespace runnel::testing
