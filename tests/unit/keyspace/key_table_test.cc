#include "engine/keyspace/key_table.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace runnel::keyspace {
namespace {

std::string Key(int i) { return "key:" + std::to_string(i); }

class KeyTableTest : public ::testing::Test {
 protected:
  // Inserts a fresh entry for `key`.
  Entry* Add(const std::string& key) {
    Entry* entry = Entry::Create(key);
    table.Insert(entry);
    return entry;
  }
  // Removes and frees the entry holding `key`; false when there is none.
  bool Drop(const std::string& key) {
    Entry* entry = table.Find(key);
    if (entry == nullptr) return false;
    table.Remove(entry);
    Entry::Destroy(entry);
    return true;
  }
  // A full SCAN, running `between(round)` after each call.
  template <typename Between>
  std::multiset<std::string> ScanAll(Between between) {
    std::multiset<std::string> seen;
    uint64_t cursor = 0;
    int round = 0;
    do {
      cursor = table.ScanBucket(cursor, [&](Entry* entry) { seen.emplace(entry->key()); });
      between(round++);
    } while (cursor != 0);
    return seen;
  }
  KeyTable table;
};

TEST(EntryTest, KeyIsStoredInlineWhateverItsLength) {
  for (size_t length : {size_t{0}, size_t{1}, size_t{15}, size_t{254}, size_t{255}, size_t{70000}}) {
    std::string key(length, 'k');
    if (length > 0) key[length - 1] = '\0';  // binary-safe
    Entry* entry = Entry::Create(key);
    EXPECT_EQ(entry->key(), key) << length;
    EXPECT_EQ(entry->value, nullptr);
    EXPECT_EQ(entry->expires_slot, Entry::kNoSlot);
    Entry::Destroy(entry);
  }
}

TEST_F(KeyTableTest, EmptyTableFindsNothingAndHoldsNoBuckets) {
  EXPECT_EQ(table.Find("k"), nullptr);
  EXPECT_EQ(table.bucket_count(), 0u);
  EXPECT_EQ(table.ScanBucket(0, [](Entry*) { ADD_FAILURE(); }), 0u);
  EXPECT_EQ(table.Random([] { return uint64_t{7}; }), nullptr);
}

TEST_F(KeyTableTest, FindsEveryKeyThroughGrowthAndShrinkage) {
  for (int i = 0; i < 5000; ++i) Add(Key(i));
  EXPECT_EQ(table.size(), 5000u);
  // Doubling at 5 per bucket: 5000 keys fit 1024 buckets.
  EXPECT_EQ(table.bucket_count(), 1024u);
  for (int i = 0; i < 5000; ++i) ASSERT_NE(table.Find(Key(i)), nullptr) << i;
  EXPECT_EQ(table.Find("key:5000"), nullptr);
  for (int i = 0; i < 4990; ++i) ASSERT_TRUE(Drop(Key(i))) << i;
  EXPECT_LE(table.bucket_count(), 16u);
  for (int i = 4990; i < 5000; ++i) EXPECT_EQ(table.Find(Key(i))->key(), Key(i));
  for (int i = 4990; i < 5000; ++i) ASSERT_TRUE(Drop(Key(i)));
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.bucket_count(), 0u);
}

TEST_F(KeyTableTest, LongChainsOverflowIntoChildBucketsAndStayFindable) {
  // One bucket holds up to 5 keys before the table doubles; force long
  // chains by removing from the middle of full ones too.
  for (int i = 0; i < 40; ++i) Add(Key(i));
  for (int i = 0; i < 40; i += 3) ASSERT_TRUE(Drop(Key(i)));
  for (int i = 0; i < 40; ++i) EXPECT_EQ(table.Find(Key(i)) != nullptr, i % 3 != 0) << i;
  std::multiset<std::string> all;
  table.ForEach([&](Entry* entry) { all.emplace(entry->key()); });
  EXPECT_EQ(all.size(), table.size());
}

TEST_F(KeyTableTest, ScanVisitsEveryKeyOnceWhenNothingChanges) {
  std::multiset<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    Add(Key(i));
    expected.insert(Key(i));
  }
  EXPECT_EQ(ScanAll([](int) {}), expected);
}

