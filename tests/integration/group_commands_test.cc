// XGROUP, XACK, XPENDING, XINFO GROUPS/CONSUMERS and XINFO STREAM's groups
// through the real binary, for what needs no pending entries: Redis 7's
// error texts and their order, reply shapes in RESP2 and RESP3, and lag and
// entries-read in the cases Redis documents. Every expectation was checked
// against redis-server 7.0.15, except the 7.2 fields (XINFO CONSUMERS
// "inactive", STREAM FULL's "active-time"), which follow 7.2's t_stream.c.
// The replies that need a PEL are in pending_commands_test.cc.
#include <string>
#include <vector>

#include "tests/integration/group_test_support.h"

namespace runnel::testing {
namespace {

class GroupCommandsTest : public StreamCommandsTest {
 protected:
  void UseResp3() { ASSERT_EQ(Run({"HELLO", "3"}).type, RespValue::Type::kMap); }
  std::map<std::string, RespValue> Groups(const std::string& key) {
    return GroupsByName(Run({"XINFO", "GROUPS", key}));
  }
};
RUNNEL_BACKEND_TESTS(GroupCommandsTest);

// ---- XGROUP CREATE ----

TEST_P(GroupCommandsTest, XgroupCreateNeedsTheKeyUnlessMkstream) {
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$"}), IsError(kKeyRequired));
  EXPECT_THAT(Run({"EXISTS", "s"}), IsInt(0));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  EXPECT_THAT(Run({"TYPE", "s"}), IsSimple("stream"));
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(0));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$"}), IsError(kBusyGroup));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0", "mkstream"}), IsError(kBusyGroup));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g2", "0"}), IsSimple("OK"));
  EXPECT_EQ(Groups("s").size(), 2u);
}

TEST_P(GroupCommandsTest, XgroupCreateParsesOptionsBeforeTheKeyAndTheIdAfterIt) {
  // Options first: their errors win over a missing key.
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "ENTRIESREAD", "-2"}), IsError(kEntriesReadRange));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "ENTRIESREAD", "x"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "ENTRIESREAD"}), IsError(XgroupSyntax("CREATE")));
  EXPECT_THAT(Run({"XGROUP", "create", "s", "g", "$", "FOO"}), IsError(XgroupSyntax("create")));
  // Then the key, then the ID.
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "bad"}), IsError(kKeyRequired));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "bad", "MKSTREAM"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "-", "MKSTREAM"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "+", "MKSTREAM"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "(1", "MKSTREAM"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"EXISTS", "s"}), IsInt(0)) << "a refused CREATE MKSTREAM made the stream";
  // Repeated options parse, but more than three words of them are refused.
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0", "MKSTREAM", "MKSTREAM", "MKSTREAM", "MKSTREAM"}),
              IsError(XgroupSyntax("CREATE")));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0", "MKSTREAM", "ENTRIESREAD", "-1"}), IsSimple("OK"));
}

TEST_P(GroupCommandsTest, XgroupCreatePositionsTheGroup) {
  AddNumbered("s", 3);
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "last", "$"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "short", "2"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "read", "1-0", "ENTRIESREAD", "1"}), IsSimple("OK"));
  auto groups = Groups("s");
  EXPECT_THAT(FieldOf(groups["last"], "last-delivered-id"), IsBulk("3-0"));
  EXPECT_THAT(FieldOf(groups["last"], "entries-read"), IsNull());
  EXPECT_THAT(FieldOf(groups["short"], "last-delivered-id"), IsBulk("2-0"));  // an incomplete ID is seq 0
  EXPECT_THAT(FieldOf(groups["read"], "entries-read"), IsInt(1));
  EXPECT_THAT(FieldOf(groups["read"], "lag"), IsInt(2));
}

// ---- XGROUP SETID ----

