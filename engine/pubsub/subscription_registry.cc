#include "engine/pubsub/subscription_registry.h"

namespace runnel::pubsub {

bool SubscriptionRegistry::Add(SubscriberId subscriber, std::string_view name) {
  base::StringSet& names = by_subscriber_[subscriber];
  if (!names.emplace(name).second) return false;
  by_name_[name].insert(subscriber);
  return true;
}

bool SubscriptionRegistry::Remove(SubscriberId subscriber, std::string_view name) {
  auto mine = by_subscriber_.find(subscriber);
  if (mine == by_subscriber_.end()) return false;
  auto held = mine->second.find(name);
  if (held == mine->second.end()) return false;
  auto listeners = by_name_.find(name);
  listeners->second.erase(subscriber);
  if (listeners->second.empty()) by_name_.erase(listeners);
  // `name` may view the erased string: it is not used after this point.
  mine->second.erase(held);
  if (mine->second.empty()) by_subscriber_.erase(mine);
  return true;
}

std::vector<std::string> SubscriptionRegistry::RemoveAll(SubscriberId subscriber) {
  std::vector<std::string> removed;
  auto mine = by_subscriber_.find(subscriber);
  if (mine == by_subscriber_.end()) return removed;
  removed.reserve(mine->second.size());
  for (const std::string& name : mine->second) {
    auto listeners = by_name_.find(name);
    listeners->second.erase(subscriber);
    if (listeners->second.empty()) by_name_.erase(listeners);
    removed.push_back(name);
  }
  by_subscriber_.erase(mine);
  return removed;
}

size_t SubscriptionRegistry::CountOf(SubscriberId subscriber) const {
  auto mine = by_subscriber_.find(subscriber);
  return mine == by_subscriber_.end() ? 0 : mine->second.size();
}

size_t SubscriptionRegistry::SubscriberCount(std::string_view name) const {
  const Subscribers* subscribers = Find(name);
  return subscribers == nullptr ? 0 : subscribers->size();
}

const SubscriptionRegistry::Subscribers* SubscriptionRegistry::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

}  // namespace runnel::pubsub
