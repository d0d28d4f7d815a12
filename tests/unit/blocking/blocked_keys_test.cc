#include "server/blocking/blocked_keys.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace runnel::blocking {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

io::ConnectionId Client(uint32_t slot) { return io::ConnectionId{slot, 1}; }

TEST(BlockedKeysTest, WaitersAreKeptInBlockingOrder) {
  BlockedKeys keys(2);
  keys.Add(0, "k", Client(3));
  keys.Add(0, "k", Client(1));
  keys.Add(0, "k", Client(2));
  EXPECT_THAT(keys.Waiters(0, "k"), ElementsAre(Client(3), Client(1), Client(2)));
  keys.Remove(0, "k", Client(1));
  EXPECT_THAT(keys.Waiters(0, "k"), ElementsAre(Client(3), Client(2)));
  // A client that was already served comes back at the end.
  keys.Add(0, "k", Client(1));
  EXPECT_THAT(keys.Waiters(0, "k"), ElementsAre(Client(3), Client(2), Client(1)));
}

TEST(BlockedKeysTest, DatabasesAndKeysAreSeparate) {
  BlockedKeys keys(2);
  keys.Add(1, "k", Client(1));
  keys.Add(0, std::string("k\0x", 3), Client(2));
  EXPECT_THAT(keys.Waiters(0, "k"), IsEmpty());
  EXPECT_THAT(keys.Waiters(1, "k"), ElementsAre(Client(1)));
  EXPECT_EQ(keys.blocked_key_count(), 2u);
  keys.Remove(1, "k", Client(1));
  keys.Remove(0, std::string("k\0x", 3), Client(2));
  EXPECT_EQ(keys.blocked_key_count(), 0u);
}

TEST(BlockedKeysTest, OnlyKeysWithWaitersBecomeReadyOncePerRound) {
  BlockedKeys keys(2);
  keys.SignalReady(0, "k");
  EXPECT_FALSE(keys.has_ready());
  keys.Add(0, "k", Client(1));
  keys.Add(1, "j", Client(2));
  keys.SignalReady(0, "k");
  keys.SignalReady(1, "j");
  keys.SignalReady(0, "k");
  keys.SignalReady(0, "other");
  ASSERT_TRUE(keys.has_ready());
  std::vector<ReadyKey> ready = keys.TakeReady();
  ASSERT_EQ(ready.size(), 2u);
  EXPECT_EQ(ready[0].db, 0);
  EXPECT_EQ(ready[0].key, "k");
  EXPECT_EQ(ready[1].db, 1);
  EXPECT_EQ(ready[1].key, "j");
  EXPECT_FALSE(keys.has_ready());
  keys.SignalReady(0, "k");  // a new round
  EXPECT_EQ(keys.TakeReady().size(), 1u);
}

}  // namespace
}  // namespace runnel::blocking