TEST_P(GroupCommandsTest, XgroupSetIdErrorsComeInRedisOrder) {
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "$"}), IsError(kKeyRequired));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "$", "MKSTREAM"}), IsError(XgroupSyntax("SETID")));
  AddNumbered("s", 2);
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "0"}), IsError(NoGroupForKey("g", "s")));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "-", "ENTRIESREAD", "x"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "-", "FOO", "x"}), IsError(XgroupSyntax("SETID")));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "-", "ENTRIESREAD"}), IsError(XgroupSyntax("SETID")));
  // ENTRIESREAD is checked before the ID.
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "bad", "ENTRIESREAD", "-2"}), IsError(kEntriesReadRange));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "bad"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "(1"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "*"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "1", "ENTRIESREAD", "2"}),
              IsError(XgroupSyntax("SETID")));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "0", "MKSTREAM"}), IsError(XgroupSyntax("SETID")));
}

TEST_P(GroupCommandsTest, XgroupSetIdTakesDollarDashPlusAndIncompleteIds) {
  AddNumbered("s", 4);
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "0"}), IsSimple("OK"));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"$", "4-0"}, {"-", "0-0"}, {"+", kMaxId}, {"3", "3-0"}, {"2-7", "2-7"}};
  for (const auto& [given, stored] : cases) {
    EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", given}), IsSimple("OK")) << given;
    EXPECT_THAT(FieldOf(Groups("s")["g"], "last-delivered-id"), IsBulk(stored)) << given;
    // Without ENTRIESREAD the counter becomes unknown.
    EXPECT_THAT(FieldOf(Groups("s")["g"], "entries-read"), IsNull()) << given;
  }
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "2-0", "entriesread", "2"}), IsSimple("OK"));
  EXPECT_THAT(FieldOf(Groups("s")["g"], "entries-read"), IsInt(2));
  EXPECT_THAT(FieldOf(Groups("s")["g"], "lag"), IsInt(2));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g", "2-0", "ENTRIESREAD", "-1"}), IsSimple("OK"));
  EXPECT_THAT(FieldOf(Groups("s")["g"], "entries-read"), IsNull());
}

// ---- XGROUP DESTROY, CREATECONSUMER, DELCONSUMER, HELP ----

TEST_P(GroupCommandsTest, XgroupDestroyRepliesWhetherTheGroupExisted) {
  EXPECT_THAT(Run({"XGROUP", "DESTROY", "s", "g"}), IsError(kKeyRequired));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "h", "$"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XGROUP", "DESTROY", "s", "nope"}), IsInt(0));
  EXPECT_THAT(Run({"XGROUP", "DESTROY", "s", "g"}), IsInt(1));
  EXPECT_THAT(Run({"XGROUP", "DESTROY", "s", "g"}), IsInt(0));
  auto groups = Groups("s");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups.begin()->first, "h");
  EXPECT_THAT(Run({"EXISTS", "s"}), IsInt(1)) << "the stream outlives its groups";
  // A destroyed name can be created again, from scratch.
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$"}), IsSimple("OK"));
}

TEST_P(GroupCommandsTest, XgroupCreateAndDelConsumer) {
  EXPECT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "g", "c"}), IsError(kKeyRequired));
  EXPECT_THAT(Run({"XGROUP", "DELCONSUMER", "s", "g", "c"}), IsError(kKeyRequired));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "nope", "c"}), IsError(NoGroupForKey("nope", "s")));
  EXPECT_THAT(Run({"XGROUP", "DELCONSUMER", "s", "nope", "c"}), IsError(NoGroupForKey("nope", "s")));
  EXPECT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "g", "c"}), IsInt(1));
  EXPECT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "g", "c"}), IsInt(0));
  EXPECT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "g", "b"}), IsInt(1));
  EXPECT_THAT(FieldOf(Groups("s")["g"], "consumers"), IsInt(2));
  EXPECT_THAT(Run({"XGROUP", "DELCONSUMER", "s", "g", "nobody"}), IsInt(0));
  EXPECT_THAT(Run({"XGROUP", "DELCONSUMER", "s", "g", "c"}), IsInt(0));  // nothing was pending
  EXPECT_THAT(Run({"XGROUP", "DELCONSUMER", "s", "g", "c"}), IsInt(0));
  EXPECT_THAT(FieldOf(Groups("s")["g"], "consumers"), IsInt(1));
}

