#include "engine/stream/consumer_group.h"

#include <limits>

namespace runnel::stream {

const Consumer* ConsumerGroup::FindConsumer(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : consumers_[it->second].get();
}

std::optional<ConsumerNumber> ConsumerGroup::ConsumerNumberOf(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

ConsumerNumber ConsumerGroup::AddConsumer(std::string_view name, int64_t now_ms) {
  if (auto it = by_name_.find(name); it != by_name_.end()) return it->second;
  ConsumerNumber number;
  if (!free_numbers_.empty()) {
    number = free_numbers_.back();
    free_numbers_.pop_back();
  } else {
    number = static_cast<ConsumerNumber>(consumers_.size());
    consumers_.emplace_back();
  }
  consumers_[number] = std::make_unique<Consumer>(Consumer{.name = std::string(name), .seen_ms = now_ms});
  by_name_.emplace(std::string(name), number);
  return number;
}

std::optional<uint64_t> ConsumerGroup::DeleteConsumer(std::string_view name) {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  const ConsumerNumber number = it->second;
  Consumer& consumer = *consumers_[number];
  const uint64_t pending = consumer.pending.size();
  for (StreamId id : consumer.pending) pel_.erase(id);
  consumers_[number].reset();
  free_numbers_.push_back(number);
  by_name_.erase(it);
  return pending;
}

void ConsumerGroup::MarkActive(ConsumerNumber number, int64_t now_ms) {
  Consumer& consumer = *consumers_[number];
  consumer.seen_ms = now_ms;
  consumer.active_ms = now_ms;
}

void ConsumerGroup::ForEachConsumer(absl::FunctionRef<void(const Consumer&)> visit) const {
  for (const auto& [name, number] : by_name_) visit(*consumers_[number]);
}

const PendingEntry* ConsumerGroup::FindPending(StreamId id) const {
  auto it = pel_.find(id);
  return it == pel_.end() ? nullptr : &it->second;
}

void ConsumerGroup::SetPending(StreamId id, ConsumerNumber owner, int64_t delivery_ms, uint32_t delivery_count) {
  auto [it, inserted] = pel_.try_emplace(id);
  if (!inserted && it->second.owner != owner) consumers_[it->second.owner]->pending.erase(id);
  if (inserted || it->second.owner != owner) consumers_[owner]->pending.insert(id);
  it->second = PendingEntry{.delivery_ms = delivery_ms, .delivery_count = delivery_count, .owner = owner};
}

bool ConsumerGroup::Acknowledge(StreamId id) {
  auto it = pel_.find(id);
  if (it == pel_.end()) return false;
  consumers_[it->second.owner]->pending.erase(id);
  pel_.erase(it);
  return true;
}

}  // namespace runnel::stream
