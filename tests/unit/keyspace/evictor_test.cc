#include "engine/keyspace/evictor.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace runnel::keyspace {
namespace {

int64_t g_now_ms = 1'700'000'000'000;
int64_t TestClock() { return g_now_ms; }

// An in-memory value, evictable as a string key is.
class CacheValue : public Value {
 public:
  ValueType type() const override { return ValueType::kString; }
  std::string_view encoding() const override { return "raw"; }
};

// Stands for a stream: never evictable.
class StreamValue : public Value {
 public:
  ValueType type() const override { return ValueType::kStream; }
  std::string_view encoding() const override { return "stream"; }
};

// Every key "weighs" kKeyBytes; the limit is a number of keys.
constexpr size_t kKeyBytes = 100;

class EvictorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_now_ms = 1'700'000'000'000;
    dbs.emplace_back(TestClock);
    dbs.emplace_back(TestClock);
  }

  EvictionRun Run(EvictionPolicy policy, size_t max_keys, size_t samples = 5) {
    EvictionLimits limits{.policy = policy, .max_bytes = max_keys * kKeyBytes, .samples = samples,
                          .budget = absl::Seconds(10)};
    return evictor.Run(dbs, limits, [this] { return KeyCount() * kKeyBytes; });
  }
  size_t KeyCount() const { return dbs[0].size() + dbs[1].size(); }
  void AddKeys(int db, const std::string& prefix, int n, int64_t ttl_ms = 0) {
    for (int i = 0; i < n; ++i) {
      const std::string key = prefix + std::to_string(i);
      dbs[db].Set(key, std::make_unique<CacheValue>());
      if (ttl_ms != 0) {
        ASSERT_TRUE(dbs[db].SetExpireAt(key, g_now_ms + ttl_ms).ok());
      }
    }
  }
  std::set<std::string> Keys(int db) {
    std::set<std::string> keys;
    dbs[db].ForEach([&](std::string_view key, const Entry&) { keys.emplace(key); });
    return keys;
  }

  std::vector<Keyspace> dbs;
  Evictor evictor;
};

constexpr EvictionPolicy kAllPolicies[] = {
    EvictionPolicy::kVolatileLru, EvictionPolicy::kVolatileLfu,  EvictionPolicy::kVolatileRandom,
    EvictionPolicy::kVolatileTtl, EvictionPolicy::kAllKeysLru,   EvictionPolicy::kAllKeysLfu,
    EvictionPolicy::kAllKeysRandom};

TEST_F(EvictorTest, UnderTheLimitOrWithoutOneNothingIsEvicted) {
  AddKeys(0, "k", 10);
  EXPECT_EQ(Run(EvictionPolicy::kAllKeysLru, 10).result, EvictionResult::kOk);
  EXPECT_EQ(Run(EvictionPolicy::kAllKeysLru, 0).result, EvictionResult::kOk);  // 0: no limit
  EXPECT_EQ(KeyCount(), 10u);
}

TEST_F(EvictorTest, NoEvictionFailsOverTheLimit) {
  AddKeys(0, "k", 10);
  EvictionRun run = Run(EvictionPolicy::kNoEviction, 5);
  EXPECT_EQ(run.result, EvictionResult::kFail);
  EXPECT_EQ(run.evicted, 0u);
  EXPECT_EQ(KeyCount(), 10u);
}