TEST_P(GroupCommandsTest, XgroupArityAndSubcommandErrors) {
  EXPECT_THAT(Run({"XGROUP"}), IsError("ERR wrong number of arguments for 'xgroup' command"));
  EXPECT_THAT(Run({"XGROUP", "FOO"}), IsError("ERR unknown subcommand 'FOO'. Try XGROUP HELP."));
  EXPECT_THAT(Run({"XGROUP", "FOO", "s", "g"}), IsError("ERR unknown subcommand 'FOO'. Try XGROUP HELP."));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g"}),
              IsError("ERR wrong number of arguments for 'xgroup|create' command"));
  EXPECT_THAT(Run({"XGROUP", "SETID", "s", "g"}), IsError("ERR wrong number of arguments for 'xgroup|setid' command"));
  EXPECT_THAT(Run({"XGROUP", "DESTROY", "s"}), IsError("ERR wrong number of arguments for 'xgroup|destroy' command"));
  EXPECT_THAT(Run({"XGROUP", "DESTROY", "s", "g", "x"}),
              IsError("ERR wrong number of arguments for 'xgroup|destroy' command"));
  EXPECT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "g"}),
              IsError("ERR wrong number of arguments for 'xgroup|createconsumer' command"));
  EXPECT_THAT(Run({"XGROUP", "DELCONSUMER", "s", "g", "c", "d"}),
              IsError("ERR wrong number of arguments for 'xgroup|delconsumer' command"));
  EXPECT_THAT(Run({"XGROUP", "HELP", "x"}), IsError("ERR wrong number of arguments for 'xgroup|help' command"));
}

TEST_P(GroupCommandsTest, XgroupHelpIsRedisText) {
  const std::vector<std::string> lines = {
      "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
      "HELP",
      "    Prints this help."};
  const RespValue help = Run({"XGROUP", "help"});
  ASSERT_THAT(help, ArrLen(lines.size()));
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_THAT(help.elements[i], IsSimple(lines[i]));
}

// ---- XACK and XPENDING without pending entries ----

TEST_P(GroupCommandsTest, XackOfAMissingKeyOrGroupIsZeroEvenWithBadIds) {
  EXPECT_THAT(Run({"XACK", "s", "g", "1-0"}), IsInt(0));
  EXPECT_THAT(Run({"XACK", "s", "g", "bad"}), IsInt(0));
  AddNumbered("s", 1);
  EXPECT_THAT(Run({"XACK", "s", "g", "bad"}), IsInt(0));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XACK", "s", "g", "bad"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XACK", "s", "g", "1-0", "-"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XACK", "s", "g", "1-0", "*"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XACK", "s", "g", "1-0", "2"}), IsInt(0));  // nothing pending
  EXPECT_THAT(Run({"XACK", "s", "g"}), IsError("ERR wrong number of arguments for 'xack' command"));
}

TEST_P(GroupCommandsTest, XpendingParsesEverythingBeforeTheKey) {
  EXPECT_THAT(Run({"XPENDING", "s", "g"}), IsError(NoKeyOrGroup("s", "g")));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "-", "+", "10"}), IsError(NoKeyOrGroup("s", "g")));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "bad", "+", "10"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "-"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "-", "+"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "a", "b", "c", "d", "e", "f", "g"}), IsError("ERR syntax error"));
  // The count is read before the bounds.
  EXPECT_THAT(Run({"XPENDING", "s", "g", "bad", "+", "x"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "IDLE", "x", "-", "+", "10"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "IDLE", "10", "-", "+"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "(" + std::string(kMaxId), "+", "10"}),
              IsError("ERR invalid start ID for the interval"));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "-", "(0-0", "10"}), IsError("ERR invalid end ID for the interval"));
  // An incomplete exclusive end is <ms>-max, so "(0" leaves 0-0 ... 0-(max-1): valid.
  EXPECT_THAT(Run({"XPENDING", "s", "g", "-", "(0", "10"}), IsError(NoKeyOrGroup("s", "g")));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "(-", "+", "10"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XPENDING", "s"}), IsError("ERR wrong number of arguments for 'xpending' command"));
  AddNumbered("s", 1);
  EXPECT_THAT(Run({"XPENDING", "s", "g"}), IsError(NoKeyOrGroup("s", "g")));
}