TEST_F(KeyTableTest, ScanReturnsStableKeysOnceWhileTheTableGrows) {
  for (int i = 0; i < 300; ++i) Add(Key(i));
  const size_t buckets_before = table.bucket_count();
  int next = 300;
  const auto seen = ScanAll([&](int round) {
    // Growth between the first calls (a table growing for ever would never
    // let one bucket a call reach the end).
    if (round < 30) {
      for (int i = 0; i < 40; ++i) Add(Key(next++));
    }
  });
  ASSERT_GE(table.bucket_count(), buckets_before * 4);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(seen.count(Key(i)), 1u) << i;
  // Growth alone never returns a key twice.
  for (const std::string& key : seen) EXPECT_EQ(seen.count(key), 1u) << key;
}

TEST_F(KeyTableTest, ScanReturnsStableKeysAtLeastOnceWhileTheTableShrinksAndLosesKeys) {
  for (int i = 0; i < 200; ++i) Add("stable:" + std::to_string(i));
  for (int i = 0; i < 5000; ++i) Add(Key(i));
  const size_t buckets_before = table.bucket_count();
  int next_drop = 0;
  const auto seen = ScanAll([&](int) {
    for (int i = 0; i < 300 && next_drop < 5000; ++i) Drop(Key(next_drop++));  // shrink
  });
  ASSERT_LE(table.bucket_count() * 8, buckets_before);
  for (int i = 0; i < 200; ++i) EXPECT_GE(seen.count("stable:" + std::to_string(i)), 1u) << i;
}

TEST_F(KeyTableTest, ScanSurvivesGrowthThenShrinkageMidIteration) {
  for (int i = 0; i < 100; ++i) Add("stable:" + std::to_string(i));
  const auto seen = ScanAll([&](int round) {
    if (round == 2) {
      for (int i = 0; i < 4000; ++i) Add(Key(i));
    }
    if (round == 20) {
      for (int i = 0; i < 4000; ++i) Drop(Key(i));
    }
  });
  for (int i = 0; i < 100; ++i) EXPECT_GE(seen.count("stable:" + std::to_string(i)), 1u) << i;
}

TEST_F(KeyTableTest, RandomReachesEveryKey) {
  for (int i = 0; i < 50; ++i) Add(Key(i));
  uint64_t state = 1;
  auto random = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 17;
  };
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) seen.emplace(table.Random(random)->key());
  EXPECT_EQ(seen.size(), 50u);
}

TEST_F(KeyTableTest, SampleVisitsAtMostCountDistinctKeys) {
  for (int i = 0; i < 100; ++i) Add(Key(i));
  for (uint64_t start : {0ULL, 5ULL, 1ULL << 40}) {
    std::multiset<std::string> sampled;
    table.Sample(start, 16, [&](Entry* entry) { sampled.emplace(entry->key()); });
    EXPECT_EQ(sampled.size(), 16u);
    for (const std::string& key : sampled) EXPECT_EQ(sampled.count(key), 1u);
  }
  std::multiset<std::string> all;
  table.Sample(3, 1000, [&](Entry* entry) { all.emplace(entry->key()); });
  EXPECT_EQ(all.size(), 100u);  // a table smaller than the count: each key once
}

TEST_F(KeyTableTest, SampleOfOneReachesEveryKeyEvenDeepInLongChains) {
  // 40 keys in 8 buckets: chains of about 5, some longer than a sample.
  for (int i = 0; i < 40; ++i) Add(Key(i));
  uint64_t state = 3;
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    table.Sample(state, 1, [&](Entry* entry) { seen.emplace(entry->key()); });
  }
  EXPECT_EQ(seen.size(), 40u);
}

TEST_F(KeyTableTest, MovedFromTableIsEmptyAndTheTargetOwnsTheEntries) {
  for (int i = 0; i < 20; ++i) Add(Key(i));
  KeyTable moved(std::move(table));
  EXPECT_EQ(table.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(table.Find(Key(1)), nullptr);
  EXPECT_EQ(moved.size(), 20u);
  EXPECT_NE(moved.Find(Key(1)), nullptr);
  table = std::move(moved);
  EXPECT_NE(table.Find(Key(19)), nullptr);
}

}  // namespace
}  // namespace runnel::keyspace
