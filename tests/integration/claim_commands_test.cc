// XCLAIM and XAUTOCLAIM through the real server: replies (entries, JUSTID
// IDs, XAUTOCLAIM's 7.0 triple in RESP2 and RESP3), idle times, delivery
// counts, FORCE, LASTID, entries deleted under the PEL, Redis's errors in
// its order, and the work-queue recovery they exist for: an entry left
// unacknowledged by a consumer that went away is claimed by another.
//
// Groups are made with XGROUP CREATE; delivery counts are read with
// XPENDING's extended form.
#include <chrono>
#include <map>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using std::chrono::milliseconds;

class ClaimCommandsTest : public StreamCommandsTest {
 protected:
  // r as AddFive; group g; "alice" was delivered all five.
  void DeliverFiveToAlice() {
    AddFive();
    ASSERT_THAT(Run({"XGROUP", "CREATE", "r", "g", "0"}), IsSimple("OK"));
    ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "r", ">"}), ArrLen(1));
  }
  struct Pending {
    std::string consumer;
    int64_t idle = 0;
    int64_t count = 0;
  };
  std::map<std::string, Pending> PendingById() {
    std::map<std::string, Pending> out;
    RespValue reply = Run({"XPENDING", "r", "g", "-", "+", "100"});
    EXPECT_EQ(reply.type, RespValue::Type::kArray) << reply;
    for (const RespValue& row : reply.elements) {
      out[row.elements[0].str] = {row.elements[1].str, row.elements[2].integer, row.elements[3].integer};
    }
    return out;
  }
  static std::vector<std::string> Strings(const RespValue& reply) {
    std::vector<std::string> out;
    for (const RespValue& e : reply.elements) out.push_back(e.str);
    return out;
  }
};
RUNNEL_BACKEND_TESTS(ClaimCommandsTest);

TEST_P(ClaimCommandsTest, XClaimMovesEntriesAndCountsADelivery) {
  DeliverFiveToAlice();
  EXPECT_EQ(ToEntries(Run({"XCLAIM", "r", "g", "bob", "0", "1-0", "2-0"})),
            (Entries{{"1-0", {"f", "1"}}, {"2-0", {"f", "3"}}}));
  std::map<std::string, Pending> pending = PendingById();
  EXPECT_EQ(pending["1-0"].consumer, "bob");
  EXPECT_EQ(pending["1-0"].count, 2);
  EXPECT_EQ(pending["1-1"].consumer, "alice");
  EXPECT_EQ(pending["1-1"].count, 1);
  // JUSTID: IDs only, and not a delivery.
  EXPECT_EQ(Strings(Run({"XCLAIM", "r", "g", "carol", "0", "1-0", "JUSTID"})), (std::vector<std::string>{"1-0"}));
  EXPECT_EQ(PendingById()["1-0"].count, 2);
  EXPECT_EQ(PendingById()["1-0"].consumer, "carol");
  // Not idle long enough, not pending, or no such entry: nothing.
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "100000", "1-0"}), ArrLen(0));
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "9-0", "0-1"}), ArrLen(0));
}

