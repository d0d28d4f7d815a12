// GET, SET (every option), SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX,
// MGET, MSET and MSETNX through the real binary: replies, TTLs and error
// texts checked against redis-server 7.0.15; RESP3 nulls; MULTI/EXEC.
#include <chrono>
#include <string>
#include <vector>

#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using namespace std::string_literals;
using ::testing::AllOf;
using ::testing::Ge;
using ::testing::Le;

constexpr char kSyntax[] = "ERR syntax error";
constexpr char kNotInteger[] = "ERR value is not an integer or out of range";
constexpr char kWrongType[] = "WRONGTYPE Operation against a key holding the wrong kind of value";

class StringCommandsTest : public StreamCommandsTest {
 protected:
  int64_t Ttl(const std::string& key) { return Run({"TTL", key}).integer; }
  // The exact bytes of the reply to `args` (for RESP3's nulls, which the
  // test client decodes like RESP2's).
  std::string RawReply(const std::vector<std::string>& args) {
    client_->SendRaw(RespClient::Encode(args));
    return client_->ReadRaw(std::chrono::milliseconds(300));
  }
};
RUNNEL_BACKEND_TESTS(StringCommandsTest);

TEST_P(StringCommandsTest, SetThenGetReturnsTheBytesExactly) {
  EXPECT_THAT(Run({"GET", "missing"}), IsNull());
  const std::string binary = "a\0b\r\nc"s;
  EXPECT_THAT(Run({"SET", "k", binary}), IsSimple("OK"));
  EXPECT_THAT(Run({"GET", "k"}), IsBulk(binary));
  EXPECT_THAT(Run({"SET", "k", ""}), IsSimple("OK"));
  EXPECT_THAT(Run({"GET", "k"}), IsBulk(""));
  const std::string big(200'000, 'x');
  EXPECT_THAT(Run({"SET", "k", big}), IsSimple("OK"));
  EXPECT_THAT(Run({"GET", "k"}), IsBulk(big));
  EXPECT_THAT(Run({"SET", "", "empty key"}), IsSimple("OK"));
  EXPECT_THAT(Run({"GET", ""}), IsBulk("empty key"));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(2));
}

TEST_P(StringCommandsTest, SetNxXxAndGetFollowRedis) {
  EXPECT_THAT(Run({"SET", "k", "1", "XX"}), IsNull());
  EXPECT_THAT(Run({"EXISTS", "k"}), IsInt(0));
  EXPECT_THAT(Run({"SET", "k", "1", "NX"}), IsSimple("OK"));
  EXPECT_THAT(Run({"SET", "k", "2", "nx"}), IsNull());
  EXPECT_THAT(Run({"SET", "k", "3", "xx"}), IsSimple("OK"));
  EXPECT_THAT(Run({"SET", "k", "4", "GET"}), IsBulk("3"));
  EXPECT_THAT(Run({"SET", "k", "5", "GET", "GET"}), IsBulk("4"));
  // With GET the old value is the only reply, whether or not NX/XX let the
  // write happen.
  EXPECT_THAT(Run({"SET", "k", "6", "NX", "GET"}), IsBulk("5"));
  EXPECT_THAT(Run({"GET", "k"}), IsBulk("5"));
  EXPECT_THAT(Run({"SET", "new", "1", "XX", "GET"}), IsNull());
  EXPECT_THAT(Run({"EXISTS", "new"}), IsInt(0));
  EXPECT_THAT(Run({"SET", "new", "1", "NX", "GET"}), IsNull());
  EXPECT_THAT(Run({"GET", "new"}), IsBulk("1"));
  EXPECT_THAT(Run({"SET", "k", "v", "NX", "NX"}), IsNull());
}