TEST_P(GroupCommandsTest, XpendingOfAnEmptyPel) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  RespValue summary = Run({"XPENDING", "s", "g"});
  ASSERT_THAT(summary, ArrLen(4));
  EXPECT_THAT(summary.elements[0], IsInt(0));
  EXPECT_THAT(summary.elements[1], IsNull());
  EXPECT_THAT(summary.elements[2], IsNull());
  EXPECT_THAT(summary.elements[3], IsNullArray());
  EXPECT_THAT(Run({"XPENDING", "s", "g", "-", "+", "10"}), ArrLen(0));
  EXPECT_THAT(Run({"XPENDING", "s", "g", "IDLE", "5", "-", "+", "10", "c"}), ArrLen(0));
  UseResp3();
  summary = Run({"XPENDING", "s", "g"});
  ASSERT_THAT(summary, ArrLen(4));
  EXPECT_THAT(summary.elements[3], IsNull());  // RESP3 has one null
}

// ---- XINFO GROUPS, CONSUMERS, STREAM ----

TEST_P(GroupCommandsTest, XinfoGroupsAndConsumersErrors) {
  EXPECT_THAT(Run({"XINFO", "GROUPS", "s"}), IsError("ERR no such key"));
  EXPECT_THAT(Run({"XINFO", "CONSUMERS", "s", "g"}), IsError("ERR no such key"));
  AddNumbered("s", 1);
  EXPECT_THAT(Run({"XINFO", "GROUPS", "s"}), ArrLen(0));
  EXPECT_THAT(Run({"XINFO", "CONSUMERS", "s", "g"}), IsError(NoGroupForKey("g", "s")));
  EXPECT_THAT(Run({"XINFO", "GROUPS"}), IsError("ERR wrong number of arguments for 'xinfo|groups' command"));
  EXPECT_THAT(Run({"XINFO", "GROUPS", "s", "x"}), IsError("ERR wrong number of arguments for 'xinfo|groups' command"));
  EXPECT_THAT(Run({"XINFO", "CONSUMERS", "s"}),
              IsError("ERR wrong number of arguments for 'xinfo|consumers' command"));
}

TEST_P(GroupCommandsTest, XinfoGroupsHasRedisFieldsInBothProtocols) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "b", "$", "MKSTREAM"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "a", "0", "ENTRIESREAD", "0"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "a", "c"}), IsInt(1));
  const std::vector<std::string> names = {"name", "consumers", "pending", "last-delivered-id", "entries-read", "lag"};
  for (int protocol : {2, 3}) {
    if (protocol == 3) UseResp3();
    const RespValue groups = Run({"XINFO", "GROUPS", "s"});
    ASSERT_THAT(groups, ArrLen(2));
    const RespValue& a = groups.elements[0];  // name order
    EXPECT_EQ(a.type, protocol == 3 ? RespValue::Type::kMap : RespValue::Type::kArray);
    EXPECT_EQ(FieldNames(a), names);
    EXPECT_THAT(FieldOf(a, "name"), IsBulk("a"));
    EXPECT_THAT(FieldOf(a, "consumers"), IsInt(1));
    EXPECT_THAT(FieldOf(a, "pending"), IsInt(0));
    EXPECT_THAT(FieldOf(a, "last-delivered-id"), IsBulk("0-0"));
    EXPECT_THAT(FieldOf(a, "entries-read"), IsInt(0));
    EXPECT_THAT(FieldOf(a, "lag"), IsInt(0));  // an empty stream's lag is 0
    EXPECT_THAT(FieldOf(groups.elements[1], "name"), IsBulk("b"));
    EXPECT_THAT(FieldOf(groups.elements[1], "entries-read"), IsNull());
  }
}