TEST_P(ClaimCommandsTest, XClaimOptions) {
  DeliverFiveToAlice();
  // IDLE sets the delivery time back; RETRYCOUNT sets the count.
  ASSERT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "1-0", "IDLE", "60000", "RETRYCOUNT", "7", "JUSTID"}), ArrLen(1));
  Pending p = PendingById()["1-0"];
  EXPECT_EQ(p.count, 7);
  EXPECT_GE(p.idle, 60000);
  EXPECT_LT(p.idle, 70000);
  // min-idle-time now satisfied by that IDLE.
  ASSERT_THAT(Run({"XCLAIM", "r", "g", "carol", "50000", "1-0", "JUSTID"}), ArrLen(1));
  EXPECT_EQ(PendingById()["1-0"].consumer, "carol");
  // TIME: a Unix time in ms; one in the future is "now".
  ASSERT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "1-1", "TIME", "1", "JUSTID"}), ArrLen(1));
  EXPECT_GT(PendingById()["1-1"].idle, 1000000000);
  ASSERT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "1-1", "TIME", "99999999999999", "JUSTID"}), ArrLen(1));
  EXPECT_LT(PendingById()["1-1"].idle, 10000);
  // FORCE: an existing entry not pending becomes pending (count 1, then
  // this delivery: 2); a missing entry does not.
  ASSERT_THAT(Run({"XACK", "r", "g", "2-0"}), IsInt(1));
  EXPECT_EQ(ToIds(Run({"XCLAIM", "r", "g", "bob", "100000", "2-0", "8-0", "FORCE"})),
            (std::vector<std::string>{"2-0"}));
  EXPECT_EQ(PendingById()["2-0"].consumer, "bob");
  EXPECT_EQ(PendingById()["2-0"].count, 2);
  EXPECT_EQ(PendingById().count("8-0"), 0u);
  // LASTID raises the group's last-delivered ID: 3-5 and 5-0 are no longer new.
  ASSERT_THAT(Run({"XADD", "r", "6-0", "f", "6"}), IsBulk("6-0"));
  ASSERT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "LASTID", "6-0"}), ArrLen(0));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "r", ">"}), IsNullArray());
}

TEST_P(ClaimCommandsTest, ClaimingADeletedEntryRemovesItFromThePel) {
  DeliverFiveToAlice();
  ASSERT_THAT(Run({"XDEL", "r", "1-1"}), IsInt(1));
  EXPECT_EQ(ToIds(Run({"XCLAIM", "r", "g", "bob", "0", "1-1", "2-0"})), (std::vector<std::string>{"2-0"}));
  EXPECT_EQ(PendingById().count("1-1"), 0u);
  EXPECT_EQ(PendingById().size(), 4u);
}

TEST_P(ClaimCommandsTest, XClaimErrorsAsRedisInItsOrder) {
  DeliverFiveToAlice();
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "0"}),
              IsError("ERR wrong number of arguments for 'xclaim' command"));
  // Key and group first, even before a bad min-idle-time.
  EXPECT_THAT(Run({"XCLAIM", "nokey", "g", "bob", "x", "1-0"}),
              IsError("NOGROUP No such key 'nokey' or consumer group 'g'"));
  EXPECT_THAT(Run({"XCLAIM", "r", "nog", "bob", "0", "1-0"}), IsError("NOGROUP No such key 'r' or consumer group 'nog'"));
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "x", "1-0"}), IsError("ERR Invalid min-idle-time argument for XCLAIM"));
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "bad"}), IsError("ERR Unrecognized XCLAIM option 'bad'"));
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "1-0", "IDLE", "x"}),
              IsError("ERR Invalid IDLE option argument for XCLAIM"));
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "1-0", "TIME", "x"}),
              IsError("ERR Invalid TIME option argument for XCLAIM"));
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "1-0", "RETRYCOUNT", "x"}),
              IsError("ERR Invalid RETRYCOUNT option argument for XCLAIM"));
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "1-0", "LASTID", "x"}), IsError(kInvalidId));
  // IDs end at the first option: an ID after one is an unknown option.
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "1-0", "JUSTID", "2-0"}),
              IsError("ERR Unrecognized XCLAIM option '2-0'"));
  EXPECT_THAT(Run({"XCLAIM", "r", "g", "bob", "0", "1-0", "IDLE"}), IsError("ERR Unrecognized XCLAIM option 'IDLE'"));
  // An error claims nothing.
  EXPECT_EQ(PendingById()["1-0"].consumer, "alice");
}