TEST_P(StringCommandsTest, SetExpiryOptionsSetKeepAndClearTheTtl) {
  EXPECT_THAT(Run({"SET", "k", "v", "EX", "100"}), IsSimple("OK"));
  EXPECT_EQ(Ttl("k"), 100);
  EXPECT_THAT(Run({"SET", "k", "v", "PX", "50000"}), IsSimple("OK"));
  EXPECT_EQ(Ttl("k"), 50);
  EXPECT_THAT(Run({"SET", "k", "v", "EXAT", "4102444800"}), IsSimple("OK"));
  EXPECT_THAT(Run({"PEXPIRETIME", "k"}), IsInt(4102444800000));
  EXPECT_THAT(Run({"SET", "k", "v", "PXAT", "4102444800123"}), IsSimple("OK"));
  EXPECT_THAT(Run({"PEXPIRETIME", "k"}), IsInt(4102444800123));
  EXPECT_THAT(Run({"SET", "k", "w", "KEEPTTL"}), IsSimple("OK"));
  EXPECT_THAT(Run({"PEXPIRETIME", "k"}), IsInt(4102444800123));
  EXPECT_THAT(Run({"GET", "k"}), IsBulk("w"));
  // A repeated option: the last time wins.
  EXPECT_THAT(Run({"SET", "k", "v", "EX", "10", "EX", "20"}), IsSimple("OK"));
  EXPECT_EQ(Ttl("k"), 20);
  EXPECT_THAT(Run({"SET", "k", "v"}), IsSimple("OK"));
  EXPECT_EQ(Ttl("k"), -1);
  EXPECT_THAT(Run({"INFO", "keyspace"}).str, ::testing::HasSubstr("db0:keys=1,expires=0,"));
  // An absolute time already past is accepted; the key is gone at once.
  EXPECT_THAT(Run({"SET", "old", "v", "EXAT", "1"}), IsSimple("OK"));
  EXPECT_THAT(Run({"GET", "old"}), IsNull());
  EXPECT_THAT(Run({"SET", "old", "v", "GET", "PXAT", "1"}), IsNull());
  EXPECT_THAT(Run({"EXISTS", "old"}), IsInt(0));
}

