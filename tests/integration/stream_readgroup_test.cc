// XREADGROUP through the real server: delivery of new entries to one
// consumer each, the pending history (deleted entries as nil), NOACK, RESP3
// shapes, Redis's errors in its order, and blocking — released by XADD from
// another connection (oldest waiter first, never two consumers with one
// entry), by timeout, and with Redis 7.2's error when the key is deleted,
// flushed, expired or renamed away, or the group destroyed. (WRONGTYPE, for
// a key replaced by a string, waits for strings: #7.)
//
// Groups are made with XGROUP CREATE; delivery counts are read with
// XPENDING's extended form.
#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using std::chrono::milliseconds;

constexpr char kNoGroupR[] = "NOGROUP No such key 'r' or consumer group 'g' in XREADGROUP with GROUP option";

class StreamReadGroupTest : public StreamCommandsTest {
 protected:
  // r as AddFive, with group g at 0.
  void AddFiveWithGroup() {
    AddFive();
    ASSERT_THAT(Run({"XGROUP", "CREATE", "r", "g", "0"}), IsSimple("OK"));
  }
  // The entries of the one stream `key` in a RESP2 XREADGROUP reply.
  static Entries Only(const RespValue& reply, const std::string& key = "r") {
    EXPECT_THAT(reply, ArrLen(1)) << reply;
    if (reply.elements.size() != 1 || reply.elements[0].elements.size() != 2) return {};
    EXPECT_THAT(reply.elements[0].elements[0], IsBulk(key));
    return ToEntries(reply.elements[0].elements[1]);
  }
  // id -> delivery count, from XPENDING's extended form.
  std::map<std::string, int64_t> DeliveryCounts(const std::string& key = "r") {
    std::map<std::string, int64_t> out;
    RespValue reply = Run({"XPENDING", key, "g", "-", "+", "100"});
    EXPECT_EQ(reply.type, RespValue::Type::kArray) << reply;
    for (const RespValue& row : reply.elements) out[row.elements[0].str] = row.elements[3].integer;
    return out;
  }
};
RUNNEL_BACKEND_TESTS(StreamReadGroupTest);

TEST_P(StreamReadGroupTest, NewEntriesGoToOneConsumerEach) {
  AddFiveWithGroup();
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "r", ">"})),
            (Entries{{"1-0", {"f", "1"}}, {"1-1", {"f", "2"}}}));
  EXPECT_EQ(Only(Run({"xreadgroup", "group", "g", "bob", "streams", "r", ">"})),
            (Entries{{"2-0", {"f", "3"}}, {"3-5", {"f", "4"}}, {"5-0", {"f", "5"}}}));
  // Nothing new for anyone now.
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "r", ">"}), IsNullArray());
  ASSERT_THAT(Run({"XADD", "r", "6-0", "f", "6"}), IsBulk("6-0"));
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "r", ">"})), (Entries{{"6-0", {"f", "6"}}}));
  // Each entry is pending once, with the consumer it went to.
  RespValue pending = Run({"XPENDING", "r", "g", "-", "+", "10"});
  ASSERT_THAT(pending, ArrLen(6));
  EXPECT_THAT(pending.elements[0].elements[1], IsBulk("alice"));
  EXPECT_THAT(pending.elements[2].elements[1], IsBulk("bob"));
  EXPECT_THAT(pending.elements[5].elements[1], IsBulk("alice"));
}

TEST_P(StreamReadGroupTest, ManyReadersNeverShareANewEntry) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "q", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  for (int i = 1; i <= 60; ++i) {
    ASSERT_THAT(Run({"XADD", "q", std::to_string(i) + "-0", "n", std::to_string(i)}).type, RespValue::Type::kBulk);
  }
  auto a = Connect();
  auto b = Connect();
  std::set<std::string> seen;
  for (bool empty = false; !empty;) {
    empty = true;
    for (RespClient* client : {a.get(), b.get(), client_.get()}) {
      RespValue reply = client->Run({"XREADGROUP", "GROUP", "g", std::to_string(client->fd()), "COUNT", "7",
                                     "STREAMS", "q", ">"});
      if (reply.type == RespValue::Type::kNullArray) continue;
      empty = false;
      for (const Entry& e : Only(reply, "q")) EXPECT_TRUE(seen.insert(e.first).second) << e.first << " twice";
    }
  }
  EXPECT_EQ(seen.size(), 60u);
}

