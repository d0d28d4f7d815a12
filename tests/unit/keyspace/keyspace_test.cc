#include "engine/keyspace/keyspace.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace runnel::keyspace {
namespace {

// The tests' clock: a plain function pointer reads this.
int64_t g_now_ms = 1'000'000;
int64_t TestClock() { return g_now_ms; }

// Records what the keyspace asks of its values.
struct ValueLog {
  int discards = 0;
  std::vector<int64_t> persisted;
  std::vector<std::string> moves;
};

class FakeValue : public Value {
 public:
  explicit FakeValue(ValueLog* log = nullptr, int64_t stored_expiry = 0)
      : log_(log), stored_expiry_(stored_expiry) {}
  ValueType type() const override { return ValueType::kStream; }
  std::string_view encoding() const override { return "stream"; }
  void Discard() override {
    if (log_ != nullptr) ++log_->discards;
  }
  int64_t stored_expire_at_ms() const override { return stored_expiry_; }
  absl::Status PersistExpireAt(int64_t at) override {
    if (fail) return absl::ResourceExhaustedError("disk full");
    if (log_ != nullptr) log_->persisted.push_back(at);
    return absl::OkStatus();
  }
  absl::Status MoveTo(std::string_view key) override {
    if (fail) return absl::InternalError("rename failed");
    if (log_ != nullptr) log_->moves.emplace_back(key);
    return absl::OkStatus();
  }
  bool fail = false;

 private:
  ValueLog* log_;
  int64_t stored_expiry_;
};

class KeyspaceTest : public ::testing::Test {
 protected:
  void SetUp() override { g_now_ms = 1'000'000; }
  Keyspace db{TestClock};
};

std::multiset<std::string> ScanAll(Keyspace& db, size_t count) {
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = db.Scan(cursor, count, [&](std::string_view key, const Entry&) { seen.emplace(key); });
  } while (cursor != 0);
  return seen;
}

TEST_F(KeyspaceTest, SetFindEraseAreBinarySafe) {
  std::string key("a\0b", 3);
  db.Set(key, std::make_unique<FakeValue>());
  ASSERT_NE(db.Find(key), nullptr);
  EXPECT_EQ(db.Find("a"), nullptr);
  EXPECT_EQ(db.Find(key)->value->type(), ValueType::kStream);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_TRUE(db.Erase(key));
  EXPECT_FALSE(db.Erase(key));
  EXPECT_EQ(db.size(), 0u);
}

TEST_F(KeyspaceTest, SetReplacesExpiryWithTheValuesOwn) {
  db.Set("k", std::make_unique<FakeValue>());
  ASSERT_TRUE(db.SetExpireAt("k", 2'000'000).ok());
  EXPECT_EQ(db.expires_count(), 1u);
  db.Set("k", std::make_unique<FakeValue>());
  EXPECT_EQ(db.ExpireAtMs(*db.Find("k")), 0);
  EXPECT_EQ(db.expires_count(), 0u);
  // A reopened stream brings its durable TTL.
  db.Set("j", std::make_unique<FakeValue>(nullptr, 3'000'000));
  EXPECT_EQ(db.ExpireAtMs(*db.Find("j")), 3'000'000);
  EXPECT_EQ(db.expires_count(), 1u);
  db.Clear();
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_count(), 0u);
}

TEST_F(KeyspaceTest, TypeNamesAreRedis) {
  EXPECT_EQ(ValueTypeName(ValueType::kString), "string");
  EXPECT_EQ(ValueTypeName(ValueType::kStream), "stream");
}

TEST_F(KeyspaceTest, ExpiredKeyIsAbsentAndDiscardedOnFind) {
  ValueLog log;
  db.Set("k", std::make_unique<FakeValue>(&log));
  ASSERT_TRUE(db.SetExpireAt("k", g_now_ms + 10).ok());
  EXPECT_EQ(log.persisted, std::vector<int64_t>{g_now_ms + 10});
  EXPECT_NE(db.Find("k"), nullptr);
  g_now_ms += 10;  // expiry is inclusive: at expire_at_ms the key is gone
  EXPECT_EQ(db.Find("k"), nullptr);
  EXPECT_EQ(log.discards, 1);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_count(), 0u);
  EXPECT_EQ(db.expired_keys(), 1u);
}

