// PubSub: the server's ephemeral publish/subscribe state — channel and
// pattern subscriptions — and the fan-out rule of PUBLISH: every subscriber
// of the channel, then every subscriber of each pattern that matches it
// (GlobMatch, Redis's stringmatchlen). A client subscribed to the channel and
// to a matching pattern receives the message twice and counts twice, as in
// Redis.
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

  // Calls `deliver` once per receiver, channel subscribers first, then each
  // matching pattern's subscribers; returns how many deliveries were made
  // (PUBLISH's reply). `deliver` must not change the subscriptions.
  size_t Publish(std::string_view channel, Deliver deliver) const;

  // Channels plus patterns: the count subscribe confirmations carry.
  size_t SubscriptionCount(SubscriberId subscriber) const {
    return channels_.CountOf(subscriber) + patterns_.CountOf(subscriber);
  }
  // Drops every subscription of `subscriber` (disconnect, RESET).
  void RemoveSubscriber(SubscriberId subscriber) {
    channels_.RemoveAll(subscriber);
    patterns_.RemoveAll(subscriber);
  }

 private:
  SubscriptionRegistry channels_;
  SubscriptionRegistry patterns_;
};

}  // namespace runnel::pubsub
