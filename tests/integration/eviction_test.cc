// maxmemory eviction of string keys through the server (issue #7): each
// policy under real writes, used_memory held near the limit while ten times
// more is written than fits, evicted_keys. Limits are set relative to the
// used_memory the server reports, so the tests hold with jemalloc (release)
// and with the sanitizer's allocator (ASan) alike.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

constexpr char kOom[] = "OOM command not allowed when used memory > 'maxmemory'.";
constexpr size_t kValueBytes = 1000;
constexpr long kRoom = 1 << 20;  // what the limit leaves above the empty server's use

class EvictionTest : public ServerTest {
 protected:
  long UsedMemory() { return std::stol(InfoField("memory", "used_memory")); }
  long EvictedKeys() { return std::stol(InfoField("stats", "evicted_keys")); }
  long DbSize() { return Run({"DBSIZE"}).integer; }

  // Sets maxmemory to what the server uses now plus `room`, and the policy.
  long LimitTo(long room, const std::string& policy) {
    const long limit = UsedMemory() + room;
    EXPECT_THAT(Run({"CONFIG", "SET", "maxmemory", std::to_string(limit), "maxmemory-policy", policy}),
                IsSimple("OK"));
    return limit;
  }

  // SETs keys prefix0..prefix<n-1> (EX `ttl` when not 0), pipelined 100 at
  // a time; returns how many were refused with -OOM.
  int Write(const std::string& prefix, int n, int ttl = 0) {
    const std::string value(kValueBytes, 'v');
    int refused = 0;
    for (int base = 0; base < n; base += 100) {
      const int batch = std::min(100, n - base);
      for (int i = 0; i < batch; ++i) {
        std::vector<std::string> args = {"SET", prefix + std::to_string(base + i), value};
        if (ttl != 0) args.insert(args.end(), {"EX", std::to_string(ttl)});
        client_->Send(args);
      }
      for (int i = 0; i < batch; ++i) {
        std::optional<RespValue> reply = client_->Read();
        if (!reply) {
          ADD_FAILURE() << "no reply";
          return refused;
        }
        if (reply->is_error()) {
          EXPECT_EQ(reply->str, kOom);
          ++refused;
        }
      }
    }
    return refused;
  }
  int Survivors(const std::string& prefix, int n) {
    int found = 0;
    for (int i = 0; i < n; ++i) found += Run({"EXISTS", prefix + std::to_string(i)}).integer;
    return found;
  }
};
RUNNEL_BACKEND_TESTS(EvictionTest);

TEST_P(EvictionTest, UsedMemoryStaysNearTheLimitWhileTenTimesMoreIsWritten) {
  const long limit = LimitTo(kRoom, "allkeys-lru");
  const int keys = 10 * kRoom / kValueBytes;  // ~10 MB of values
  EXPECT_EQ(Write("k", keys), 0);
  const long used = UsedMemory();
  EXPECT_LE(used, limit + limit / 10) << "limit " << limit;
  EXPECT_GT(used, limit - kRoom) << "limit " << limit;
  const long kept = DbSize();
  EXPECT_LT(kept, keys / 5);
  EXPECT_GT(kept, 100);
  EXPECT_EQ(EvictedKeys(), keys - kept);
  // The newest keys are still there: LRU evicts the old ones.
  EXPECT_THAT(Run({"EXISTS", "k" + std::to_string(keys - 1)}), IsInt(1));
}

TEST_P(EvictionTest, NoevictionRefusesSetButGetAndDelGoOn) {
  ASSERT_THAT(Run({"SET", "a", "1"}), IsSimple("OK"));
  ASSERT_THAT(Run({"CONFIG", "SET", "maxmemory", "1"}), IsSimple("OK"));
  EXPECT_THAT(Run({"SET", "b", "2"}), IsError(kOom));
  EXPECT_THAT(Run({"GET", "a"}), IsBulk("1"));
  EXPECT_THAT(Run({"DEL", "a"}), IsInt(1));
  EXPECT_EQ(EvictedKeys(), 0);
}

