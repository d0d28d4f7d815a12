// XREAD through the real server: immediate reads, RESP3 shape, errors, and
// blocking — released by XADD from another connection, by a RENAME onto the
// key, by timeout, by CLIENT UNBLOCK and CLIENT KILL; not by DEL (as in
// Redis 7).
#include <chrono>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;

constexpr char kUnbalanced[] =
    "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.";

class StreamReadTest : public StreamCommandsTest {
 protected:
  // [[key, entries]] of an XREAD reply.
  static std::vector<std::pair<std::string, Entries>> Streams(const RespValue& reply) {
    std::vector<std::pair<std::string, Entries>> out;
    EXPECT_EQ(reply.type, RespValue::Type::kArray) << reply;
    for (const RespValue& s : reply.elements) {
      if (s.elements.size() != 2) {
        ADD_FAILURE() << "not [key, entries]: " << s;
        continue;
      }
      out.emplace_back(s.elements[0].str, ToEntries(s.elements[1]));
    }
    return out;
  }
};
RUNNEL_BACKEND_TESTS(StreamReadTest);

TEST_P(StreamReadTest, ReadsEntriesAfterTheIdFromEachStream) {
  AddFive();
  AddNumbered("n", 3);
  auto streams = Streams(Run({"XREAD", "STREAMS", "r", "n", "2-0", "1"}));
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].first, "r");
  EXPECT_EQ(streams[0].second, (Entries{{"3-5", {"f", "4"}}, {"5-0", {"f", "5"}}}));
  EXPECT_EQ(streams[1].first, "n");  // "1" is 1-0: entries after it
  EXPECT_EQ(streams[1].second, (Entries{{"2-0", {"f", "2"}}, {"3-0", {"f", "3"}}}));

  // COUNT per stream; streams with nothing after their ID are left out.
  streams = Streams(Run({"xread", "count", "1", "streams", "r", "missing", "n", "0", "0", "3-0"}));
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].second, (Entries{{"1-0", {"f", "1"}}}));
  // A key named twice is answered twice; COUNT 0 and negative mean no limit.
  streams = Streams(Run({"XREAD", "COUNT", "-3", "STREAMS", "n", "n", "0", "2"}));
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].second.size(), 3u);
  EXPECT_EQ(streams[1].second.size(), 1u);
}

TEST_P(StreamReadTest, NothingToReadIsANullArray) {
  AddFive();
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", "5-0"}), IsNullArray());
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", "$"}), IsNullArray());
  EXPECT_THAT(Run({"XREAD", "STREAMS", "nokey", "0"}), IsNullArray());
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", kMaxId}), IsNullArray());
  // Deleted and trimmed entries are not read.
  ASSERT_THAT(Run({"XDEL", "r", "5-0"}), IsInt(1));
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", "3-5"}), IsNullArray());
}

TEST_P(StreamReadTest, Resp3RepliesWithAMap) {
  AddFive();
  ASSERT_THAT(Run({"HELLO", "3"}), MapLen(7));
  RespValue reply = Run({"XREAD", "COUNT", "2", "STREAMS", "r", "3"});
  ASSERT_THAT(reply, MapLen(1)) << reply;
  EXPECT_THAT(reply.elements[0], IsBulk("r"));
  EXPECT_EQ(ToEntries(reply.elements[1]), (Entries{{"3-5", {"f", "4"}}, {"5-0", {"f", "5"}}}));
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", "$"}), IsNull());
}

TEST_P(StreamReadTest, ErrorsAsRedis) {
  AddFive();
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", "n", "0"}), IsError(kUnbalanced));
  EXPECT_THAT(Run({"XREAD", "COUNT", "1", "r", "0"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XREAD", "COUNT", "1", "BLOCK", "1"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XREAD", "COUNT", "x", "STREAMS", "r", "0"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XREAD", "BLOCK", "x", "STREAMS", "r", "0"}),
              IsError("ERR timeout is not an integer or out of range"));
  EXPECT_THAT(Run({"XREAD", "BLOCK", "-1", "STREAMS", "r", "0"}), IsError("ERR timeout is negative"));
  EXPECT_THAT(Run({"XREAD", "BLOCK", "9223372036854775807", "STREAMS", "r", "0"}),
              IsError("ERR timeout is out of range"));
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", "+"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", "-"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", "1-x"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", ">"}),
              IsError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
                      "<group> <consumer> option."));
  EXPECT_THAT(Run({"XREAD", "GROUP", "g", "c", "STREAMS", "r", "0"}),
              IsError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."));
  EXPECT_THAT(Run({"XREAD", "NOACK", "STREAMS", "r", "0"}),
              IsError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."));
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r"}),
              IsError("ERR wrong number of arguments for 'xread' command"));
  // A bad ID fails the command even when an earlier stream has entries.
  EXPECT_THAT(Run({"XREAD", "STREAMS", "r", "r", "0", "bad"}), IsError(kInvalidId));
}

