#include "engine/pubsub/pubsub.h"

#include "engine/pubsub/glob_match.h"

namespace runnel::pubsub {

size_t PubSub::Publish(std::string_view channel, Deliver deliver) const {
  size_t receivers = 0;
  if (const SubscriptionRegistry::Subscribers* subscribers = channels_.Find(channel)) {
    for (SubscriberId subscriber : *subscribers) {
      deliver(subscriber, nullptr);
      ++receivers;
    }
  }
  // Every pattern is tried against every message, as Redis does: PUBLISH is
  // O(channel subscribers + patterns).
  patterns_.ForEachName([&](const std::string& pattern, const SubscriptionRegistry::Subscribers& subscribers) {
    if (!GlobMatch(pattern, channel)) return;
    for (SubscriberId subscriber : subscribers) {
      deliver(subscriber, &pattern);
      ++receivers;
    }
  });
  return receivers;
}

size_t PubSub::ShardPublish(std::string_view channel, Deliver deliver) const {
  const SubscriptionRegistry::Subscribers* subscribers = shard_channels_.Find(channel);
  if (subscribers == nullptr) return 0;
  for (SubscriberId subscriber : *subscribers) deliver(subscriber, nullptr);
  return subscribers->size();
}

}  // namespace runnel::pubsub