TEST_P(StreamReadGroupTest, HistoryRereadsOwnPendingEntriesAndCountsDeliveries) {
  AddFiveWithGroup();
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "r", ">"}), ArrLen(1));
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "r", ">"}), ArrLen(1));
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "r", "0"})),
            (Entries{{"1-0", {"f", "1"}}, {"1-1", {"f", "2"}}, {"2-0", {"f", "3"}}}));
  // After an ID, with COUNT.
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "r", "1-0"})),
            (Entries{{"1-1", {"f", "2"}}}));
  EXPECT_EQ(DeliveryCounts(),
            (std::map<std::string, int64_t>{{"1-0", 2}, {"1-1", 3}, {"2-0", 2}, {"3-5", 1}, {"5-0", 1}}));
  // A deleted entry comes back as [id, nil] and keeps its count.
  ASSERT_THAT(Run({"XDEL", "r", "1-1"}), IsInt(1));
  RespValue reply = Run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "r", "0"});
  ASSERT_THAT(reply, ArrLen(1));
  const RespValue& entries = reply.elements[0].elements[1];
  ASSERT_THAT(entries, ArrLen(3));
  EXPECT_THAT(entries.elements[1], ArrLen(2));
  EXPECT_THAT(entries.elements[1].elements[0], IsBulk("1-1"));
  EXPECT_THAT(entries.elements[1].elements[1], IsNullArray());
  EXPECT_EQ(DeliveryCounts()["1-1"], 3);
  EXPECT_EQ(DeliveryCounts()["1-0"], 3);
  // A consumer with no history gets an empty array, not a null.
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "carol", "STREAMS", "r", "0"})), Entries{});
}

TEST_P(StreamReadGroupTest, NoAckLeavesNothingPending) {
  AddFiveWithGroup();
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "alice", "NOACK", "COUNT", "2", "STREAMS", "r", ">"})).size(), 2u);
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "r", "0"})), Entries{});
  EXPECT_THAT(Run({"XPENDING", "r", "g", "-", "+", "10"}), ArrLen(0));
  // The group moved on all the same.
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "r", ">"})),
            (Entries{{"2-0", {"f", "3"}}}));
}

TEST_P(StreamReadGroupTest, TheLargestIdReadsNewEntriesAsRedisDoes) {
  AddFiveWithGroup();
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "r", kMaxId})),
            (Entries{{"1-0", {"f", "1"}}}));
}

TEST_P(StreamReadGroupTest, SeveralStreamsAndAKeyNamedTwice) {
  AddFiveWithGroup();
  AddNumbered("n", 2);
  ASSERT_THAT(Run({"XGROUP", "CREATE", "n", "g", "$"}), IsSimple("OK"));
  // n has nothing new for g: only r answers. r named twice: the second
  // read sees what the first delivered.
  RespValue reply = Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "2", "STREAMS", "n", "r", "r", ">", ">", ">"});
  ASSERT_THAT(reply, ArrLen(2));
  EXPECT_EQ(ToIds(reply.elements[0].elements[1]), (std::vector<std::string>{"1-0", "1-1"}));
  EXPECT_EQ(ToIds(reply.elements[1].elements[1]), (std::vector<std::string>{"2-0", "3-5"}));
  // A history read answers every stream named, even empty.
  reply = Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "n", "r", "0", "3-0"});
  ASSERT_THAT(reply, ArrLen(2));
  EXPECT_THAT(reply.elements[0].elements[1], ArrLen(0));
  EXPECT_EQ(ToIds(reply.elements[1].elements[1]), (std::vector<std::string>{"3-5"}));
}

TEST_P(StreamReadGroupTest, Resp3Shapes) {
  AddFiveWithGroup();
  ASSERT_THAT(Run({"HELLO", "3"}), MapLen(7));
  RespValue reply = Run({"XREADGROUP", "GROUP", "g", "a", "COUNT", "2", "STREAMS", "r", ">"});
  ASSERT_THAT(reply, MapLen(1)) << reply;
  EXPECT_THAT(reply.elements[0], IsBulk("r"));
  EXPECT_EQ(ToIds(reply.elements[1]), (std::vector<std::string>{"1-0", "1-1"}));
  ASSERT_THAT(Run({"XDEL", "r", "1-0"}), IsInt(1));
  reply = Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "r", "0"});
  ASSERT_THAT(reply, MapLen(1));
  ASSERT_THAT(reply.elements[1], ArrLen(2));
  EXPECT_THAT(reply.elements[1].elements[0].elements[1], IsNull());
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "r", ">", "STREAMS"}).type,
              RespValue::Type::kError);
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "b", "STREAMS", "r", ">"}), MapLen(1));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "r", ">"}), IsNull());
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "a", "BLOCK", "10", "STREAMS", "r", ">"}), IsNull());
}