TEST_F(EvictorTest, EveryPolicyEvictsUntilUnderTheLimitAcrossDatabases) {
  for (EvictionPolicy policy : kAllPolicies) {
    SCOPED_TRACE(static_cast<int>(policy));
    dbs[0].Clear();
    dbs[1].Clear();
    AddKeys(0, "a", 60, 100'000);
    AddKeys(1, "b", 40, 100'000);
    EvictionRun run = Run(policy, 50);
    EXPECT_EQ(run.result, EvictionResult::kOk);
    EXPECT_EQ(run.evicted, 50u);
    EXPECT_EQ(KeyCount(), 50u);
  }
}

TEST_F(EvictorTest, VolatilePoliciesNeverTouchKeysWithoutTtl) {
  for (EvictionPolicy policy : kAllPolicies) {
    if (ScopeOf(policy) != EvictionScope::kVolatile) continue;
    SCOPED_TRACE(static_cast<int>(policy));
    dbs[0].Clear();
    dbs[1].Clear();
    AddKeys(0, "persistent", 20);
    AddKeys(1, "volatile", 20, 100'000);
    EvictionRun run = Run(policy, 1);  // wants all but one gone
    EXPECT_EQ(run.result, EvictionResult::kFail);
    EXPECT_EQ(run.evicted, 20u);
    EXPECT_EQ(dbs[0].size(), 20u);
    EXPECT_EQ(dbs[1].size(), 0u);
  }
}

TEST_F(EvictorTest, StreamsAreNeverEvicted) {
  for (EvictionPolicy policy : kAllPolicies) {
    SCOPED_TRACE(static_cast<int>(policy));
    dbs[0].Clear();
    for (int i = 0; i < 20; ++i) {
      const std::string key = "stream" + std::to_string(i);
      dbs[0].Set(key, std::make_unique<StreamValue>());
      ASSERT_TRUE(dbs[0].SetExpireAt(key, g_now_ms + 100'000).ok());
    }
    AddKeys(0, "cache", 20, 100'000);
    EXPECT_EQ(Run(policy, 1).result, EvictionResult::kFail);
    EXPECT_EQ(dbs[0].size(), 20u);
    for (const std::string& key : Keys(0)) EXPECT_EQ(key.rfind("stream", 0), 0u) << key;
  }
}

TEST_F(EvictorTest, OnlyStreamsFailsAtOnce) {
  dbs[0].Set("s", std::make_unique<StreamValue>());
  EXPECT_EQ(dbs[0].evictable_count(EvictionScope::kAllKeys), 0u);
  EvictionLimits limits{.policy = EvictionPolicy::kAllKeysLru, .max_bytes = 1};
  EXPECT_EQ(evictor.Run(dbs, limits, [] { return size_t{2}; }).result, EvictionResult::kFail);
  EXPECT_EQ(dbs[0].size(), 1u);
}

TEST_F(EvictorTest, LruEvictsKeysIdleLongestFirst) {
  AddKeys(0, "k", 100);
  g_now_ms += 100'000;
  for (int i = 50; i < 100; ++i) dbs[0].Find("k" + std::to_string(i));  // recently used
  g_now_ms += 1'000;
  // Sampling every key makes the approximation exact.
  EXPECT_EQ(Run(EvictionPolicy::kAllKeysLru, 50, /*samples=*/100).result, EvictionResult::kOk);
  for (const std::string& key : Keys(0)) EXPECT_GE(std::stoi(key.substr(1)), 50) << key;
}

TEST_F(EvictorTest, LruWithFiveSamplesMostlyKeepsRecentKeys) {
  AddKeys(0, "k", 1000);
  g_now_ms += 100'000;
  for (int i = 500; i < 1000; ++i) dbs[0].Find("k" + std::to_string(i));
  g_now_ms += 1'000;
  ASSERT_EQ(Run(EvictionPolicy::kAllKeysLru, 500).result, EvictionResult::kOk);
  size_t recent = 0;
  for (const std::string& key : Keys(0)) recent += std::stoi(key.substr(1)) >= 500 ? 1 : 0;
  EXPECT_GE(recent, 450u);  // Redis's approximation keeps most; random would keep ~250
}

TEST_F(EvictorTest, LfuEvictsRarelyUsedKeysFirst) {
  for (Keyspace& db : dbs) db.set_access_tracking(AccessTracking{.lfu = true});
  AddKeys(0, "k", 100);
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 50; ++i) dbs[0].Find("k" + std::to_string(i));  // frequently used
  }
  EXPECT_EQ(Run(EvictionPolicy::kAllKeysLfu, 50, /*samples=*/100).result, EvictionResult::kOk);
  for (const std::string& key : Keys(0)) EXPECT_LT(std::stoi(key.substr(1)), 50) << key;
}

TEST_F(EvictorTest, VolatileTtlEvictsSoonestExpiryFirst) {
  for (int i = 0; i < 100; ++i) {
    const std::string key = "k" + std::to_string(i);
    dbs[0].Set(key, std::make_unique<CacheValue>());
    ASSERT_TRUE(dbs[0].SetExpireAt(key, g_now_ms + 1'000 * (i + 1)).ok());
  }
  EXPECT_EQ(Run(EvictionPolicy::kVolatileTtl, 50, /*samples=*/100).result, EvictionResult::kOk);
  for (const std::string& key : Keys(0)) EXPECT_GE(std::stoi(key.substr(1)), 50) << key;
}

TEST_F(EvictorTest, ACandidateThatBecameAStreamIsSkipped) {
  AddKeys(0, "k", 2);
  g_now_ms += 100'000;
  dbs[0].Set("fresh", std::make_unique<CacheValue>());
  // The pool now holds k0, k1 (idle 100 s) and "fresh"; one of k0, k1 goes.
  ASSERT_EQ(Run(EvictionPolicy::kAllKeysLru, 2, /*samples=*/3).evicted, 1u);
  const std::string kept = dbs[0].Find("k0", Touch::kNo) != nullptr ? "k0" : "k1";
  // The other is still the pool's best candidate when it becomes a stream.
  dbs[0].Set(kept, std::make_unique<StreamValue>());
  dbs[0].Set("fresher", std::make_unique<CacheValue>());
  ASSERT_EQ(Run(EvictionPolicy::kAllKeysLru, 2, /*samples=*/1).evicted, 1u);
  ASSERT_NE(dbs[0].Find(kept, Touch::kNo), nullptr);
  EXPECT_EQ(dbs[0].Find(kept, Touch::kNo)->value->type(), ValueType::kStream);
}

TEST_F(EvictorTest, OutOfTimeReportsRunningAfterSixteenEvictions) {
  AddKeys(0, "k", 100);
  EvictionLimits limits{.policy = EvictionPolicy::kAllKeysRandom, .max_bytes = kKeyBytes,
                        .budget = absl::ZeroDuration()};
  EvictionRun run = evictor.Run(dbs, limits, [this] { return KeyCount() * kKeyBytes; });
  EXPECT_EQ(run.result, EvictionResult::kRunning);
  EXPECT_EQ(run.evicted, 16u);
  EXPECT_EQ(KeyCount(), 84u);
}

TEST_F(EvictorTest, EvictableCountsFollowWritesExpiriesAndRemovals) {
  using Counts = std::pair<size_t, size_t>;  // all keys, keys with a TTL
  Keyspace& db = dbs[0];
  auto counts = [&] {
    return Counts(db.evictable_count(EvictionScope::kAllKeys), db.evictable_count(EvictionScope::kVolatile));
  };
  db.Set("a", std::make_unique<CacheValue>());
  db.Set("s", std::make_unique<StreamValue>());
  EXPECT_EQ(counts(), Counts(1, 0));
  ASSERT_TRUE(db.SetExpireAt("a", g_now_ms + 1000).ok());
  ASSERT_TRUE(db.SetExpireAt("s", g_now_ms + 1000).ok());
  EXPECT_EQ(counts(), Counts(1, 1));
  db.Set("a", std::make_unique<StreamValue>());  // a string key becomes a stream
  EXPECT_EQ(counts(), Counts(0, 0));
  db.Set("s", std::make_unique<CacheValue>());
  ASSERT_TRUE(db.SetExpireAt("s", g_now_ms + 1000).ok());
  EXPECT_EQ(counts(), Counts(1, 1));
  ASSERT_TRUE(db.Rename("s", "t").ok());
  EXPECT_EQ(counts(), Counts(1, 1));
  ASSERT_TRUE(db.SetExpireAt("t", 0).ok());
  EXPECT_EQ(counts(), Counts(1, 0));
  EXPECT_TRUE(db.Erase("t"));
  EXPECT_EQ(counts(), Counts(0, 0));
  db.Set("b", std::make_unique<CacheValue>());
  db.Clear();
  EXPECT_EQ(counts(), Counts(0, 0));
}

TEST_F(EvictorTest, EvictedKeysReachTheKeyListenerAsEvicted) {
  std::vector<KeyChange> changes;
  dbs[0].set_key_listener([&](KeyChange change, std::string_view, const Value&) {
    if (change != KeyChange::kAdded) changes.push_back(change);
  });
  AddKeys(0, "k", 3);
  Run(EvictionPolicy::kAllKeysLru, 1);
  EXPECT_EQ(changes, (std::vector<KeyChange>{KeyChange::kEvicted, KeyChange::kEvicted}));
}

}  // namespace
}  // namespace runnel::keyspace
