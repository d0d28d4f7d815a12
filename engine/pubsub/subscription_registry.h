// SubscriptionRegistry: who listens to what, for one kind of pub/sub
// subscription (exact channels, or glob patterns). Both directions are
// indexed, as Redis's server.pubsub_channels and client->pubsub_channels:
//
//   by_name_        "news"  -> {s7, s12}     PUBLISH, PUBSUB NUMSUB / CHANNELS
//   by_subscriber_  s7      -> {"news", "sport"}   UNSUBSCRIBE with no argument,
//                                                  disconnects, CLIENT LIST counts
//
// Invariant: s is in by_name_[n] exactly when n is in by_subscriber_[s], and
// neither map holds an empty set (a name with no subscriber is not "active").
//
// Subscribers are opaque ids chosen by the caller; the registry knows nothing
// of connections or sockets. Not thread-safe; the loop thread owns it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/base/string_map.h"

namespace runnel::pubsub {

using SubscriberId = uint64_t;

class SubscriptionRegistry {
 public:
  using Subscribers = absl::flat_hash_set<SubscriberId>;

  // False when `subscriber` already had `name` (nothing changes).
  bool Add(SubscriberId subscriber, std::string_view name);
  // False when `subscriber` did not have `name`.
  bool Remove(SubscriberId subscriber, std::string_view name);
  // Removes every subscription of `subscriber`; returns the names it had,
  // in no particular order (as Redis walks its dict).
  std::vector<std::string> RemoveAll(SubscriberId subscriber);

  // How many names `subscriber` holds.
  size_t CountOf(SubscriberId subscriber) const;
  // How many subscribers `name` has (0 when none).
  size_t SubscriberCount(std::string_view name) const;
  // Names with at least one subscriber.
  size_t size() const { return by_name_.size(); }

  // The subscribers of `name`, or null when it has none. Valid until the
  // registry next changes.
  const Subscribers* Find(std::string_view name) const;

  // Whether `pred(name)` holds for one of the names `subscriber` holds
  // (stops at the first). `pred` must not change the registry.
  template <typename Pred>
  bool AnyNameOf(SubscriberId subscriber, Pred&& pred) const {
    auto it = by_subscriber_.find(subscriber);
    if (it == by_subscriber_.end()) return false;
    for (const auto& name : it->second) {
      if (pred(std::string_view(name))) return true;
    }
    return false;
  }

  // Calls fn(name, subscribers) for every active name. `fn` must not change
  // the registry.
  template <typename Fn>
  void ForEachName(Fn&& fn) const {
    for (const auto& [name, subscribers] : by_name_) fn(name, subscribers);
  }

 private:
  base::StringMap<Subscribers> by_name_;
  absl::flat_hash_map<SubscriberId, base::StringSet> by_subscriber_;
};

}  // namespace runnel::pubsub