// The lag of each group through XDEL, SETID and a trim that empties the
// stream, as redis-server 7.0.15 reports them (-1: nil).
TEST_P(GroupCommandsTest, LagAndEntriesReadFollowRedis) {
  AddNumbered("s", 5);
  const std::vector<std::vector<std::string>> creates = {
      {"a", "0"}, {"b", "$"}, {"c", "3-0"}, {"d", "3-0", "ENTRIESREAD", "3"}, {"e", "1-0"}, {"f", "9-0"},
      {"h", "0", "ENTRIESREAD", "2"}};
  for (const auto& args : creates) {
    std::vector<std::string> command = {"XGROUP", "CREATE", "s"};
    command.insert(command.end(), args.begin(), args.end());
    ASSERT_THAT(Run(command), IsSimple("OK")) << args[0];
  }
  auto expect_lags = [&](const std::string& step, std::vector<int64_t> lags) {
    const std::vector<std::string> names = {"a", "b", "c", "d", "e", "f", "h"};
    auto groups = Groups("s");
    for (size_t i = 0; i < names.size(); ++i) {
      EXPECT_THAT(FieldOf(groups[names[i]], "lag"), IsIntOrNull(lags[i])) << step << ": group " << names[i];
    }
  };
  expect_lags("created", {5, 0, -1, 2, 4, -1, 3});
  EXPECT_THAT(FieldOf(Groups("s")["d"], "entries-read"), IsInt(3));
  ASSERT_THAT(Run({"XDEL", "s", "3-0"}), IsInt(1));
  // A deletion after a group's position makes its count unknown.
  expect_lags("XDEL 3-0", {-1, 0, -1, -1, -1, -1, -1});
  ASSERT_THAT(Run({"XDEL", "s", "1-0"}), IsInt(1));
  expect_lags("XDEL 1-0", {-1, 0, -1, -1, -1, -1, -1});
  ASSERT_THAT(Run({"XGROUP", "SETID", "s", "a", "2-0"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "SETID", "s", "b", "4-0", "ENTRIESREAD", "3"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "SETID", "s", "c", "0", "ENTRIESREAD", "0"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "SETID", "s", "d", "$"}), IsSimple("OK"));
  expect_lags("SETID", {-1, 2, -1, 0, -1, -1, -1});
  EXPECT_THAT(FieldOf(Groups("s")["d"], "entries-read"), IsNull());
  ASSERT_THAT(Run({"XTRIM", "s", "MAXLEN", "0"}), IsInt(3));
  // An empty stream: every position up to the last ID has read everything.
  expect_lags("emptied", {0, 2, 5, 0, 0, -1, 3});
}

TEST_P(GroupCommandsTest, XinfoConsumersOfNewConsumers) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XINFO", "CONSUMERS", "s", "g"}), ArrLen(0));
  ASSERT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "g", "zed"}), IsInt(1));
  ASSERT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "g", "al"}), IsInt(1));
  for (int protocol : {2, 3}) {
    if (protocol == 3) UseResp3();
    const RespValue consumers = Run({"XINFO", "CONSUMERS", "s", "g"});
    ASSERT_THAT(consumers, ArrLen(2));
    EXPECT_EQ(consumers.elements[0].type, protocol == 3 ? RespValue::Type::kMap : RespValue::Type::kArray);
    EXPECT_EQ(FieldNames(consumers.elements[0]), (std::vector<std::string>{"name", "pending", "idle", "inactive"}));
    EXPECT_THAT(FieldOf(consumers.elements[0], "name"), IsBulk("al"));  // name order
    EXPECT_THAT(FieldOf(consumers.elements[1], "name"), IsBulk("zed"));
    const RespValue idle = FieldOf(consumers.elements[0], "idle");
    ASSERT_EQ(idle.type, RespValue::Type::kInteger);
    EXPECT_GE(idle.integer, 0);
    EXPECT_LT(idle.integer, 60'000);
    EXPECT_THAT(FieldOf(consumers.elements[0], "pending"), IsInt(0));
    EXPECT_THAT(FieldOf(consumers.elements[0], "inactive"), IsInt(-1));  // never read
  }
}