TEST_P(StringCommandsTest, SetOptionErrorsAreRedis) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"SET", "k", "v", "NX", "XX"},
           {"SET", "k", "v", "XX", "NX"},
           {"SET", "k", "v", "EX"},
           {"SET", "k", "v", "EX", "10", "PX", "10"},
           {"SET", "k", "v", "PXAT", "10", "EXAT", "10"},
           {"SET", "k", "v", "KEEPTTL", "EX", "10"},
           {"SET", "k", "v", "EX", "10", "KEEPTTL"},
           {"SET", "k", "v", "PERSIST"},
           {"SET", "k", "v", "FOO"},
           {"SET", "k", "v", "nxx"},
       }) {
    EXPECT_THAT(Run(args), IsError(kSyntax)) << args.back();
  }
  EXPECT_THAT(Run({"SET", "k", "v", "EX", "abc"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"SET", "k", "v", "EX", "1.5"}), IsError(kNotInteger));
  for (const char* bad : {"0", "-1", "9223372036854776"}) {
    EXPECT_THAT(Run({"SET", "k", "v", "EX", bad}), IsError("ERR invalid expire time in 'set' command")) << bad;
  }
  EXPECT_THAT(Run({"SET", "k", "v", "PX", "0"}), IsError("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(Run({"SET", "k", "v", "PX", "9223372036854775000"}),
              IsError("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(Run({"SET", "k", "v", "EXAT", "9223372036854775000"}),
              IsError("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(Run({"SET", "k", "v", "PXAT", "-5"}), IsError("ERR invalid expire time in 'set' command"));
  // The time is checked before GET reads the key.
  AddStream("s");
  EXPECT_THAT(Run({"SET", "s", "v", "GET", "EX", "0"}), IsError("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  EXPECT_THAT(Run({"SET", "k"}), IsError("ERR wrong number of arguments for 'set' command"));
  EXPECT_THAT(Run({"GET"}), IsError("ERR wrong number of arguments for 'get' command"));
  EXPECT_THAT(Run({"GET", "a", "b"}), IsError("ERR wrong number of arguments for 'get' command"));
}

TEST_P(StringCommandsTest, SetNxSetExAndPSetEx) {
  EXPECT_THAT(Run({"SETNX", "k", "1"}), IsInt(1));
  EXPECT_THAT(Run({"SETNX", "k", "2"}), IsInt(0));
  EXPECT_THAT(Run({"GET", "k"}), IsBulk("1"));
  EXPECT_THAT(Run({"SETEX", "k", "100", "v"}), IsSimple("OK"));
  EXPECT_EQ(Ttl("k"), 100);
  EXPECT_THAT(Run({"GET", "k"}), IsBulk("v"));
  EXPECT_THAT(Run({"PSETEX", "p", "30000", "v"}), IsSimple("OK"));
  EXPECT_THAT(Run({"PTTL", "p"}).integer, AllOf(Ge(29'000), Le(30'000)));
  EXPECT_THAT(Run({"SETEX", "k", "0", "v"}), IsError("ERR invalid expire time in 'setex' command"));
  EXPECT_THAT(Run({"SETEX", "k", "abc", "v"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"PSETEX", "k", "-1", "v"}), IsError("ERR invalid expire time in 'psetex' command"));
  EXPECT_THAT(Run({"SETEX", "k", "10"}), IsError("ERR wrong number of arguments for 'setex' command"));
  EXPECT_THAT(Run({"SETNX", "k"}), IsError("ERR wrong number of arguments for 'setnx' command"));
  // SETNX never replaces a key of another type.
  AddStream("s");
  EXPECT_THAT(Run({"SETNX", "s", "v"}), IsInt(0));
  EXPECT_THAT(Run({"TYPE", "s"}), IsSimple("stream"));
}

TEST_P(StringCommandsTest, GetSetAndGetDel) {
  EXPECT_THAT(Run({"GETSET", "k", "1"}), IsNull());
  EXPECT_THAT(Run({"EXPIRE", "k", "100"}), IsInt(1));
  EXPECT_THAT(Run({"GETSET", "k", "2"}), IsBulk("1"));
  EXPECT_EQ(Ttl("k"), -1);  // GETSET is a plain SET: the TTL goes
  EXPECT_THAT(Run({"GETDEL", "k"}), IsBulk("2"));
  EXPECT_THAT(Run({"EXISTS", "k"}), IsInt(0));
  EXPECT_THAT(Run({"GETDEL", "k"}), IsNull());
  AddStream("s");
  EXPECT_THAT(Run({"GETSET", "s", "v"}), IsError(kWrongType));
  EXPECT_THAT(Run({"GETDEL", "s"}), IsError(kWrongType));
  EXPECT_THAT(Run({"TYPE", "s"}), IsSimple("stream"));
}

TEST_P(StringCommandsTest, GetExSetsOrRemovesTheTtl) {
  ASSERT_THAT(Run({"SET", "k", "v"}), IsSimple("OK"));
  EXPECT_THAT(Run({"GETEX", "k"}), IsBulk("v"));
  EXPECT_EQ(Ttl("k"), -1);
  EXPECT_THAT(Run({"GETEX", "k", "EX", "100"}), IsBulk("v"));
  EXPECT_EQ(Ttl("k"), 100);
  EXPECT_THAT(Run({"GETEX", "k", "PX", "50000"}), IsBulk("v"));
  EXPECT_EQ(Ttl("k"), 50);
  EXPECT_THAT(Run({"GETEX", "k", "EXAT", "4102444800"}), IsBulk("v"));
  EXPECT_THAT(Run({"EXPIRETIME", "k"}), IsInt(4102444800));
  EXPECT_THAT(Run({"GETEX", "k", "PXAT", "4102444800123"}), IsBulk("v"));
  EXPECT_THAT(Run({"PEXPIRETIME", "k"}), IsInt(4102444800123));
  EXPECT_THAT(Run({"GETEX", "k", "PERSIST"}), IsBulk("v"));
  EXPECT_EQ(Ttl("k"), -1);
  // A past absolute time deletes the key after replying its value.
  EXPECT_THAT(Run({"GETEX", "k", "PXAT", std::to_string(UnixNowMs() - 1000)}), IsBulk("v"));
  EXPECT_THAT(Run({"EXISTS", "k"}), IsInt(0));
  EXPECT_THAT(Run({"INFO", "stats"}).str, ::testing::HasSubstr("expired_keys:0\r\n"));
}

TEST_P(StringCommandsTest, GetExErrorsComeInRedisOrder) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"GETEX", "k", "PERSIST", "EX", "10"},
           {"GETEX", "k", "EX", "10", "PERSIST"},
           {"GETEX", "k", "KEEPTTL"},
           {"GETEX", "k", "NX"},
           {"GETEX", "k", "GET"},
           {"GETEX", "k", "EX"},
           {"GETEX", "k", "FOO"},
       }) {
    EXPECT_THAT(Run(args), IsError(kSyntax)) << args[2];
  }
  // Options, then the key (nil when missing, whatever the time), then the
  // type, then the time.
  EXPECT_THAT(Run({"GETEX", "missing", "EX", "abc"}), IsNull());
  AddStream("s");
  EXPECT_THAT(Run({"GETEX", "s", "EX", "0"}), IsError(kWrongType));
  ASSERT_THAT(Run({"SET", "k", "v"}), IsSimple("OK"));
  EXPECT_THAT(Run({"GETEX", "k", "EX", "abc"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"GETEX", "k", "EX", "0"}), IsError("ERR invalid expire time in 'getex' command"));
  EXPECT_THAT(Run({"GETEX", "k", "PX", "-5"}), IsError("ERR invalid expire time in 'getex' command"));
  EXPECT_THAT(Run({"GETEX", "k", "EXAT", "0"}), IsError("ERR invalid expire time in 'getex' command"));
  EXPECT_THAT(Run({"GETEX"}), IsError("ERR wrong number of arguments for 'getex' command"));
  EXPECT_EQ(Ttl("k"), -1);
}

TEST_P(StringCommandsTest, MGetMSetAndMSetNx) {
  EXPECT_THAT(Run({"MSET", "a", "1", "b", "2", "a", "3"}), IsSimple("OK"));
  AddStream("s");
  const RespValue values = Run({"MGET", "a", "b", "s", "missing"});
  ASSERT_THAT(values, ArrLen(4));
  EXPECT_THAT(values.elements[0], IsBulk("3"));
  EXPECT_THAT(values.elements[1], IsBulk("2"));
  EXPECT_THAT(values.elements[2], IsNull());  // another type reads as nil
  EXPECT_THAT(values.elements[3], IsNull());
  EXPECT_THAT(Run({"MSET", "a"}), IsError("ERR wrong number of arguments for 'mset' command"));
  EXPECT_THAT(Run({"MSET", "a", "1", "b"}), IsError("ERR wrong number of arguments for 'mset' command"));
  EXPECT_THAT(Run({"MSETNX", "x", "1", "y"}), IsError("ERR wrong number of arguments for 'msetnx' command"));
  EXPECT_THAT(Run({"MSETNX", "x", "1", "a", "2"}), IsInt(0));
  EXPECT_THAT(Run({"EXISTS", "x"}), IsInt(0));
  EXPECT_THAT(Run({"MSETNX", "x", "1", "x", "2", "y", "3"}), IsInt(1));
  EXPECT_THAT(Run({"MGET", "x", "y"}), ArrLen(2));
  EXPECT_THAT(Run({"GET", "x"}), IsBulk("2"));
  // MSET replaces a stream and drops TTLs.
  ASSERT_THAT(Run({"EXPIRE", "a", "100"}), IsInt(1));
  EXPECT_THAT(Run({"MSET", "s", "v", "a", "4"}), IsSimple("OK"));
  EXPECT_THAT(Run({"TYPE", "s"}), IsSimple("string"));
  EXPECT_EQ(Ttl("a"), -1);
}

TEST_P(StringCommandsTest, Resp3RepliesNullsAsNull) {
  ASSERT_THAT(Run({"HELLO", "3"}), MapLen(7));
  EXPECT_EQ(RawReply({"GET", "missing"}), "_\r\n");
  EXPECT_EQ(RawReply({"SET", "k", "v", "XX"}), "_\r\n");
  EXPECT_EQ(RawReply({"SET", "k", "v", "GET"}), "_\r\n");
  EXPECT_EQ(RawReply({"GETEX", "missing"}), "_\r\n");
  EXPECT_EQ(RawReply({"MGET", "k", "missing"}), "*2\r\n$1\r\nv\r\n_\r\n");
  EXPECT_EQ(RawReply({"INCRBYFLOAT", "f", "1.5"}), "$3\r\n1.5\r\n");  // a bulk string, not a double
  EXPECT_EQ(RawReply({"SETNX", "k", "v"}), ":0\r\n");
  ASSERT_THAT(Run({"HELLO", "2"}), ArrLen(14));
  EXPECT_EQ(RawReply({"GET", "missing"}), "$-1\r\n");
  EXPECT_EQ(RawReply({"MGET", "missing"}), "*1\r\n$-1\r\n");
}

TEST_P(StringCommandsTest, StringCommandsRunInsideMultiExec) {
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  EXPECT_THAT(Run({"SET", "counter", "10", "EX", "100"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"INCRBY", "counter", "5"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"APPEND", "log", "a"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"MSET", "x"}), IsError("ERR wrong number of arguments for 'mset' command"));
  EXPECT_THAT(Run({"EXEC"}), IsError("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_THAT(Run({"EXISTS", "counter", "log"}), IsInt(0));

  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  Run({"SET", "counter", "10", "EX", "100"});
  Run({"INCRBY", "counter", "5"});
  Run({"MSET", "a", "1", "b"});  // an odd count fails at EXEC, as in Redis
  Run({"GETSET", "counter", "x"});
  Run({"INCR", "counter"});
  const RespValue exec = Run({"EXEC"});
  ASSERT_THAT(exec, ArrLen(5));
  EXPECT_THAT(exec.elements[0], IsSimple("OK"));
  EXPECT_THAT(exec.elements[1], IsInt(15));
  EXPECT_THAT(exec.elements[2], IsError("ERR wrong number of arguments for 'mset' command"));
  EXPECT_THAT(exec.elements[3], IsBulk("15"));
  EXPECT_THAT(exec.elements[4], IsError(kNotInteger));
  EXPECT_THAT(Run({"GET", "counter"}), IsBulk("x"));
  EXPECT_EQ(Ttl("counter"), -1);
}

}  // namespace
}  // namespace runnel::testing
