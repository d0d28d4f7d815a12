// The consumer-group replies that need pending entries — XPENDING (summary
// and extended), XACK, XGROUP DELCONSUMER, XINFO CONSUMERS and XINFO STREAM
// FULL's PELs, lag as reads advance — through the real binary. Entries reach
// the PEL by XREADGROUP, so these tests need it (stream_readgroup_commands.cc).
// Every expectation was checked against redis-server 7.0.15, except the 7.2
// fields (XINFO CONSUMERS "inactive", STREAM FULL's "active-time").
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/group_test_support.h"

namespace runnel::testing {
namespace {

using std::chrono::milliseconds;

class PendingCommandsTest : public StreamCommandsTest {
 protected:
  void UseResp3() { ASSERT_EQ(Run({"HELLO", "3"}).type, RespValue::Type::kMap); }
  // XREADGROUP GROUP `group` `consumer` COUNT `count` STREAMS `key` >: the IDs delivered.
  std::vector<std::string> Deliver(const std::string& key, const std::string& group, const std::string& consumer,
                                   int count) {
    const RespValue reply =
        Run({"XREADGROUP", "GROUP", group, consumer, "COUNT", std::to_string(count), "STREAMS", key, ">"});
    if (reply.type == RespValue::Type::kNullArray || reply.type == RespValue::Type::kNull) return {};
    EXPECT_THAT(reply, ArrLen(1)) << reply;
    if (reply.elements.size() != 1 || reply.elements[0].elements.size() != 2) return {};
    return ToIds(reply.elements[0].elements[1]);
  }
  // s: 1-0 ... 4-0; group g from 0; alice got 1-0 and 2-0, bob 3-0; carol
  // exists with nothing pending.
  void DeliverThree() {
    AddNumbered("s", 4);
    ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0"}), IsSimple("OK"));
    ASSERT_EQ(Deliver("s", "g", "alice", 2), (std::vector<std::string>{"1-0", "2-0"}));
    ASSERT_EQ(Deliver("s", "g", "bob", 1), (std::vector<std::string>{"3-0"}));
    ASSERT_THAT(Run({"XGROUP", "CREATECONSUMER", "s", "g", "carol"}), IsInt(1));
  }
  // The IDs of an extended XPENDING reply, each checked for its shape.
  std::vector<std::string> PendingIds(const std::vector<std::string>& args) {
    std::vector<std::string> command = {"XPENDING", "s", "g"};
    command.insert(command.end(), args.begin(), args.end());
    const RespValue reply = Run(command);
    EXPECT_EQ(reply.type, RespValue::Type::kArray) << reply;
    std::vector<std::string> ids;
    for (const RespValue& entry : reply.elements) {
      EXPECT_THAT(entry, ArrLen(4));
      if (entry.elements.size() == 4) ids.push_back(entry.elements[0].str);
    }
    return ids;
  }
};
RUNNEL_BACKEND_TESTS(PendingCommandsTest);

TEST_P(PendingCommandsTest, XpendingSummaryCountsEachConsumerAsABulkString) {
  DeliverThree();
  for (int protocol : {2, 3}) {
    if (protocol == 3) UseResp3();
    const RespValue summary = Run({"XPENDING", "s", "g"});
    ASSERT_THAT(summary, ArrLen(4));
    EXPECT_THAT(summary.elements[0], IsInt(3));
    EXPECT_THAT(summary.elements[1], IsBulk("1-0"));
    EXPECT_THAT(summary.elements[2], IsBulk("3-0"));
    const RespValue& owners = summary.elements[3];
    ASSERT_THAT(owners, ArrLen(2));  // carol, with nothing pending, is left out
    EXPECT_THAT(owners.elements[0], ArrLen(2));
    EXPECT_THAT(owners.elements[0].elements[0], IsBulk("alice"));
    EXPECT_THAT(owners.elements[0].elements[1], IsBulk("2"));
    EXPECT_THAT(owners.elements[1].elements[0], IsBulk("bob"));
    EXPECT_THAT(owners.elements[1].elements[1], IsBulk("1"));
  }
}

TEST_P(PendingCommandsTest, XpendingExtendedListsIdConsumerIdleAndDeliveries) {
  DeliverThree();
  const RespValue all = Run({"XPENDING", "s", "g", "-", "+", "10"});
  ASSERT_THAT(all, ArrLen(3));
  const std::vector<std::pair<std::string, std::string>> owners = {{"1-0", "alice"}, {"2-0", "alice"}, {"3-0", "bob"}};
  for (size_t i = 0; i < owners.size(); ++i) {
    const RespValue& entry = all.elements[i];
    ASSERT_THAT(entry, ArrLen(4));
    EXPECT_THAT(entry.elements[0], IsBulk(owners[i].first));
    EXPECT_THAT(entry.elements[1], IsBulk(owners[i].second));
    ASSERT_EQ(entry.elements[2].type, RespValue::Type::kInteger);
    EXPECT_GE(entry.elements[2].integer, 0);
    EXPECT_LT(entry.elements[2].integer, 60'000);
    EXPECT_THAT(entry.elements[3], IsInt(1));
  }
  using Ids = std::vector<std::string>;
  EXPECT_EQ(PendingIds({"-", "+", "10", "alice"}), (Ids{"1-0", "2-0"}));
  EXPECT_EQ(PendingIds({"(1-0", "+", "10"}), (Ids{"2-0", "3-0"}));
  EXPECT_EQ(PendingIds({"-", "(3-0", "1"}), (Ids{"1-0"}));
  EXPECT_EQ(PendingIds({"2", "2", "10"}), (Ids{"2-0"}));  // an incomplete end covers every sequence
  EXPECT_EQ(PendingIds({"3", "1", "10"}), (Ids{}));
  EXPECT_EQ(PendingIds({"-", "+", "0"}), (Ids{}));
  EXPECT_EQ(PendingIds({"-", "+", "-1"}), (Ids{}));
  EXPECT_EQ(PendingIds({"-", "+", "10", "nobody"}), (Ids{}));
  EXPECT_EQ(PendingIds({"-", "+", "10", "carol"}), (Ids{}));
  EXPECT_EQ(PendingIds({"IDLE", "100000", "-", "+", "10"}), (Ids{}));
  EXPECT_EQ(PendingIds({"IDLE", "0", "-", "+", "10", "bob"}), (Ids{"3-0"}));
  // Extra arguments after the consumer are ignored, as by Redis.
  EXPECT_EQ(PendingIds({"-", "+", "10", "bob", "extra"}), (Ids{"3-0"}));
  UseResp3();
  EXPECT_THAT(Run({"XPENDING", "s", "g", "-", "+", "10"}), ArrLen(3));
}

TEST_P(PendingCommandsTest, XpendingIdleFiltersByTimeSinceDelivery) {
  DeliverThree();
  // Wait (by polling, not sleeping a guess) until the entries are 20 ms idle.
  for (int i = 0; i < 500 && PendingIds({"IDLE", "20", "-", "+", "10"}).size() < 3; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(PendingIds({"IDLE", "20", "-", "+", "10"}).size(), 3u);
  // A re-delivery resets the idle time of what it delivers.
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", "0"}), ArrLen(1));
  EXPECT_EQ(PendingIds({"IDLE", "20", "-", "+", "10"}), (std::vector<std::string>{"2-0", "3-0"}));
  const RespValue first = Run({"XPENDING", "s", "g", "-", "1-0", "1"});
  ASSERT_THAT(first, ArrLen(1));
  EXPECT_THAT(first.elements[0].elements[3], IsInt(2)) << "delivered twice";
}

TEST_P(PendingCommandsTest, XackCountsWhatWasPendingOnce) {
  DeliverThree();
  EXPECT_THAT(Run({"XACK", "s", "g", "1-0", "1-0", "9-0"}), IsInt(1));
  EXPECT_THAT(Run({"XACK", "s", "g", "1-0"}), IsInt(0)) << "acknowledging again changes nothing";
  // A bad ID refuses the whole command: 2-0 stays pending.
  EXPECT_THAT(Run({"XACK", "s", "g", "2-0", "bad"}), IsError(kInvalidId));
  EXPECT_EQ(PendingIds({"-", "+", "10"}), (std::vector<std::string>{"2-0", "3-0"}));
  EXPECT_THAT(Run({"XACK", "s", "g", "3", "2-0"}), IsInt(2));  // "3" is 3-0
  EXPECT_THAT(Run({"XPENDING", "s", "g"}).elements[0], IsInt(0));
  EXPECT_THAT(FieldOf(GroupsByName(Run({"XINFO", "GROUPS", "s"}))["g"], "pending"), IsInt(0));
  const RespValue consumers = Run({"XINFO", "CONSUMERS", "s", "g"});
  for (const RespValue& consumer : consumers.elements) EXPECT_THAT(FieldOf(consumer, "pending"), IsInt(0));
}

TEST_P(PendingCommandsTest, XackOfADeletedEntryStillAcknowledgesIt) {
  DeliverThree();
  ASSERT_THAT(Run({"XDEL", "s", "2-0"}), IsInt(1));
  EXPECT_EQ(PendingIds({"-", "+", "10"}).size(), 3u) << "XDEL leaves the PEL alone";
  EXPECT_THAT(Run({"XACK", "s", "g", "2-0"}), IsInt(1));
  ASSERT_THAT(Run({"XDEL", "s", "4-0"}), IsInt(1));
  EXPECT_THAT(Run({"XACK", "s", "g", "4-0"}), IsInt(0)) << "never delivered";
}

TEST_P(PendingCommandsTest, DelConsumerReturnsAndDropsItsPendingEntries) {
  DeliverThree();
  EXPECT_THAT(Run({"XGROUP", "DELCONSUMER", "s", "g", "alice"}), IsInt(2));
  const RespValue summary = Run({"XPENDING", "s", "g"});
  EXPECT_THAT(summary.elements[0], IsInt(1));
  EXPECT_THAT(summary.elements[1], IsBulk("3-0"));
  EXPECT_EQ(PendingIds({"-", "+", "10"}), (std::vector<std::string>{"3-0"}));
  EXPECT_THAT(Run({"XACK", "s", "g", "1-0", "2-0"}), IsInt(0));
  auto groups = GroupsByName(Run({"XINFO", "GROUPS", "s"}));
  EXPECT_THAT(FieldOf(groups["g"], "consumers"), IsInt(2));
  EXPECT_THAT(FieldOf(groups["g"], "pending"), IsInt(1));
  // The group's position stays: alice's entries are not delivered again.
  EXPECT_EQ(Deliver("s", "g", "dave", 10), (std::vector<std::string>{"4-0"}));
}

TEST_P(PendingCommandsTest, XinfoConsumersShowsPendingAndActivity) {
  DeliverThree();
  const RespValue consumers = Run({"XINFO", "CONSUMERS", "s", "g"});
  ASSERT_THAT(consumers, ArrLen(3));
  std::vector<std::string> names;
  for (const RespValue& consumer : consumers.elements) names.push_back(FieldOf(consumer, "name").str);
  EXPECT_EQ(names, (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_THAT(FieldOf(consumers.elements[0], "pending"), IsInt(2));
  EXPECT_THAT(FieldOf(consumers.elements[1], "pending"), IsInt(1));
  const RespValue inactive = FieldOf(consumers.elements[0], "inactive");
  ASSERT_EQ(inactive.type, RespValue::Type::kInteger);
  EXPECT_GE(inactive.integer, 0) << "alice has read";
  EXPECT_THAT(FieldOf(consumers.elements[2], "inactive"), IsInt(-1)) << "carol never read";
}

TEST_P(PendingCommandsTest, XinfoStreamFullListsPelsUpToCount) {
  DeliverThree();
  for (int protocol : {2, 3}) {
    if (protocol == 3) UseResp3();
    const RespValue groups = FieldOf(Run({"XINFO", "STREAM", "s", "FULL", "COUNT", "1"}), "groups");
    ASSERT_THAT(groups, ArrLen(1));
    const RespValue& g = groups.elements[0];
    EXPECT_THAT(FieldOf(g, "last-delivered-id"), IsBulk("3-0"));
    EXPECT_THAT(FieldOf(g, "entries-read"), IsInt(3));
    EXPECT_THAT(FieldOf(g, "lag"), IsInt(1));
    EXPECT_THAT(FieldOf(g, "pel-count"), IsInt(3));
    const RespValue pel = FieldOf(g, "pending");
    ASSERT_THAT(pel, ArrLen(1));  // COUNT 1
    ASSERT_THAT(pel.elements[0], ArrLen(4));
    EXPECT_THAT(pel.elements[0].elements[0], IsBulk("1-0"));
    EXPECT_THAT(pel.elements[0].elements[1], IsBulk("alice"));
    EXPECT_GT(pel.elements[0].elements[2].integer, 1'600'000'000'000);  // delivery time, Unix ms
    EXPECT_THAT(pel.elements[0].elements[3], IsInt(1));
    const RespValue consumers = FieldOf(g, "consumers");
    ASSERT_THAT(consumers, ArrLen(3));
    const RespValue& alice = consumers.elements[0];
    EXPECT_THAT(FieldOf(alice, "name"), IsBulk("alice"));
    EXPECT_THAT(FieldOf(alice, "pel-count"), IsInt(2));
    EXPECT_GT(FieldOf(alice, "active-time").integer, 1'600'000'000'000);
    const RespValue own = FieldOf(alice, "pending");
    ASSERT_THAT(own, ArrLen(1));
    ASSERT_THAT(own.elements[0], ArrLen(3));
    EXPECT_THAT(own.elements[0].elements[0], IsBulk("1-0"));
    EXPECT_THAT(own.elements[0].elements[2], IsInt(1));
  }
  const RespValue all = FieldOf(Run({"XINFO", "STREAM", "s", "FULL", "COUNT", "0"}), "groups");
  ASSERT_THAT(all, ArrLen(1));
  EXPECT_THAT(FieldOf(all.elements[0], "pending"), ArrLen(3));
}

TEST_P(PendingCommandsTest, LagFollowsReadsAndDeletions) {
  AddNumbered("s", 5);
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0"}), IsSimple("OK"));
  auto group = [&] { return GroupsByName(Run({"XINFO", "GROUPS", "s"}))["g"]; };
  ASSERT_EQ(Deliver("s", "g", "a", 2).size(), 2u);
  EXPECT_THAT(FieldOf(group(), "entries-read"), IsInt(2));
  EXPECT_THAT(FieldOf(group(), "lag"), IsInt(3));
  ASSERT_THAT(Run({"XDEL", "s", "4-0"}), IsInt(1));
  EXPECT_THAT(FieldOf(group(), "lag"), IsNull()) << "a deletion ahead makes the lag unknown";
  ASSERT_EQ(Deliver("s", "g", "a", 1).size(), 1u);
  EXPECT_THAT(FieldOf(group(), "entries-read"), IsNull());
  EXPECT_THAT(FieldOf(group(), "lag"), IsNull());
  ASSERT_EQ(Deliver("s", "g", "a", 10), (std::vector<std::string>{"5-0"}));
  EXPECT_THAT(FieldOf(group(), "entries-read"), IsInt(5)) << "the last entry's count is known";
  EXPECT_THAT(FieldOf(group(), "lag"), IsInt(0));
  EXPECT_THAT(FieldOf(group(), "pending"), IsInt(4));
}

TEST_P(PendingCommandsTest, NoackLeavesNothingPending) {
  AddNumbered("s", 2);
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "0"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">"}), ArrLen(1));
  EXPECT_THAT(Run({"XPENDING", "s", "g"}).elements[0], IsInt(0));
  EXPECT_THAT(FieldOf(GroupsByName(Run({"XINFO", "GROUPS", "s"}))["g"], "last-delivered-id"), IsBulk("2-0"));
}

// XGROUP DESTROY wakes an XREADGROUP blocked on the group, which then fails
// as the group is gone (Redis 7.2 re-runs the command: NOGROUP).
TEST_P(PendingCommandsTest, DestroyReleasesABlockedReaderWithNogroup) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  auto reader = Connect();
  reader->Send({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"});
  for (int i = 0; i < 200 && InfoField("clients", "blocked_clients") != "1"; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(InfoField("clients", "blocked_clients"), "1");
  EXPECT_THAT(Run({"XGROUP", "DESTROY", "s", "g"}), IsInt(1));
  std::optional<RespValue> reply = reader->Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_THAT(*reply, ErrorStartsWith("NOGROUP"));
  EXPECT_EQ(InfoField("clients", "blocked_clients"), "0");
}

}  // namespace
}  // namespace runnel::testing