TEST_F(KeyspaceTest, ErasingAnExpiredKeyRemovesItButReportsNothingDeleted) {
  ValueLog log;
  db.Set("k", std::make_unique<FakeValue>(&log));
  ASSERT_TRUE(db.SetExpireAt("k", g_now_ms + 1).ok());
  g_now_ms += 1;
  EXPECT_FALSE(db.Erase("k"));
  EXPECT_EQ(log.discards, 1);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expired_keys(), 1u);
}

TEST_F(KeyspaceTest, FailedPersistLeavesExpiryUnchanged) {
  auto value = std::make_unique<FakeValue>();
  FakeValue* raw = value.get();
  db.Set("k", std::move(value));
  raw->fail = true;
  EXPECT_FALSE(db.SetExpireAt("k", 5'000'000).ok());
  EXPECT_EQ(db.ExpireAtMs(*db.Find("k")), 0);
  EXPECT_EQ(db.expires_count(), 0u);
  EXPECT_TRUE(absl::IsNotFound(db.SetExpireAt("missing", 5)));
}

TEST_F(KeyspaceTest, PersistRemovesFromTheExpiryIndex) {
  ValueLog log;
  for (int i = 0; i < 10; ++i) db.Set("k" + std::to_string(i), std::make_unique<FakeValue>(&log));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(db.SetExpireAt("k" + std::to_string(i), g_now_ms + 100 + i).ok());
  EXPECT_EQ(db.expires_count(), 10u);
  for (int i = 0; i < 10; i += 2) ASSERT_TRUE(db.SetExpireAt("k" + std::to_string(i), 0).ok());
  EXPECT_EQ(db.expires_count(), 5u);
  db.Erase("k1");
  EXPECT_EQ(db.expires_count(), 4u);
  // The index still names only live keys with TTLs: expiring all removes them.
  g_now_ms += 1000;
  EXPECT_EQ(db.ExpireSome(g_now_ms, absl::Seconds(10)), 4u);
  EXPECT_EQ(db.size(), 5u);
  EXPECT_EQ(db.expires_count(), 0u);
}

TEST_F(KeyspaceTest, ScanVisitsEveryKeyExactlyOnce) {
  std::multiset<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    db.Set("key:" + std::to_string(i), std::make_unique<FakeValue>());
    expected.insert("key:" + std::to_string(i));
  }
  EXPECT_EQ(ScanAll(db, 1), expected);
  EXPECT_EQ(ScanAll(db, 7), expected);
  EXPECT_EQ(ScanAll(db, 10000), expected);
}

TEST_F(KeyspaceTest, ScanOfEmptyKeyspaceEndsAtOnce) {
  int visited = 0;
  EXPECT_EQ(db.Scan(0, 10, [&](std::string_view, const Entry&) { ++visited; }), 0u);
  EXPECT_EQ(visited, 0);
}