TEST_P(StreamReadGroupTest, ErrorsAsRedisInItsOrder) {
  AddFiveWithGroup();
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "r"}),
              IsError("ERR wrong number of arguments for 'xreadgroup' command"));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "r", "r", ">"}),
              IsError("ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be "
                      "specified."));
  EXPECT_THAT(Run({"XREADGROUP", "COUNT", "1", "BLOCK", "1", "STREAMS", "r", ">"}),
              IsError("ERR Missing GROUP option for XREADGROUP"));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "FOO", "STREAMS", "r", ">"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "x", "STREAMS", "r", ">"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "x", "STREAMS", "r", ">"}),
              IsError("ERR timeout is not an integer or out of range"));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "-1", "STREAMS", "r", ">"}),
              IsError("ERR timeout is negative"));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "r", "$"}),
              IsError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
                      "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID "
                      "would just return an empty result set."));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "r", "bad"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "r", "+"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "nog", "c", "STREAMS", "r", ">"}),
              IsError("NOGROUP No such key 'r' or consumer group 'nog' in XREADGROUP with GROUP option"));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "nokey", ">"}),
              IsError("NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option"));
  // Per stream: the group before the ID ('$' of a missing group is NOGROUP),
  // and a stream's errors before the next stream's.
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "nokey", "$"}),
              IsError("NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option"));
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "r", "nokey", "bad", ">"}), IsError(kInvalidId));
  // An error changes nothing: the first stream's entries are still new.
  EXPECT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "r", "nokey", ">", ">"}),
              ErrorStartsWith("NOGROUP"));
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "r", ">"})),
            (Entries{{"1-0", {"f", "1"}}}));
  EXPECT_THAT(Run({"XREAD", "GROUP", "g", "c", "STREAMS", "r", ">"}),
              IsError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."));
}

TEST_P(StreamReadGroupTest, CommandInfoAsRedis) {
  RespValue info = Run({"COMMAND", "INFO", "xreadgroup"});
  ASSERT_THAT(info, ArrLen(1));
  const RespValue& row = info.elements[0];
  EXPECT_THAT(row.elements[1], IsInt(-7));
  std::vector<std::string> flags;
  for (const RespValue& f : row.elements[2].elements) flags.push_back(f.str);
  EXPECT_THAT(flags, ::testing::IsSupersetOf({"write", "blocking"}));
  EXPECT_THAT(row.elements[3], IsInt(0));
}

TEST_P(StreamReadGroupTest, BlockedReadIsServedByXaddOldestWaiterFirst) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "r", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  auto first = BlockOn({"XREADGROUP", "GROUP", "g", "first", "BLOCK", "0", "STREAMS", "r", ">"});
  auto second = BlockOn({"XREADGROUP", "GROUP", "g", "second", "BLOCK", "0", "STREAMS", "r", ">"}, 2);
  EXPECT_FALSE(first->Read(milliseconds(100)).has_value());
  ASSERT_THAT(Run({"XADD", "r", "1-0", "f", "1"}), IsBulk("1-0"));
  std::optional<RespValue> reply = first->Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(Only(*reply), (Entries{{"1-0", {"f", "1"}}}));
  // The second waiter found nothing new and waits on, in its place.
  EXPECT_FALSE(second->Read(milliseconds(150)).has_value());
  WaitBlocked(1);
  ASSERT_THAT(Run({"XADD", "r", "2-0", "f", "2"}), IsBulk("2-0"));
  reply = second->Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(Only(*reply), (Entries{{"2-0", {"f", "2"}}}));
  EXPECT_EQ(DeliveryCounts(), (std::map<std::string, int64_t>{{"1-0", 1}, {"2-0", 1}}));
  EXPECT_THAT(first->Run({"PING"}), IsSimple("PONG"));
}