TEST_P(StreamReadTest, BlockedReadIsReleasedByXaddFromAnotherClient) {
  AddFive();
  auto reader = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "r", "$"});
  EXPECT_FALSE(reader->Read(milliseconds(200)).has_value()) << "answered before any XADD";
  EXPECT_THAT(Run({"CLIENT", "LIST"}).str, ::testing::HasSubstr("flags=b"));
  ASSERT_THAT(Run({"XADD", "r", "6-0", "new", "1"}), IsBulk("6-0"));
  std::optional<RespValue> reply = reader->Read();
  ASSERT_TRUE(reply.has_value());
  auto streams = Streams(*reply);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].first, "r");
  // `$` meant "after 5-0, the last ID when the client blocked".
  EXPECT_EQ(streams[0].second, (Entries{{"6-0", {"new", "1"}}}));
  EXPECT_EQ(InfoField("clients", "blocked_clients"), "0");
  // The connection serves commands again.
  EXPECT_THAT(reader->Run({"PING"}), IsSimple("PONG"));
}

TEST_P(StreamReadTest, BlockedOnSeveralKeysReleasedByAnyOfThem) {
  auto reader = BlockOn({"XREAD", "BLOCK", "5000", "STREAMS", "a", "b", "c", "$", "$", "$"});
  ASSERT_THAT(Run({"XADD", "b", "1-1", "x", "y"}), IsBulk("1-1"));
  std::optional<RespValue> reply = reader->Read();
  ASSERT_TRUE(reply.has_value());
  auto streams = Streams(*reply);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].first, "b");
  EXPECT_EQ(streams[0].second, (Entries{{"1-1", {"x", "y"}}}));
}

TEST_P(StreamReadTest, EveryBlockedClientOnAKeyIsServed) {
  std::vector<std::unique_ptr<RespClient>> readers;
  for (int i = 0; i < 3; ++i) {
    readers.push_back(Connect());
    readers.back()->Send({"XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "k", "$"});
  }
  WaitBlocked(3);
  // A transaction's writes release readers after EXEC, with both entries
  // there (COUNT 1 gives the first).
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XADD", "k", "1-0", "f", "1"}), IsSimple("QUEUED"));
  ASSERT_THAT(Run({"XADD", "k", "2-0", "f", "2"}), IsSimple("QUEUED"));
  ASSERT_THAT(Run({"EXEC"}), ArrLen(2));
  for (auto& reader : readers) {
    std::optional<RespValue> reply = reader->Read();
    ASSERT_TRUE(reply.has_value());
    auto streams = Streams(*reply);
    ASSERT_EQ(streams.size(), 1u);
    EXPECT_EQ(streams[0].second, (Entries{{"1-0", {"f", "1"}}}));
  }
  EXPECT_EQ(InfoField("clients", "blocked_clients"), "0");
}

TEST_P(StreamReadTest, TimeoutRepliesNull) {
  auto reader = Connect();
  auto started = std::chrono::steady_clock::now();
  EXPECT_THAT(reader->Run({"XREAD", "BLOCK", "150", "STREAMS", "r", "$"}), IsNullArray());
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, milliseconds(145));
  EXPECT_LT(waited, milliseconds(1500));
  ASSERT_THAT(reader->Run({"HELLO", "3"}), MapLen(7));
  EXPECT_THAT(reader->Run({"XREAD", "BLOCK", "50", "STREAMS", "r", "$"}), IsNull());
  EXPECT_EQ(InfoField("clients", "blocked_clients"), "0");
}

TEST_P(StreamReadTest, BlockWithDataAlreadyThereAnswersAtOnce) {
  AddFive();
  auto streams = Streams(Run({"XREAD", "BLOCK", "0", "STREAMS", "r", "3-5"}));
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].second, (Entries{{"5-0", {"f", "5"}}}));
}