TEST_P(GroupCommandsTest, XinfoStreamCountsGroupsAndFullListsThem) {
  AddNumbered("s", 2);
  EXPECT_THAT(FieldOf(Run({"XINFO", "STREAM", "s"}), "groups"), IsInt(0));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "1-0", "ENTRIESREAD", "1"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "f", "$"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "g", "c"}), IsInt(1));
  EXPECT_THAT(FieldOf(Run({"XINFO", "STREAM", "s"}), "groups"), IsInt(2));
  for (int protocol : {2, 3}) {
    if (protocol == 3) UseResp3();
    const RespValue groups = FieldOf(Run({"XINFO", "STREAM", "s", "FULL"}), "groups");
    ASSERT_THAT(groups, ArrLen(2));
    const RespValue& f = groups.elements[0];
    EXPECT_EQ(FieldNames(f), (std::vector<std::string>{"name", "last-delivered-id", "entries-read", "lag",
                                                       "pel-count", "pending", "consumers"}));
    EXPECT_THAT(FieldOf(f, "name"), IsBulk("f"));
    EXPECT_THAT(FieldOf(f, "last-delivered-id"), IsBulk("2-0"));
    EXPECT_THAT(FieldOf(f, "entries-read"), IsNull());
    EXPECT_THAT(FieldOf(f, "lag"), IsInt(0));
    EXPECT_THAT(FieldOf(f, "consumers"), ArrLen(0));
    const RespValue& g = groups.elements[1];
    EXPECT_THAT(FieldOf(g, "entries-read"), IsInt(1));
    EXPECT_THAT(FieldOf(g, "lag"), IsInt(1));
    EXPECT_THAT(FieldOf(g, "pel-count"), IsInt(0));
    EXPECT_THAT(FieldOf(g, "pending"), ArrLen(0));
    const RespValue consumers = FieldOf(g, "consumers");
    ASSERT_THAT(consumers, ArrLen(1));
    EXPECT_EQ(consumers.elements[0].type, protocol == 3 ? RespValue::Type::kMap : RespValue::Type::kArray);
    EXPECT_EQ(FieldNames(consumers.elements[0]),
              (std::vector<std::string>{"name", "seen-time", "active-time", "pel-count", "pending"}));
    EXPECT_THAT(FieldOf(consumers.elements[0], "active-time"), IsInt(-1));
    EXPECT_GT(FieldOf(consumers.elements[0], "seen-time").integer, 1'600'000'000'000);  // Unix ms
    EXPECT_THAT(FieldOf(consumers.elements[0], "pending"), ArrLen(0));
  }
}

TEST_P(GroupCommandsTest, DelOfTheKeyDropsItsGroups) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  ASSERT_THAT(Run({"DEL", "s"}), IsInt(1));
  AddNumbered("s", 1);
  EXPECT_THAT(Run({"XINFO", "GROUPS", "s"}), ArrLen(0));
  EXPECT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$"}), IsSimple("OK"));
}

// ---- COMMAND metadata ----

TEST_P(GroupCommandsTest, CommandInfoMatchesRedis) {
  struct Row {
    std::string name;
    int64_t arity;
    std::vector<std::string> flags;
    int64_t first_key;
  };
  const std::vector<Row> rows = {
      {"xack", -4, {"write", "fast"}, 1},
      {"xpending", -3, {"readonly"}, 1},
      {"xgroup|create", -5, {"write", "denyoom"}, 2},
      {"xgroup|setid", -5, {"write"}, 2},
      {"xgroup|destroy", 4, {"write"}, 2},
      {"xgroup|createconsumer", 5, {"write", "denyoom"}, 2},
      {"xgroup|delconsumer", 5, {"write"}, 2},
      {"xgroup|help", 2, {"loading", "stale"}, 0},
      {"xinfo|groups", 3, {"readonly"}, 2},
      {"xinfo|consumers", 4, {"readonly"}, 2},
  };
  for (const Row& row : rows) {
    const RespValue info = Run({"COMMAND", "INFO", row.name});
    ASSERT_THAT(info, ArrLen(1)) << row.name;
    const RespValue& entry = info.elements[0];
    ASSERT_GE(entry.elements.size(), 4u) << row.name << ": " << entry;
    EXPECT_THAT(entry.elements[0], IsBulk(row.name));
    EXPECT_THAT(entry.elements[1], IsInt(row.arity)) << row.name;
    std::vector<std::string> flags;
    for (const RespValue& flag : entry.elements[2].elements) flags.push_back(flag.str);
    EXPECT_EQ(flags, row.flags) << row.name;
    EXPECT_THAT(entry.elements[3], IsInt(row.first_key)) << row.name;
  }
  const RespValue keys = Run({"COMMAND", "GETKEYS", "XGROUP", "CREATE", "k", "g", "$"});
  ASSERT_THAT(keys, ArrLen(1));
  EXPECT_THAT(keys.elements[0], IsBulk("k"));
}

}  // namespace
}  // namespace runnel::testing
