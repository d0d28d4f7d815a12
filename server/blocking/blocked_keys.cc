#include "server/blocking/blocked_keys.h"

#include <algorithm>

namespace runnel::blocking {

void BlockedKeys::Add(int db, std::string_view key, io::ConnectionId client) {
  auto& by_key = waiters_[static_cast<size_t>(db)];
  auto it = by_key.find(key);
  if (it == by_key.end()) it = by_key.emplace(std::string(key), std::deque<io::ConnectionId>()).first;
  it->second.push_back(client);
}

void BlockedKeys::Remove(int db, std::string_view key, io::ConnectionId client) {
  auto& by_key = waiters_[static_cast<size_t>(db)];
  auto it = by_key.find(key);
  if (it == by_key.end()) return;
  std::deque<io::ConnectionId>& queue = it->second;
  auto found = std::find(queue.begin(), queue.end(), client);
  if (found != queue.end()) queue.erase(found);
  if (queue.empty()) by_key.erase(it);
}

void BlockedKeys::SignalReady(int db, std::string_view key) {
  const auto& by_key = waiters_[static_cast<size_t>(db)];
  if (by_key.empty() || !by_key.contains(key)) return;
  if (!ready_set_[static_cast<size_t>(db)].emplace(key).second) return;
  ready_.push_back(ReadyKey{db, std::string(key)});
}

std::vector<ReadyKey> BlockedKeys::TakeReady() {
  for (base::StringSet& set : ready_set_) set.clear();
  std::vector<ReadyKey> out;
  out.swap(ready_);
  return out;
}

std::vector<io::ConnectionId> BlockedKeys::Waiters(int db, std::string_view key) const {
  const auto& by_key = waiters_[static_cast<size_t>(db)];
  auto it = by_key.find(key);
  if (it == by_key.end()) return {};
  return std::vector<io::ConnectionId>(it->second.begin(), it->second.end());
}

size_t BlockedKeys::blocked_key_count() const {
  size_t n = 0;
  for (const auto& by_key : waiters_) n += by_key.size();
  return n;
}

}  // namespace runnel::blocking