TEST_P(StreamReadTest, PipelinedCommandsWaitForTheBlockedRead) {
  auto reader = Connect();
  reader->SendRaw(RespClient::Encode({"XREAD", "BLOCK", "0", "STREAMS", "r", "$"}) +
                  RespClient::Encode({"PING"}) + RespClient::Encode({"XLEN", "r"}));
  WaitBlocked(1);
  EXPECT_FALSE(reader->Read(milliseconds(100)).has_value());
  ASSERT_THAT(Run({"XADD", "r", "1-0", "f", "v"}), IsBulk("1-0"));
  std::optional<RespValue> first = reader->Read();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(Streams(*first).size(), 1u);
  EXPECT_THAT(reader->Read(), ::testing::Optional(IsSimple("PONG")));
  EXPECT_THAT(reader->Read(), ::testing::Optional(IsInt(1)));
}

TEST_P(StreamReadTest, DelDoesNotReleaseButARecreatedStreamDoes) {
  // Redis 7 keeps an XREAD blocked when its key is deleted (only
  // XREADGROUP is released with an error); an XADD that re-creates the key
  // above the pinned ID serves it.
  ASSERT_THAT(Run({"XADD", "r", "5-0", "f", "v"}), IsBulk("5-0"));
  auto reader = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "r", "$"});
  ASSERT_THAT(Run({"DEL", "r"}), IsInt(1));
  EXPECT_FALSE(reader->Read(milliseconds(150)).has_value());
  EXPECT_EQ(InfoField("clients", "blocked_clients"), "1");
  ASSERT_THAT(Run({"XADD", "r", "3-0", "f", "low"}), IsBulk("3-0"));  // not above 5-0
  EXPECT_FALSE(reader->Read(milliseconds(150)).has_value());
  ASSERT_THAT(Run({"XADD", "r", "9-0", "f", "high"}), IsBulk("9-0"));
  std::optional<RespValue> reply = reader->Read();
  ASSERT_TRUE(reply.has_value());
  auto streams = Streams(*reply);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].second, (Entries{{"9-0", {"f", "high"}}}));
}

TEST_P(StreamReadTest, RenameOntoTheKeyReleasesTheRead) {
  // As Redis's dbAdd: a stream renamed onto a key someone waits on is served.
  auto reader = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "dest", "$"});
  ASSERT_THAT(Run({"XADD", "src", "7-0", "f", "moved"}), IsBulk("7-0"));
  ASSERT_THAT(Run({"RENAME", "src", "dest"}), IsSimple("OK"));
  std::optional<RespValue> reply = reader->Read();
  ASSERT_TRUE(reply.has_value());
  auto streams = Streams(*reply);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].first, "dest");
  EXPECT_EQ(streams[0].second, (Entries{{"7-0", {"f", "moved"}}}));
}

