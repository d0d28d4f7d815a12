// EXPIRE and friends through the real binary: replies, conditions and error
// texts checked against redis-server 7.0.15; keys vanishing when their TTL
// passes (lazily, actively) with their files; TTLs surviving SHUTDOWN,
// SIGKILL under appendfsync always, RENAME and restarts.
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using namespace std::chrono_literals;

class ExpireTest : public StreamCommandsTest {
 protected:
  void SetUp() override { Restart(); }
  int64_t InfoInt(const std::string& section, const std::string& field) {
    const std::string value = InfoField(section, field);
    return value.empty() ? -1 : std::stoll(value);
  }
};
RUNNEL_BACKEND_TESTS(ExpireTest);

TEST_P(ExpireTest, TtlRepliesFollowTheExpiry) {
  EXPECT_THAT(Run({"TTL", "nokey"}), IsInt(-2));
  EXPECT_THAT(Run({"PTTL", "nokey"}), IsInt(-2));
  EXPECT_THAT(Run({"EXPIRETIME", "nokey"}), IsInt(-2));
  EXPECT_THAT(Run({"PEXPIRETIME", "nokey"}), IsInt(-2));
  EXPECT_THAT(Run({"PERSIST", "nokey"}), IsInt(0));
  EXPECT_THAT(Run({"EXPIRE", "nokey", "100"}), IsInt(0));
  AddStream("s");
  EXPECT_THAT(Run({"TTL", "s"}), IsInt(-1));
  EXPECT_THAT(Run({"PTTL", "s"}), IsInt(-1));
  EXPECT_THAT(Run({"EXPIRETIME", "s"}), IsInt(-1));
  EXPECT_THAT(Run({"PEXPIRETIME", "s"}), IsInt(-1));
  EXPECT_THAT(Run({"PERSIST", "s"}), IsInt(0));
  EXPECT_THAT(Run({"EXPIRE", "s", "100"}), IsInt(1));
  EXPECT_THAT(Run({"TTL", "s"}), IsInt(100));
  const int64_t pttl = Run({"PTTL", "s"}).integer;
  EXPECT_GT(pttl, 99'000);
  EXPECT_LE(pttl, 100'000);
  EXPECT_THAT(Run({"PEXPIREAT", "s", "4102444800123"}), IsInt(1));  // 2100-01-01
  EXPECT_THAT(Run({"PEXPIRETIME", "s"}), IsInt(4102444800123));
  EXPECT_THAT(Run({"EXPIRETIME", "s"}), IsInt(4102444800));
  EXPECT_THAT(Run({"EXPIREAT", "s", "4102444801"}), IsInt(1));
  EXPECT_THAT(Run({"PEXPIRETIME", "s"}), IsInt(4102444801000));
  EXPECT_THAT(Run({"PEXPIRE", "s", "5000"}), IsInt(1));
  EXPECT_THAT(Run({"TTL", "s"}), IsInt(5));
  EXPECT_THAT(Run({"INFO", "keyspace"}).str, ::testing::HasSubstr("db0:keys=1,expires=1,"));
  EXPECT_THAT(Run({"PERSIST", "s"}), IsInt(1));
  EXPECT_THAT(Run({"TTL", "s"}), IsInt(-1));
  EXPECT_THAT(Run({"INFO", "keyspace"}).str, ::testing::HasSubstr("db0:keys=1,expires=0,"));
}

// The sequence run against redis-server 7.0.15; no TTL counts as infinite.
TEST_P(ExpireTest, ConditionsNxXxGtLtAreRedis) {
  AddStream("s");
  EXPECT_THAT(Run({"EXPIRE", "s", "100", "XX"}), IsInt(0));
  EXPECT_THAT(Run({"EXPIRE", "s", "100", "GT"}), IsInt(0));
  EXPECT_THAT(Run({"EXPIRE", "s", "100", "NX", "NX"}), IsInt(1));
  EXPECT_THAT(Run({"EXPIRE", "s", "100", "nx"}), IsInt(0));
  EXPECT_THAT(Run({"EXPIRE", "s", "200", "XX"}), IsInt(1));
  EXPECT_THAT(Run({"EXPIRE", "s", "100", "GT"}), IsInt(0));
  EXPECT_THAT(Run({"EXPIRE", "s", "300", "GT"}), IsInt(1));
  EXPECT_THAT(Run({"EXPIRE", "s", "400", "LT"}), IsInt(0));
  EXPECT_THAT(Run({"EXPIRE", "s", "100", "LT"}), IsInt(1));
  EXPECT_THAT(Run({"TTL", "s"}), IsInt(100));
  EXPECT_THAT(Run({"EXPIRE", "s", "150", "XX", "GT"}), IsInt(1));
  EXPECT_THAT(Run({"PERSIST", "s"}), IsInt(1));
  EXPECT_THAT(Run({"EXPIRE", "s", "100", "LT"}), IsInt(1));
  EXPECT_THAT(Run({"TTL", "s"}), IsInt(100));
}

TEST_P(ExpireTest, ErrorsAreRedisAndComeBeforeTheKeyLookup) {
  EXPECT_THAT(Run({"EXPIRE", "nokey", "100", "NX", "XX"}),
              IsError("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_THAT(Run({"EXPIRE", "nokey", "100", "NX", "GT"}),
              IsError("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_THAT(Run({"PEXPIRE", "nokey", "100", "gt", "lt"}),
              IsError("ERR GT and LT options at the same time are not compatible"));
  EXPECT_THAT(Run({"EXPIRE", "nokey", "abc", "Foo"}), IsError("ERR Unsupported option Foo"));
  EXPECT_THAT(Run({"EXPIRE", "nokey", "abc"}), IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"EXPIRE", "nokey", "9223372036854775807"}),
              IsError("ERR invalid expire time in 'expire' command"));
  EXPECT_THAT(Run({"EXPIRE", "nokey", "-9223372036854775808"}),
              IsError("ERR invalid expire time in 'expire' command"));
  EXPECT_THAT(Run({"EXPIRE", "nokey", "9223372036854774"}),
              IsError("ERR invalid expire time in 'expire' command"));
  EXPECT_THAT(Run({"PEXPIRE", "nokey", "9223372036854775000"}),
              IsError("ERR invalid expire time in 'pexpire' command"));
  EXPECT_THAT(Run({"EXPIREAT", "nokey", "9223372036854775807"}),
              IsError("ERR invalid expire time in 'expireat' command"));
  EXPECT_THAT(Run({"PEXPIREAT", "nokey", "9223372036854775807"}), IsInt(0));
  EXPECT_THAT(Run({"OBJECT", "ENCODING", "nokey"}), IsNull());
  EXPECT_THAT(Run({"EXPIRE", "nokey"}), IsError("ERR wrong number of arguments for 'expire' command"));
  EXPECT_THAT(Run({"TTL"}), IsError("ERR wrong number of arguments for 'ttl' command"));
  EXPECT_THAT(Run({"PERSIST", "a", "b"}), IsError("ERR wrong number of arguments for 'persist' command"));
}

TEST_P(ExpireTest, ATimeInThePastDeletesTheKeyAndItsFiles) {
  AddStream("a");
  AddStream("b");
  AddStream("c");
  EXPECT_THAT(Run({"EXPIRE", "a", "-1"}), IsInt(1));
  EXPECT_THAT(Run({"PEXPIRE", "b", "-9223372036854775808"}), IsInt(1));
  EXPECT_THAT(Run({"EXPIREAT", "c", "1", "NX"}), IsInt(1));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(0));
  EXPECT_THAT(Run({"EXPIRE", "a", "0", "XX"}), IsInt(0));
  for (const char* key : {"a", "b", "c"}) EXPECT_FALSE(StreamDirExists(key)) << key;
}

TEST_P(ExpireTest, AnExpiredKeyIsGoneForEveryCommandWithItsFiles) {
  for (const char* key : {"k1", "k2", "k3", "k4", "k5", "keep"}) AddStream(key);
  const int64_t at = UnixNowMs() + 300;
  for (const char* key : {"k1", "k2", "k3", "k4", "k5"}) {
    ASSERT_THAT(Run({"PEXPIREAT", key, std::to_string(at)}), IsInt(1));
  }
  ASSERT_TRUE(StreamDirExists("k1"));
  std::this_thread::sleep_for(std::chrono::milliseconds(at - UnixNowMs() + 20));
  // Each path sees none of them, and removes what it touches; DEL finds
  // nothing to delete.
  EXPECT_THAT(Run({"DEL", "k5"}), IsInt(0));
  EXPECT_THAT(Run({"EXISTS", "k1"}), IsInt(0));
  EXPECT_THAT(Run({"TTL", "k2"}), IsInt(-2));
  EXPECT_THAT(Run({"XLEN", "k3"}), IsInt(0));
  EXPECT_THAT(Run({"RANDOMKEY"}), IsBulk("keep"));
  EXPECT_THAT(Run({"KEYS", "*"}), ArrLen(1));
  EXPECT_THAT(Run({"SCAN", "0", "COUNT", "100"}).elements[1], ArrLen(1));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  EXPECT_THAT(Run({"RENAME", "k4", "x"}), IsError("ERR no such key"));
  for (const char* key : {"k1", "k2", "k3", "k4", "k5"}) EXPECT_FALSE(StreamDirExists(key)) << key;
  EXPECT_TRUE(StreamDirExists("keep"));
  EXPECT_EQ(InfoInt("stats", "expired_keys"), 5);
  // A new stream under an expired key's name starts empty and without a TTL.
  AddStream("k1");
  EXPECT_THAT(Run({"XLEN", "k1"}), IsInt(1));
  EXPECT_THAT(Run({"TTL", "k1"}), IsInt(-1));
}

TEST_P(ExpireTest, ActiveExpiryRemovesKeysNobodyTouches) {
  for (int i = 0; i < 20; ++i) AddStream("t" + std::to_string(i));
  AddStream("keep");
  for (int i = 0; i < 20; ++i) ASSERT_THAT(Run({"PEXPIRE", "t" + std::to_string(i), "100"}), IsInt(1));
  // DBSIZE and INFO touch no key: only the cron can make the count drop.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (Run({"DBSIZE"}).integer > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  EXPECT_EQ(InfoInt("stats", "expired_keys"), 20);
  EXPECT_FALSE(StreamDirExists("t0"));
  EXPECT_TRUE(StreamDirExists("keep"));
}

TEST_P(ExpireTest, TtlSurvivesARestartAndPersistToo) {
  AddStream("ttl");
  AddStream("persisted");
  AddStream("plain");
  ASSERT_THAT(Run({"PEXPIREAT", "ttl", "4102444800123"}), IsInt(1));
  ASSERT_THAT(Run({"EXPIRE", "persisted", "1000"}), IsInt(1));
  ASSERT_THAT(Run({"PERSIST", "persisted"}), IsInt(1));
  Restart();
  EXPECT_THAT(Run({"PEXPIRETIME", "ttl"}), IsInt(4102444800123));
  EXPECT_THAT(Run({"TTL", "persisted"}), IsInt(-1));
  EXPECT_THAT(Run({"TTL", "plain"}), IsInt(-1));
  EXPECT_THAT(Run({"INFO", "keyspace"}).str, ::testing::HasSubstr("db0:keys=3,expires=1,"));
}

TEST_P(ExpireTest, AcknowledgedTtlSurvivesSigkillUnderAppendfsyncAlways) {
  extra_args_ = {"--appendfsync", "always"};
  Restart();
  AddStream("s");
  ASSERT_THAT(Run({"PEXPIREAT", "s", "4102444800123"}), IsInt(1));
  AddStream("r");
  ASSERT_THAT(Run({"EXPIREAT", "r", "4102444800"}), IsInt(1));
  ASSERT_THAT(Run({"RENAME", "r", "renamed"}), IsSimple("OK"));
  KillAndRestart();
  EXPECT_THAT(Run({"PEXPIRETIME", "s"}), IsInt(4102444800123));
  EXPECT_THAT(Run({"EXISTS", "r"}), IsInt(0));
  EXPECT_THAT(Run({"EXPIRETIME", "renamed"}), IsInt(4102444800));
  EXPECT_THAT(Run({"XLEN", "renamed"}), IsInt(1));
}

TEST_P(ExpireTest, RenameKeepsTheTtlAndReplacesTheDestinations) {
  AddStream("a");
  AddStream("b");
  ASSERT_THAT(Run({"EXPIRE", "a", "1000"}), IsInt(1));
  ASSERT_THAT(Run({"EXPIRE", "b", "50"}), IsInt(1));
  ASSERT_THAT(Run({"RENAME", "a", "b"}), IsSimple("OK"));
  EXPECT_THAT(Run({"TTL", "b"}), IsInt(1000));
  // A source without a TTL leaves the destination without one.
  AddStream("c");
  ASSERT_THAT(Run({"RENAME", "c", "b"}), IsSimple("OK"));
  EXPECT_THAT(Run({"TTL", "b"}), IsInt(-1));
  ASSERT_THAT(Run({"RENAME", "b", "c"}), IsSimple("OK"));
  Restart();
  EXPECT_THAT(Run({"TTL", "c"}), IsInt(-1));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
}

TEST_P(ExpireTest, AStreamThatExpiredWhileDownIsGoneAfterRestart) {
  AddStream("short");
  AddStream("long");
  ASSERT_THAT(Run({"PEXPIRE", "short", "200"}), IsInt(1));
  ASSERT_THAT(Run({"EXPIRE", "long", "1000"}), IsInt(1));
  client_.reset();
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  server_.reset();
  std::this_thread::sleep_for(300ms);
  Restart();
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  EXPECT_FALSE(StreamDirExists("short"));
  EXPECT_THAT(Run({"TTL", "long"}), ::testing::AnyOf(IsInt(999), IsInt(1000)));
}

}  // namespace
}  // namespace runnel::testing