TEST_F(KeyspaceTest, ScanReturnsKeysPresentThroughoutWhileTheTableGrowsAndShrinks) {
  std::set<std::string> stable;
  for (int i = 0; i < 500; ++i) {
    db.Set("stable:" + std::to_string(i), std::make_unique<FakeValue>());
    stable.insert("stable:" + std::to_string(i));
  }
  for (int i = 0; i < 2000; ++i) db.Set("doomed:" + std::to_string(i), std::make_unique<FakeValue>());
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  int round = 0;
  do {
    cursor = db.Scan(cursor, 13, [&](std::string_view key, const Entry&) { seen.emplace(key); });
    // Between calls: a burst of inserts (any table under the keys would
    // grow and rehash), later a burst of removals (it would shrink), and a
    // trickle of both every time.
    if (round == 5) {
      for (int i = 0; i < 3000; ++i) db.Set("burst:" + std::to_string(i), std::make_unique<FakeValue>());
    }
    if (round == 40) {
      for (int i = 0; i < 3000; ++i) db.Erase("burst:" + std::to_string(i));
      for (int i = 1000; i < 2000; ++i) db.Erase("doomed:" + std::to_string(i));
    }
    db.Set("new:" + std::to_string(round), std::make_unique<FakeValue>());
    db.Erase("doomed:" + std::to_string(round));
    ++round;
  } while (cursor != 0);
  ASSERT_GT(round, 41);  // both bursts happened mid-iteration
  // Redis's guarantee: at least once (a table that halved mid-iteration may
  // return a bucket's keys again).
  for (const std::string& key : stable) EXPECT_GE(seen.count(key), 1u) << key;
}

TEST_F(KeyspaceTest, ScanAndForEachSkipAndRemoveExpiredKeys) {
  ValueLog log;
  db.Set("live", std::make_unique<FakeValue>(&log));
  db.Set("gone", std::make_unique<FakeValue>(&log));
  db.Set("gone2", std::make_unique<FakeValue>(&log));
  ASSERT_TRUE(db.SetExpireAt("gone", g_now_ms + 1).ok());
  ASSERT_TRUE(db.SetExpireAt("gone2", g_now_ms + 1).ok());
  g_now_ms += 5;
  EXPECT_EQ(ScanAll(db, 10), std::multiset<std::string>{"live"});
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(log.discards, 2);
  db.Set("gone3", std::make_unique<FakeValue>(&log));
  ASSERT_TRUE(db.SetExpireAt("gone3", g_now_ms + 1).ok());
  g_now_ms += 5;
  std::vector<std::string> keys;
  db.ForEach([&](std::string_view key, const Entry&) { keys.emplace_back(key); });
  EXPECT_EQ(keys, std::vector<std::string>{"live"});
  EXPECT_EQ(db.expired_keys(), 3u);
}

TEST_F(KeyspaceTest, RandomKeyReturnsLiveKeysOnly) {
  EXPECT_EQ(db.RandomKey(), std::nullopt);
  db.Set("a", std::make_unique<FakeValue>());
  db.Set("b", std::make_unique<FakeValue>());
  db.Set("c", std::make_unique<FakeValue>());
  ASSERT_TRUE(db.SetExpireAt("c", g_now_ms + 1).ok());
  g_now_ms += 2;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(*db.RandomKey());
  EXPECT_EQ(seen, (std::set<std::string>{"a", "b"}));
  db.Erase("a");
  db.Erase("b");
  EXPECT_EQ(db.RandomKey(), std::nullopt);
}

TEST_F(KeyspaceTest, RenameMovesValueAndExpiry) {
  ValueLog log;
  db.Set("from", std::make_unique<FakeValue>(&log));
  ASSERT_TRUE(db.SetExpireAt("from", g_now_ms + 100).ok());
  ASSERT_TRUE(db.Rename("from", "to").ok());
  EXPECT_EQ(db.Find("from"), nullptr);
  ASSERT_NE(db.Find("to"), nullptr);
  EXPECT_EQ(db.ExpireAtMs(*db.Find("to")), g_now_ms + 100);
  EXPECT_EQ(log.moves, std::vector<std::string>{"to"});
  EXPECT_EQ(log.discards, 0);
  // The expiry index follows the new key.
  g_now_ms += 200;
  EXPECT_EQ(db.ExpireSome(g_now_ms, absl::Seconds(1)), 1u);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(ScanAll(db, 10).size(), 0u);
}