TEST_P(StreamReadTest, DatabasesAreSeparate) {
  auto reader = Connect();
  ASSERT_THAT(reader->Run({"SELECT", "1"}), IsSimple("OK"));
  reader->Send({"XREAD", "BLOCK", "0", "STREAMS", "k", "$"});
  WaitBlocked(1);
  ASSERT_THAT(Run({"XADD", "k", "1-0", "db", "0"}), IsBulk("1-0"));
  EXPECT_FALSE(reader->Read(milliseconds(150)).has_value());
  ASSERT_THAT(Run({"SELECT", "1"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XADD", "k", "1-0", "db", "1"}), IsBulk("1-0"));
  std::optional<RespValue> reply = reader->Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(Streams(*reply)[0].second, (Entries{{"1-0", {"db", "1"}}}));
}

TEST_P(StreamReadTest, ClientUnblockEndsTheWait) {
  auto reader = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "r", "$"});
  RespValue list = Run({"CLIENT", "LIST"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(list.str, m, std::regex("id=([0-9]+) [^\\n]*flags=b")));
  const std::string blocked_id = m[1];
  EXPECT_THAT(Run({"CLIENT", "UNBLOCK", blocked_id, "maybe"}),
              IsError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
  EXPECT_THAT(Run({"CLIENT", "UNBLOCK", blocked_id, "ERROR"}), IsInt(1));
  EXPECT_THAT(reader->Read(), ::testing::Optional(IsError("UNBLOCKED client unblocked via CLIENT UNBLOCK")));
  EXPECT_THAT(Run({"CLIENT", "UNBLOCK", blocked_id}), IsInt(0));  // no longer blocked
  EXPECT_THAT(Run({"CLIENT", "UNBLOCK", "x"}), IsError(kNotInteger));
  EXPECT_EQ(InfoField("clients", "blocked_clients"), "0");
}

TEST_P(StreamReadTest, ClientUnblockWithTimeoutRepliesNull) {
  auto reader = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "r", "$"});
  RespValue list = Run({"CLIENT", "LIST"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(list.str, m, std::regex("id=([0-9]+) [^\\n]*flags=b")));
  EXPECT_THAT(Run({"CLIENT", "UNBLOCK", m[1].str(), "TIMEOUT"}), IsInt(1));
  EXPECT_THAT(reader->Read(), ::testing::Optional(IsNullArray()));
  EXPECT_THAT(reader->Run({"PING"}), IsSimple("PONG"));
}

TEST_P(StreamReadTest, ClientKillAndDisconnectReleaseTheWait) {
  auto reader = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "r", "$"});
  auto other = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "r", "$"}, 2);
  RespValue list = Run({"CLIENT", "LIST"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(list.str, m, std::regex("id=([0-9]+) [^\\n]*flags=b")));
  EXPECT_THAT(Run({"CLIENT", "KILL", "ID", m[1].str()}), IsInt(1));
  EXPECT_TRUE(reader->WaitForClose());
  WaitBlocked(1);
  other.reset();  // the client goes away while blocked
  WaitBlocked(0);
  ASSERT_THAT(Run({"XADD", "r", "1-0", "f", "v"}), IsBulk("1-0"));
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
}

TEST_P(StreamReadTest, BlockInsideMultiAnswersAtOnce) {
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  ASSERT_THAT(Run({"XREAD", "BLOCK", "0", "STREAMS", "r", "$"}), IsSimple("QUEUED"));
  ASSERT_THAT(Run({"XADD", "r", "1-0", "f", "v"}), IsSimple("QUEUED"));
  ASSERT_THAT(Run({"XREAD", "BLOCK", "0", "STREAMS", "r", "0"}), IsSimple("QUEUED"));
  RespValue exec = Run({"EXEC"});
  ASSERT_THAT(exec, ArrLen(3));
  EXPECT_THAT(exec.elements[0], IsNullArray());
  EXPECT_EQ(Streams(exec.elements[2]).size(), 1u);
  EXPECT_EQ(InfoField("clients", "blocked_clients"), "0");
}

TEST_P(StreamReadTest, IdleTimeoutSparesBlockedClients) {
  StartServer({.args = {"--timeout", "1"}});
  auto reader = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "r", "$"});
  std::this_thread::sleep_for(milliseconds(2300));
  // The idle non-blocked client was closed meanwhile; the blocked one was not.
  EXPECT_TRUE(client_->WaitForClose(milliseconds(100)));
  ASSERT_THAT(Connect()->Run({"XADD", "r", "1-0", "f", "v"}), IsBulk("1-0"));
  std::optional<RespValue> reply = reader->Read();
  ASSERT_TRUE(reply.has_value()) << server_->log();
  EXPECT_EQ(Streams(*reply).size(), 1u);
}

TEST_P(StreamReadTest, ReleasedUnderAppendfsyncAlways) {
  StartServer({.args = {"--appendfsync", "always"}});
  auto reader = BlockOn({"XREAD", "BLOCK", "0", "STREAMS", "r", "0"});
  ASSERT_THAT(Run({"XADD", "r", "1-0", "f", "v"}), IsBulk("1-0"));
  std::optional<RespValue> reply = reader->Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(Streams(*reply)[0].second, (Entries{{"1-0", {"f", "v"}}}));
}

}  // namespace
}  // namespace runnel::testing