TEST_P(EvictionTest, AllKeysPoliciesEvictAnyKeyAndNeverRefuse) {
  for (const char* policy : {"allkeys-lru", "allkeys-lfu", "allkeys-random"}) {
    SCOPED_TRACE(policy);
    ASSERT_THAT(Run({"CONFIG", "SET", "maxmemory", "0"}), IsSimple("OK"));
    Run({"FLUSHALL"});
    Run({"CONFIG", "RESETSTAT"});
    LimitTo(kRoom, policy);
    EXPECT_EQ(Write("persistent", 1000), 0);
    EXPECT_EQ(Write("volatile", 1000, 1000), 0);
    EXPECT_GT(EvictedKeys(), 0);
    EXPECT_LT(Survivors("persistent", 1000), 1000);
  }
}

TEST_P(EvictionTest, VolatilePoliciesNeverEvictKeysWithoutTtl) {
  for (const char* policy : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
    SCOPED_TRACE(policy);
    ASSERT_THAT(Run({"CONFIG", "SET", "maxmemory", "0"}), IsSimple("OK"));
    Run({"FLUSHALL"});
    Run({"CONFIG", "RESETSTAT"});
    LimitTo(kRoom, policy);
    EXPECT_EQ(Write("volatile", 500, 1000), 0);
    // Keys without a TTL fill the room; once the volatile ones are all
    // gone, writes are refused.
    const int refused = Write("persistent", 2000);
    EXPECT_GT(refused, 0);
    EXPECT_EQ(Survivors("persistent", 2000), 2000 - refused);
    EXPECT_EQ(Survivors("volatile", 500), 0);
    EXPECT_EQ(EvictedKeys(), 500);
  }
}

TEST_P(EvictionTest, VolatileTtlEvictsTheSoonestToExpire) {
  LimitTo(kRoom, "volatile-ttl");
  EXPECT_EQ(Write("soon", 400, 1000), 0);
  EXPECT_EQ(Write("late", 400, 100000), 0);
  EXPECT_EQ(Write("more", 1500, 50000), 0);
  EXPECT_GT(EvictedKeys(), 0);
  EXPECT_GT(Survivors("late", 400), Survivors("soon", 400));
}

TEST_P(EvictionTest, LruKeepsKeysInUse) {
  LimitTo(kRoom, "allkeys-lru");
  EXPECT_EQ(Write("hot", 200), 0);
  Write("cold", 200);
  // The LRU clock has one-second resolution: let it tick before the reads.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  for (int i = 0; i < 200; ++i) Run({"GET", "hot" + std::to_string(i)});
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(Write("new", 1000), 0);
  EXPECT_GT(Survivors("hot", 200), Survivors("cold", 200));
}

TEST_P(EvictionTest, LfuKeepsKeysUsedOften) {
  LimitTo(kRoom, "allkeys-lfu");
  EXPECT_EQ(Write("hot", 200), 0);
  EXPECT_EQ(Write("cold", 200), 0);
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 200; ++i) Run({"GET", "hot" + std::to_string(i)});
  }
  EXPECT_THAT(Run({"OBJECT", "FREQ", "hot0"}), ::testing::Not(IsInt(5)));
  EXPECT_EQ(Write("new", 1000), 0);
  EXPECT_GT(Survivors("hot", 200), 190);
}

TEST_P(EvictionTest, EachEvictionPublishesTheEvictedEvent) {
  ASSERT_THAT(Run({"CONFIG", "SET", "notify-keyspace-events", "Ee"}), IsSimple("OK"));
  auto subscriber = Connect();
  ASSERT_THAT(subscriber->Run({"SUBSCRIBE", "__keyevent@0__:evicted"}), ArrLen(3));
  ASSERT_THAT(Run({"SET", "victim", "v"}), IsSimple("OK"));
  ASSERT_THAT(Run({"CONFIG", "SET", "maxmemory", "1", "maxmemory-policy", "allkeys-random"}), IsSimple("OK"));
  // Evicting "victim" is not enough (nothing else is left): SET is refused.
  EXPECT_THAT(Run({"SET", "k", "v"}), IsError(kOom));
  std::optional<RespValue> message = subscriber->Read();
  ASSERT_TRUE(message.has_value());
  ASSERT_THAT(*message, ArrLen(3));
  EXPECT_THAT(message->elements[0], IsBulk("message"));
  EXPECT_THAT(message->elements[1], IsBulk("__keyevent@0__:evicted"));
  EXPECT_THAT(message->elements[2], IsBulk("victim"));
  EXPECT_EQ(EvictedKeys(), 1);
}

}  // namespace
}  // namespace runnel::testing
