#include "engine/keyspace/eviction_pool.h"

#include <string>

#include "gtest/gtest.h"

namespace runnel::keyspace {
namespace {

TEST(EvictionPoolTest, PopsBestScoreFirst) {
  EvictionPool pool;
  pool.Offer(5, 0, "five");
  pool.Offer(9, 1, "nine");
  pool.Offer(1, 0, "one");
  EvictionPool::Candidate c;
  ASSERT_TRUE(pool.PopBest(&c));
  EXPECT_EQ(c.key, "nine");
  EXPECT_EQ(c.db, 1);
  ASSERT_TRUE(pool.PopBest(&c));
  EXPECT_EQ(c.key, "five");
  ASSERT_TRUE(pool.PopBest(&c));
  EXPECT_EQ(c.key, "one");
  EXPECT_FALSE(pool.PopBest(&c));
}

TEST(EvictionPoolTest, FullPoolKeepsTheSixteenBest) {
  EvictionPool pool;
  for (uint64_t score = 0; score < 40; ++score) pool.Offer(score, 0, "k" + std::to_string(score));
  pool.Offer(3, 0, "worse-than-all");
  EXPECT_EQ(pool.size(), EvictionPool::kCapacity);
  EvictionPool::Candidate c;
  for (uint64_t expected = 39; expected >= 24; --expected) {
    ASSERT_TRUE(pool.PopBest(&c));
    EXPECT_EQ(c.score, expected);
    EXPECT_EQ(c.key, "k" + std::to_string(expected));
  }
  EXPECT_TRUE(pool.empty());
}

TEST(EvictionPoolTest, AKeyOfferedTwiceIsHeldOnce) {
  EvictionPool pool;
  pool.Offer(7, 0, "k");
  pool.Offer(7, 0, "k");
  pool.Offer(7, 1, "k");  // another database's key of that name
  EXPECT_EQ(pool.size(), 2u);
}

}  // namespace
}  // namespace runnel::keyspace