TEST_P(StreamReadGroupTest, TwoEntriesInOneTransactionServeTwoWaitersWithCountOne) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "r", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  auto a = BlockOn({"XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "BLOCK", "0", "STREAMS", "r", ">"});
  auto b = BlockOn({"XREADGROUP", "GROUP", "g", "b", "COUNT", "1", "BLOCK", "0", "STREAMS", "r", ">"}, 2);
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XADD", "r", "1-0", "f", "1"}), IsSimple("QUEUED"));
  ASSERT_THAT(Run({"XADD", "r", "2-0", "f", "2"}), IsSimple("QUEUED"));
  ASSERT_THAT(Run({"EXEC"}), ArrLen(2));
  std::optional<RespValue> ra = a->Read();
  std::optional<RespValue> rb = b->Read();
  ASSERT_TRUE(ra.has_value() && rb.has_value());
  EXPECT_EQ(Only(*ra), (Entries{{"1-0", {"f", "1"}}}));
  EXPECT_EQ(Only(*rb), (Entries{{"2-0", {"f", "2"}}}));
}

TEST_P(StreamReadGroupTest, TimeoutRepliesNullAndHistoryNeverBlocks) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "r", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  auto reader = Connect();
  auto started = std::chrono::steady_clock::now();
  EXPECT_THAT(reader->Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "150", "STREAMS", "r", ">"}), IsNullArray());
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(145));
  EXPECT_EQ(Only(reader->Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "r", "0"})), Entries{});
  EXPECT_EQ(InfoField("clients", "blocked_clients"), "0");
  // Inside MULTI, BLOCK answers at once.
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "r", ">"}), IsSimple("QUEUED"));
  RespValue exec = Run({"EXEC"});
  ASSERT_THAT(exec, ArrLen(1));
  EXPECT_THAT(exec.elements[0], IsNullArray());
}

TEST_P(StreamReadGroupTest, DeletedKeyReleasesGroupReadersNotPlainReaders) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "r", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  auto group_reader = BlockOn({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "r", ">"});
  auto plain_reader = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "r", "$"}, 2);
  ASSERT_THAT(Run({"DEL", "r"}), IsInt(1));
  // Redis 7.2 re-runs the command: the group went with the key.
  EXPECT_THAT(group_reader->Read(), ::testing::Optional(IsError(kNoGroupR)));
  EXPECT_FALSE(plain_reader->Read(milliseconds(150)).has_value());
  WaitBlocked(1);
  EXPECT_THAT(group_reader->Run({"PING"}), IsSimple("PONG"));
}

TEST_P(StreamReadGroupTest, UnlinkFlushAndExpiryReleaseGroupReaders) {
  for (const std::vector<std::string>& removal : std::vector<std::vector<std::string>>{
           {"UNLINK", "r"}, {"FLUSHDB"}, {"FLUSHALL"}, {"PEXPIRE", "r", "50"}}) {
    SCOPED_TRACE(removal[0]);
    ASSERT_THAT(Run({"XGROUP", "CREATE", "r", "g", "$", "MKSTREAM"}), IsSimple("OK"));
    auto reader = BlockOn({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "r", ">"});
    ASSERT_FALSE(Run(removal).is_error());
    // Expiry without any access to the key: the active cycle removes it.
    EXPECT_THAT(reader->Read(), ::testing::Optional(IsError(kNoGroupR)));
    WaitBlocked(0);
  }
}

TEST_P(StreamReadGroupTest, RenamedAwayKeyReleasesWithNoGroup) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "r", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  auto reader = BlockOn({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "r", ">"});
  ASSERT_THAT(Run({"RENAME", "r", "elsewhere"}), IsSimple("OK"));
  EXPECT_THAT(reader->Read(), ::testing::Optional(IsError(kNoGroupR)));
}

TEST_P(StreamReadGroupTest, DestroyedGroupReleasesWithNoGroup) {
  ASSERT_THAT(Run({"XGROUP", "CREATE", "r", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  auto reader = BlockOn({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "r", ">"});
  ASSERT_THAT(Run({"XGROUP", "DESTROY", "r", "g"}), IsInt(1));
  EXPECT_THAT(reader->Read(), ::testing::Optional(IsError(kNoGroupR)));
}

TEST_P(StreamReadGroupTest, BlockedReadIsReleasedUnderAppendfsyncAlways) {
  StartServer({.args = {"--appendfsync", "always"}});
  ASSERT_THAT(Run({"XGROUP", "CREATE", "r", "g", "$", "MKSTREAM"}), IsSimple("OK"));
  auto reader = BlockOn({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "r", ">"});
  ASSERT_THAT(Run({"XADD", "r", "1-0", "f", "v"}), IsBulk("1-0"));
  std::optional<RespValue> reply = reader->Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(Only(*reply), (Entries{{"1-0", {"f", "v"}}}));
  EXPECT_EQ(Only(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "r", "0"})), (Entries{{"1-0", {"f", "v"}}}));
}

}  // namespace
}  // namespace runnel::testing