TEST_P(ClaimCommandsTest, XAutoClaimPagesThroughThePel) {
  DeliverFiveToAlice();
  RespValue reply = Run({"XAUTOCLAIM", "r", "g", "bob", "0", "0", "COUNT", "2"});
  ASSERT_THAT(reply, ArrLen(3));
  EXPECT_THAT(reply.elements[0], IsBulk("2-0"));
  EXPECT_EQ(ToEntries(reply.elements[1]), (Entries{{"1-0", {"f", "1"}}, {"1-1", {"f", "2"}}}));
  EXPECT_THAT(reply.elements[2], ArrLen(0));
  reply = Run({"XAUTOCLAIM", "r", "g", "bob", "0", "2-0", "JUSTID"});
  ASSERT_THAT(reply, ArrLen(3));
  EXPECT_THAT(reply.elements[0], IsBulk("0-0"));
  EXPECT_EQ(Strings(reply.elements[1]), (std::vector<std::string>{"2-0", "3-5", "5-0"}));
  std::map<std::string, Pending> pending = PendingById();
  EXPECT_EQ(pending["1-0"].count, 2);
  EXPECT_EQ(pending["2-0"].count, 1);  // JUSTID
  EXPECT_EQ(pending["5-0"].consumer, "bob");
  // Exclusive start, "-" and "+".
  EXPECT_EQ(Strings(Run({"XAUTOCLAIM", "r", "g", "carol", "0", "(3-5", "JUSTID"}).elements[1]),
            (std::vector<std::string>{"5-0"}));
  EXPECT_EQ(Strings(Run({"XAUTOCLAIM", "r", "g", "carol", "0", "-", "COUNT", "1", "JUSTID"}).elements[1]),
            (std::vector<std::string>{"1-0"}));
  EXPECT_THAT(Run({"XAUTOCLAIM", "r", "g", "carol", "0", "+"}).elements[1], ArrLen(0));
  // Nothing idle long enough.
  reply = Run({"XAUTOCLAIM", "r", "g", "carol", "100000", "0"});
  EXPECT_THAT(reply.elements[0], IsBulk("0-0"));
  EXPECT_THAT(reply.elements[1], ArrLen(0));
}

TEST_P(ClaimCommandsTest, XAutoClaimRemovesDeletedEntriesAndCountsThem) {
  DeliverFiveToAlice();
  ASSERT_THAT(Run({"XDEL", "r", "1-0", "1-1"}), IsInt(2));
  RespValue reply = Run({"XAUTOCLAIM", "r", "g", "bob", "0", "0", "COUNT", "1"});
  ASSERT_THAT(reply, ArrLen(3));
  EXPECT_THAT(reply.elements[0], IsBulk("1-1"));
  EXPECT_THAT(reply.elements[1], ArrLen(0));
  EXPECT_EQ(Strings(reply.elements[2]), (std::vector<std::string>{"1-0"}));
  reply = Run({"XAUTOCLAIM", "r", "g", "bob", "0", "0", "COUNT", "5"});
  EXPECT_EQ(ToIds(reply.elements[1]), (std::vector<std::string>{"2-0", "3-5", "5-0"}));
  EXPECT_EQ(Strings(reply.elements[2]), (std::vector<std::string>{"1-1"}));
  EXPECT_EQ(PendingById().size(), 3u);
}

TEST_P(ClaimCommandsTest, XAutoClaimResp3IsTheSameArrays) {
  DeliverFiveToAlice();
  ASSERT_THAT(Run({"HELLO", "3"}), MapLen(7));
  RespValue reply = Run({"XAUTOCLAIM", "r", "g", "bob", "0", "0", "COUNT", "1"});
  ASSERT_THAT(reply, ArrLen(3));
  EXPECT_THAT(reply.elements[0], IsBulk("1-1"));
  EXPECT_EQ(ToEntries(reply.elements[1]), (Entries{{"1-0", {"f", "1"}}}));
  EXPECT_THAT(reply.elements[2], ArrLen(0));
  EXPECT_EQ(ToEntries(Run({"XCLAIM", "r", "g", "bob", "0", "1-1"})), (Entries{{"1-1", {"f", "2"}}}));
}