TEST_F(KeyspaceTest, RenameOntoAnExistingKeyDiscardsIt) {
  ValueLog from_log, to_log;
  db.Set("from", std::make_unique<FakeValue>(&from_log));
  db.Set("to", std::make_unique<FakeValue>(&to_log));
  ASSERT_TRUE(db.SetExpireAt("to", g_now_ms + 100).ok());
  ASSERT_TRUE(db.Rename("from", "to").ok());
  EXPECT_EQ(to_log.discards, 1);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.ExpireAtMs(*db.Find("to")), 0);  // the source had none
  EXPECT_EQ(db.expires_count(), 0u);
  EXPECT_EQ(ScanAll(db, 10), std::multiset<std::string>{"to"});
}

TEST_F(KeyspaceTest, RenameOfMissingKeyIsNotFoundAndToItselfIsANoOp) {
  EXPECT_TRUE(absl::IsNotFound(db.Rename("nope", "x")));
  ValueLog log;
  db.Set("k", std::make_unique<FakeValue>(&log));
  EXPECT_TRUE(db.Rename("k", "k").ok());
  EXPECT_TRUE(log.moves.empty());
  EXPECT_NE(db.Find("k"), nullptr);
}

TEST_F(KeyspaceTest, FailedMoveKeepsTheSource) {
  auto value = std::make_unique<FakeValue>();
  value->fail = true;
  db.Set("from", std::move(value));
  EXPECT_FALSE(db.Rename("from", "to").ok());
  EXPECT_NE(db.Find("from"), nullptr);
  EXPECT_EQ(db.Find("to"), nullptr);
  EXPECT_EQ(ScanAll(db, 10), std::multiset<std::string>{"from"});
}

TEST_F(KeyspaceTest, KeyListenerHearsOfEveryArrivalAndRemovalWithItsReason) {
  std::vector<std::pair<KeyChange, std::string>> heard;
  db.set_key_listener([&](KeyChange change, std::string_view key, const Value&) { heard.emplace_back(change, key); });
  using enum KeyChange;
  db.Set("new", std::make_unique<FakeValue>());
  db.Set("new", std::make_unique<FakeValue>());
  db.Set("del", std::make_unique<FakeValue>());
  db.Erase("del");
  db.Erase("never-there");
  db.Set("lazy", std::make_unique<FakeValue>(nullptr, g_now_ms + 10));
  db.Set("active", std::make_unique<FakeValue>(nullptr, g_now_ms + 10));
  db.Set("over", std::make_unique<FakeValue>(nullptr, g_now_ms + 10));
  db.Set("from", std::make_unique<FakeValue>());
  ASSERT_TRUE(db.Rename("from", "to").ok());
  using Heard = std::vector<std::pair<KeyChange, std::string>>;
  EXPECT_EQ(heard, (Heard{{kAdded, "new"},
                          {kOverwritten, "new"},
                          {kAdded, "del"},
                          {kDeleted, "del"},
                          {kAdded, "lazy"},
                          {kAdded, "active"},
                          {kAdded, "over"},
                          {kAdded, "from"},
                          {kRenamedAway, "from"}}));
  heard.clear();
  g_now_ms += 20;
  EXPECT_EQ(db.Find("lazy"), nullptr);
  // Overwriting an expired value: it expired, and the key is new again.
  db.Set("over", std::make_unique<FakeValue>());
  EXPECT_EQ(db.ExpireSome(g_now_ms, absl::Milliseconds(10)), 1u);
  EXPECT_EQ(heard, (Heard{{kExpired, "lazy"}, {kExpired, "over"}, {kAdded, "over"}, {kExpired, "active"}}));
  EXPECT_EQ(db.expired_keys(), 3u);
  heard.clear();
  db.Clear();
  std::multiset<std::string> flushed;
  for (const auto& [change, key] : heard) {
    EXPECT_EQ(change, kFlushed);
    flushed.insert(key);
  }
  EXPECT_EQ(flushed, (std::multiset<std::string>{"new", "over", "to"}));
}

