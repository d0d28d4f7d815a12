// PubSub: the server's ephemeral publish/subscribe state — channel and
// pattern subscriptions — and the fan-out rule of PUBLISH: every subscriber
// of the channel, then every subscriber of each pattern that matches it
// (GlobMatch, Redis's stringmatchlen). A client subscribed to the channel and
// to a matching pattern receives the message twice and counts twice, as in
// Redis.
//
// Shard channels (SSUBSCRIBE, SPUBLISH) are a third, separate set: on a
// standalone server they behave as channels that patterns never match, and
// their confirmations count only shard channels, as Redis 7.0's.
//
// Messages are never stored: Publish only names the receivers, and the
// caller delivers. Not thread-safe; the loop thread owns it.
#pragma once

#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "engine/pubsub/subscription_registry.h"

namespace runnel::pubsub {

class PubSub {
 public:
  // `pattern` is null for a channel subscriber, else the pattern that matched.
  using Deliver = absl::FunctionRef<void(SubscriberId subscriber, const std::string* pattern)>;

  SubscriptionRegistry& channels() { return channels_; }
  const SubscriptionRegistry& channels() const { return channels_; }
  SubscriptionRegistry& patterns() { return patterns_; }
  const SubscriptionRegistry& patterns() const { return patterns_; }
  SubscriptionRegistry& shard_channels() { return shard_channels_; }
  const SubscriptionRegistry& shard_channels() const { return shard_channels_; }

  // Calls `deliver` once per receiver, channel subscribers first, then each
  // matching pattern's subscribers; returns how many deliveries were made
  // (PUBLISH's reply). `deliver` must not change the subscriptions.
  size_t Publish(std::string_view channel, Deliver deliver) const;
  // SPUBLISH: the shard channel's subscribers only (`pattern` always null).
  size_t ShardPublish(std::string_view channel, Deliver deliver) const;

  // Channels plus patterns: the count subscribe confirmations carry.
  size_t SubscriptionCount(SubscriberId subscriber) const {
    return channels_.CountOf(subscriber) + patterns_.CountOf(subscriber);
  }
  // Shard channels: the count shard confirmations carry.
  size_t ShardSubscriptionCount(SubscriberId subscriber) const { return shard_channels_.CountOf(subscriber); }
  // Everything: whether a client is in subscribed mode.
  size_t TotalSubscriptionCount(SubscriberId subscriber) const {
    return SubscriptionCount(subscriber) + ShardSubscriptionCount(subscriber);
  }
  // Drops every subscription of `subscriber` (disconnect, RESET).
  void RemoveSubscriber(SubscriberId subscriber) {
    channels_.RemoveAll(subscriber);
    patterns_.RemoveAll(subscriber);
    shard_channels_.RemoveAll(subscriber);
  }

 private:
  SubscriptionRegistry channels_;
  SubscriptionRegistry patterns_;
  SubscriptionRegistry shard_channels_;
};

}  // namespace runnel::pubsub