TEST_P(ClaimCommandsTest, XAutoClaimErrorsAsRedisInItsOrder) {
  DeliverFiveToAlice();
  EXPECT_THAT(Run({"XAUTOCLAIM", "r", "g", "bob", "0"}),
              IsError("ERR wrong number of arguments for 'xautoclaim' command"));
  // Arguments before the key.
  EXPECT_THAT(Run({"XAUTOCLAIM", "nokey", "g", "bob", "x", "0"}),
              IsError("ERR Invalid min-idle-time argument for XAUTOCLAIM"));
  EXPECT_THAT(Run({"XAUTOCLAIM", "nokey", "g", "bob", "0", "bad"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XAUTOCLAIM", "r", "g", "bob", "0", std::string("(") + kMaxId}),
              IsError("ERR invalid start ID for the interval"));
  for (const char* count : {"0", "-1", "x", "576460752303423488"}) {
    EXPECT_THAT(Run({"XAUTOCLAIM", "r", "g", "bob", "0", "0", "COUNT", count}), IsError("ERR COUNT must be > 0"));
  }
  EXPECT_THAT(Run({"XAUTOCLAIM", "r", "g", "bob", "0", "0", "COUNT"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XAUTOCLAIM", "r", "g", "bob", "0", "0", "FOO"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XAUTOCLAIM", "nokey", "g", "bob", "0", "0"}),
              IsError("NOGROUP No such key 'nokey' or consumer group 'g'"));
  EXPECT_THAT(Run({"XAUTOCLAIM", "r", "nog", "bob", "0", "0"}), IsError("NOGROUP No such key 'r' or consumer group 'nog'"));
}

TEST_P(ClaimCommandsTest, EntryLeftByADisconnectedConsumerIsClaimedByAnother) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XADD", "jobs", "1-0", "task", "a"}), IsBulk("1-0"));
  ASSERT_THAT(Run({"XADD", "jobs", "2-0", "task", "b"}), IsBulk("2-0"));
  {
    auto crashed = Connect();
    RespValue got = crashed->Run({"XREADGROUP", "GROUP", "workers", "w1", "COUNT", "1", "STREAMS", "jobs", ">"});
    ASSERT_THAT(got, ArrLen(1));
  }  // w1 goes away without XACK
  std::this_thread::sleep_for(milliseconds(60));  // w1's entry grows idle
  auto survivor = Connect();
  EXPECT_EQ(ToEntries(survivor->Run({"XREADGROUP", "GROUP", "workers", "w2", "STREAMS", "jobs", ">"})
                          .elements[0]
                          .elements[1]),
            (Entries{{"2-0", {"task", "b"}}}));
  RespValue claimed = survivor->Run({"XAUTOCLAIM", "jobs", "workers", "w2", "50", "0"});
  ASSERT_THAT(claimed, ArrLen(3));
  // Only w1's entry was idle long enough.
  EXPECT_EQ(ToEntries(claimed.elements[1]), (Entries{{"1-0", {"task", "a"}}}));
  RespValue pending = Run({"XPENDING", "jobs", "workers", "-", "+", "10"});
  ASSERT_THAT(pending, ArrLen(2));
  EXPECT_THAT(pending.elements[0].elements[1], IsBulk("w2"));
  EXPECT_THAT(pending.elements[0].elements[3], IsInt(2));
  EXPECT_THAT(survivor->Run({"XACK", "jobs", "workers", "1-0", "2-0"}), IsInt(2));
}

TEST_P(ClaimCommandsTest, CommandInfoAsRedis) {
  for (const char* name : {"xclaim", "xautoclaim"}) {
    RespValue info = Run({"COMMAND", "INFO", name});
    ASSERT_THAT(info, ArrLen(1));
    const RespValue& row = info.elements[0];
    EXPECT_THAT(row.elements[1], IsInt(-6));
    EXPECT_EQ(Strings(row.elements[2]), (std::vector<std::string>{"write", "fast"}));
    EXPECT_THAT(row.elements[3], IsInt(1));
    EXPECT_THAT(row.elements[4], IsInt(1));
    EXPECT_THAT(row.elements[5], IsInt(1));
  }
}

}  // namespace
}  // namespace runnel::testing