TEST_F(KeyspaceTest, EntryHeaderIsSixteenBytesAndTheKeyFollowsIt) {
  EXPECT_EQ(sizeof(Entry), 16u);
  Entry& entry = db.Set("some key", std::make_unique<FakeValue>());
  EXPECT_EQ(entry.key(), "some key");
  EXPECT_EQ(static_cast<const void*>(entry.key().data()), reinterpret_cast<const char*>(&entry) + sizeof(Entry) + 1);
}

TEST_F(KeyspaceTest, FindTouchesUnlessToldNotTo) {
  db.Set("k", std::make_unique<FakeValue>());
  g_now_ms += 10'000;
  EXPECT_EQ(db.IdleMs(*db.Find("k", Touch::kNo)), 10'000u);
  EXPECT_EQ(db.IdleMs(*db.Find("k")), 0u);
  g_now_ms += 3'000;
  EXPECT_EQ(db.IdleMs(*db.Find("k", Touch::kNo)), 3'000u);
}

TEST_F(KeyspaceTest, LfuCounterStartsAtFiveAndGrowsWithUse) {
  db.set_access_tracking(AccessTracking{.lfu = true});
  db.Set("cold", std::make_unique<FakeValue>());
  db.Set("hot", std::make_unique<FakeValue>());
  EXPECT_EQ(db.Frequency(*db.Find("cold", Touch::kNo)), kLfuInitialCount);
  for (int i = 0; i < 1000; ++i) db.Find("hot");
  EXPECT_GT(db.Frequency(*db.Find("hot", Touch::kNo)), kLfuInitialCount + 1);
  EXPECT_EQ(db.Frequency(*db.Find("cold", Touch::kNo)), kLfuInitialCount);
}

TEST_F(KeyspaceTest, ExpireSomeRemovesOnlyExpiredKeys) {
  ValueLog log;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "k" + std::to_string(i);
    db.Set(key, std::make_unique<FakeValue>(&log));
    ASSERT_TRUE(db.SetExpireAt(key, g_now_ms + (i % 2 == 0 ? 10 : 100000)).ok());
  }
  for (int i = 0; i < 100; ++i) db.Set("plain" + std::to_string(i), std::make_unique<FakeValue>(&log));
  g_now_ms += 20;
  size_t removed = 0;
  // Sampling: repeated calls converge on every expired key.
  for (int i = 0; i < 1000 && removed < 500; ++i) removed += db.ExpireSome(g_now_ms, absl::Milliseconds(1));
  EXPECT_EQ(removed, 500u);
  EXPECT_EQ(db.size(), 600u);
  EXPECT_EQ(db.expires_count(), 500u);
  EXPECT_EQ(db.expired_keys(), 500u);
  EXPECT_EQ(log.discards, 500);
}

// A few expired keys among many live ones: one sweep of the expiry index
// (size / 20 calls) finds them all, where random samples would take many.
TEST_F(KeyspaceTest, ExpireSomeFindsTheLastFewExpiredKeysInOneSweep) {
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "k" + std::to_string(i);
    db.Set(key, std::make_unique<FakeValue>());
    ASSERT_TRUE(db.SetExpireAt(key, g_now_ms + (i % 200 == 7 ? 10 : 100000)).ok());
  }
  g_now_ms += 20;
  size_t removed = 0;
  for (int call = 0; call < 1000 / 20; ++call) removed += db.ExpireSome(g_now_ms, absl::Seconds(1));
  EXPECT_EQ(removed, 5u);
  EXPECT_EQ(db.expires_count(), 995u);
}

TEST_F(KeyspaceTest, ExpireSomeWithNothingToExpireIsCheap) {
  db.Set("k", std::make_unique<FakeValue>());
  EXPECT_EQ(db.ExpireSome(g_now_ms, absl::Milliseconds(1)), 0u);
  ASSERT_TRUE(db.SetExpireAt("k", g_now_ms + 1).ok());
  EXPECT_EQ(db.ExpireSome(g_now_ms, absl::Milliseconds(1)), 0u);
  EXPECT_EQ(db.size(), 1u);
}

}  // namespace
}  // namespace runnel::keyspace
