// What the consumer-group commands change survives a restart, clean or by
// SIGKILL under appendfsync always: groups with their position and read
// counter, consumers, the PEL with owners and delivery counts, and what
// XACK, XGROUP DESTROY, DELCONSUMER and DEL removed.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/group_test_support.h"

namespace runnel::testing {
namespace {

class GroupRestartTest : public StreamCommandsTest {
 protected:
  void SetUp() override {
    extra_args_ = {"--appendfsync", "always"};
    Restart();
  }
  std::map<std::string, RespValue> Groups(const std::string& key) {
    return GroupsByName(Run({"XINFO", "GROUPS", key}));
  }
  std::vector<std::string> ConsumerNames(const std::string& key, const std::string& group) {
    std::vector<std::string> names;
    for (const RespValue& consumer : Run({"XINFO", "CONSUMERS", key, group}).elements) {
      names.push_back(FieldOf(consumer, "name").str);
    }
    return names;
  }
  // [id, consumer, delivery count] of each pending entry.
  std::vector<std::vector<std::string>> Pel(const std::string& key, const std::string& group) {
    std::vector<std::vector<std::string>> out;
    for (const RespValue& entry : Run({"XPENDING", key, group, "-", "+", "100"}).elements) {
      out.push_back({entry.elements[0].str, entry.elements[1].str, std::to_string(entry.elements[3].integer)});
    }
    return out;
  }
};
RUNNEL_BACKEND_TESTS(GroupRestartTest);

TEST_P(GroupRestartTest, GroupsAndConsumersSurviveCleanAndKilledRestarts) {
  AddNumbered("s", 3);
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "a", "0"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "b", "2-0", "ENTRIESREAD", "2"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "gone", "$"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "e", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "a", "c1"}), IsInt(1));
  ASSERT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "a", "c2"}), IsInt(1));
  ASSERT_THAT(Run({"XGROUP", "DELCONSUMER", "s", "a", "c2"}), IsInt(0));
  ASSERT_THAT(Run({"XGROUP", "SETID", "s", "a", "1-0", "ENTRIESREAD", "1"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "DESTROY", "s", "gone"}), IsInt(1));
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "clean restart" : "SIGKILL");
    if (round == 0) {
      Restart();
    } else {
      KillAndRestart();
    }
    auto groups = Groups("s");
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_THAT(FieldOf(groups["a"], "last-delivered-id"), IsBulk("1-0"));
    EXPECT_THAT(FieldOf(groups["a"], "entries-read"), IsInt(1));
    EXPECT_THAT(FieldOf(groups["a"], "lag"), IsInt(2));
    EXPECT_THAT(FieldOf(groups["b"], "last-delivered-id"), IsBulk("2-0"));
    EXPECT_THAT(FieldOf(groups["b"], "entries-read"), IsInt(2));
    EXPECT_EQ(ConsumerNames("s", "a"), (std::vector<std::string>{"c1"}));
    EXPECT_THAT(Run({"XINFO", "GROUPS", "e"}), ArrLen(1)) << "MKSTREAM's empty stream and its group";
  }
}

TEST_P(GroupRestartTest, PelSurvivesSigkillWithOwnersAndDeliveryCounts) {
  AddNumbered("s", 4);
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"}), ArrLen(1));
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "s", ">"}), ArrLen(1));
  // alice reads her history again: 1-0 and 2-0 are delivered twice.
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"}), ArrLen(1));
  ASSERT_THAT(Run({"XACK", "s", "g", "2-0"}), IsInt(1));
  KillAndRestart();
  EXPECT_EQ(Pel("s", "g"), (std::vector<std::vector<std::string>>{{"1-0", "alice", "2"}, {"3-0", "bob", "1"}}));
  EXPECT_THAT(Run({"XACK", "s", "g", "2-0"}), IsInt(0)) << "an acknowledged entry stayed acknowledged";
  EXPECT_THAT(FieldOf(Groups("s")["g"], "last-delivered-id"), IsBulk("3-0"));
  // Only 4-0 is new to the group.
  const RespValue next = Run({"XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", ">"});
  ASSERT_THAT(next, ArrLen(1));
  EXPECT_EQ(ToIds(next.elements[0].elements[1]), (std::vector<std::string>{"4-0"}));
  // Delivery times survive well enough for IDLE.
  const RespValue idle = Run({"XPENDING", "s", "g", "IDLE", "0", "-", "1-0", "1"});
  ASSERT_THAT(idle, ArrLen(1));
  EXPECT_GE(idle.elements[0].elements[2].integer, 0);
  EXPECT_LT(idle.elements[0].elements[2].integer, 600'000);
}

TEST_P(GroupRestartTest, DeliveryTimesSurviveForIdleAndAutoclaim) {
  AddNumbered("s", 2);
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"}), ArrLen(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"}), ArrLen(1));
  KillAndRestart();
  // 1-0 was delivered at least 400 ms before 2-0, and the restart kept both
  // times (a reset would make them equal), however long it took.
  const RespValue pel = Run({"XPENDING", "s", "g", "-", "+", "10"});
  ASSERT_THAT(pel, ArrLen(2));
  const int64_t idle_first = pel.elements[0].elements[2].integer;
  const int64_t idle_second = pel.elements[1].elements[2].integer;
  EXPECT_GE(idle_first, 400);
  EXPECT_GE(idle_first - idle_second, 390);
  // XAUTOCLAIM with a minimum between the two takes 1-0 alone.
  const std::string min_idle = std::to_string(idle_second + (idle_first - idle_second) / 2);
  const RespValue claimed = Run({"XAUTOCLAIM", "s", "g", "bob", min_idle, "0", "JUSTID"});
  ASSERT_THAT(claimed, ArrLen(3));
  EXPECT_THAT(claimed.elements[0], IsBulk("0-0"));
  ASSERT_THAT(claimed.elements[1], ArrLen(1));
  EXPECT_THAT(claimed.elements[1].elements[0], IsBulk("1-0"));
  // JUSTID claims are not deliveries: the count stays.
  EXPECT_EQ(Pel("s", "g"), (std::vector<std::vector<std::string>>{{"1-0", "bob", "1"}, {"2-0", "alice", "1"}}));
}

TEST_P(GroupRestartTest, DelconsumerAndDelStayDoneAfterSigkill) {
  AddNumbered("s", 2);
  AddNumbered("t", 1);
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XGROUP", "CREATE", "t", "g", "0"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}), ArrLen(1));
  ASSERT_THAT(Run({"XGROUP", "DELCONSUMER", "s", "g", "alice"}), IsInt(2));
  ASSERT_THAT(Run({"DEL", "t"}), IsInt(1));
  AddNumbered("t", 1);
  KillAndRestart();
  EXPECT_THAT(Run({"XPENDING", "s", "g"}).elements[0], IsInt(0));
  EXPECT_THAT(Run({"XINFO", "CONSUMERS", "s", "g"}), ArrLen(0));
  EXPECT_THAT(Run({"XINFO", "GROUPS", "t"}), ArrLen(0)) << "DEL took the groups with the key";
}

}  // namespace
}  // namespace runnel::testing
