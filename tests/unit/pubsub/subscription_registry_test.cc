// SubscriptionRegistry and PubSub: both directions of the index stay in
// step, and PUBLISH's receivers are channel subscribers then pattern matches.
#include "engine/pubsub/subscription_registry.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/pubsub/pubsub.h"
#include "gtest/gtest.h"

namespace runnel::pubsub {
namespace {

TEST(SubscriptionRegistryTest, AddingTwiceKeepsOneSubscription) {
  SubscriptionRegistry registry;
  EXPECT_TRUE(registry.Add(1, "news"));
  EXPECT_FALSE(registry.Add(1, "news"));
  EXPECT_EQ(registry.CountOf(1), 1u);
  EXPECT_EQ(registry.SubscriberCount("news"), 1u);
}

TEST(SubscriptionRegistryTest, LastSubscriberLeavingDropsTheName) {
  SubscriptionRegistry registry;
  registry.Add(1, "news");
  registry.Add(2, "news");
  EXPECT_TRUE(registry.Remove(1, "news"));
  EXPECT_FALSE(registry.Remove(1, "news"));
  EXPECT_EQ(registry.size(), 1u);
  EXPECT_TRUE(registry.Remove(2, "news"));
  EXPECT_EQ(registry.size(), 0u);
  EXPECT_EQ(registry.Find("news"), nullptr);
}

TEST(SubscriptionRegistryTest, RemoveAllReturnsEveryNameAndLeavesOthersAlone) {
  SubscriptionRegistry registry;
  registry.Add(1, "a");
  registry.Add(1, "b");
  registry.Add(2, "b");
  std::vector<std::string> removed = registry.RemoveAll(1);
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(registry.CountOf(1), 0u);
  EXPECT_EQ(registry.SubscriberCount("a"), 0u);
  EXPECT_EQ(registry.SubscriberCount("b"), 1u);
  EXPECT_TRUE(registry.RemoveAll(1).empty());
}

TEST(SubscriptionRegistryTest, NamesAreBinarySafe) {
  SubscriptionRegistry registry;
  std::string with_nul("a\0b", 3);
  registry.Add(1, with_nul);
  EXPECT_EQ(registry.SubscriberCount(with_nul), 1u);
  EXPECT_EQ(registry.SubscriberCount("a"), 0u);
}

TEST(PubSubTest, PublishReachesChannelSubscribersThenMatchingPatterns) {
  PubSub state;
  state.channels().Add(1, "news.tech");
  state.patterns().Add(1, "news.*");
  state.patterns().Add(2, "news.*");
  state.patterns().Add(3, "sport.*");
  std::vector<std::pair<SubscriberId, std::string>> deliveries;
  size_t receivers = state.Publish("news.tech", [&](SubscriberId id, const std::string* pattern) {
    deliveries.emplace_back(id, pattern ? *pattern : "");
  });
  EXPECT_EQ(receivers, 3u);
  ASSERT_EQ(deliveries.size(), 3u);
  EXPECT_EQ(deliveries[0], std::make_pair(SubscriberId{1}, std::string()));
  std::sort(deliveries.begin() + 1, deliveries.end());
  EXPECT_EQ(deliveries[1], std::make_pair(SubscriberId{1}, std::string("news.*")));
  EXPECT_EQ(deliveries[2], std::make_pair(SubscriberId{2}, std::string("news.*")));
  EXPECT_EQ(state.Publish("weather", [](SubscriberId, const std::string*) { FAIL(); }), 0u);
}

TEST(PubSubTest, RemoveSubscriberDropsChannelsPatternsAndShardChannels) {
  PubSub state;
  state.channels().Add(7, "a");
  state.patterns().Add(7, "a*");
  state.shard_channels().Add(7, "a");
  EXPECT_EQ(state.SubscriptionCount(7), 2u);
  EXPECT_EQ(state.ShardSubscriptionCount(7), 1u);
  EXPECT_EQ(state.TotalSubscriptionCount(7), 3u);
  state.RemoveSubscriber(7);
  EXPECT_EQ(state.TotalSubscriptionCount(7), 0u);
  EXPECT_EQ(state.channels().size(), 0u);
  EXPECT_EQ(state.patterns().size(), 0u);
  EXPECT_EQ(state.shard_channels().size(), 0u);
}

TEST(PubSubTest, ShardPublishIgnoresChannelsAndPatterns) {
  PubSub state;
  state.channels().Add(1, "s");
  state.patterns().Add(2, "*");
  state.shard_channels().Add(3, "s");
  std::vector<SubscriberId> got;
  EXPECT_EQ(state.ShardPublish("s", [&](SubscriberId id, const std::string* pattern) {
    EXPECT_EQ(pattern, nullptr);
    got.push_back(id);
  }), 1u);
  EXPECT_EQ(got, std::vector<SubscriberId>{3});
}

}  // namespace
}  // namespace runnel::pubsub
