// ConsumerGroup: one Redis consumer group of a stream, in memory: where the
// group has read to (last-delivered-id, entries-read), its consumers, and its
// pending entries list (pending_entries.h). No I/O: ConsumerGroups
// (consumer_groups.h) journals every change before applying it here, and
// replays the journal into these same methods at start-up.
//
// Invariant: an ID is in pel() iff it is in exactly one consumer's
// `pending`, that of pel()[id].owner.
//
// Not thread-safe: the loop thread owns it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/functional/function_ref.h"
#include "engine/stream/pending_entries.h"
#include "engine/stream/stream_id.h"

namespace runnel::stream {

// Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown
// (XINFO shows nil, and lag is estimated or unknown).
inline constexpr int64_t kEntriesReadUnknown = -1;

struct Consumer {
  std::string name;
  int64_t seen_ms = 0;     // last attempted interaction (XINFO CONSUMERS "idle")
  int64_t active_ms = -1;  // last successful read or claim ("inactive"); -1: never
  absl::btree_set<StreamId> pending;
};

class ConsumerGroup {
 public:
  ConsumerGroup(StreamId last_delivered, int64_t entries_read)
      : last_delivered_(last_delivered), entries_read_(entries_read) {}
  ConsumerGroup(ConsumerGroup&&) = default;
  ConsumerGroup& operator=(ConsumerGroup&&) = default;

  StreamId last_delivered() const { return last_delivered_; }
  int64_t entries_read() const { return entries_read_; }
  void SetPosition(StreamId last_delivered, int64_t entries_read) {
    last_delivered_ = last_delivered;
    entries_read_ = entries_read;
  }

  // --- consumers ---
  // nullptr when there is no such consumer.
  const Consumer* FindConsumer(std::string_view name) const;
  std::optional<ConsumerNumber> ConsumerNumberOf(std::string_view name) const;
  const Consumer& consumer(ConsumerNumber number) const { return *consumers_[number]; }
  // The consumer named `name`, created (seen at `now_ms`, never active) if
  // absent.
  ConsumerNumber AddConsumer(std::string_view name, int64_t now_ms);
  // Removes the consumer and its pending entries; returns how many it had,
  // or nullopt when there is no such consumer.
  std::optional<uint64_t> DeleteConsumer(std::string_view name);
  // An interaction that changes nothing durable (an XREADGROUP that found
  // nothing): only the in-memory seen time moves.
  void Touch(ConsumerNumber number, int64_t now_ms) { consumers_[number]->seen_ms = now_ms; }
  // A successful read or claim at `now_ms`: seen and active.
  void MarkActive(ConsumerNumber number, int64_t now_ms);
  // Restores both times (journal replay).
  void SetTimes(ConsumerNumber number, int64_t seen_ms, int64_t active_ms) {
    consumers_[number]->seen_ms = seen_ms;
    consumers_[number]->active_ms = active_ms;
  }
  size_t consumer_count() const { return by_name_.size(); }
  // Consumers in name order (XINFO CONSUMERS, as Redis's rax orders them).
  void ForEachConsumer(absl::FunctionRef<void(const Consumer&)> visit) const;

  // --- pending entries ---
  const PendingMap& pel() const { return pel_; }
  const PendingEntry* FindPending(StreamId id) const;
  // Makes `id` pending for `owner` with this delivery time and count, moving
  // it from another consumer if it was theirs.
  void SetPending(StreamId id, ConsumerNumber owner, int64_t delivery_ms, uint32_t delivery_count);
  // Removes `id` from the PEL (XACK); false when it was not pending.
  bool Acknowledge(StreamId id);

 private:
  StreamId last_delivered_;
  int64_t entries_read_;
  PendingMap pel_;
  // Slots by ConsumerNumber; a deleted consumer's slot is null until reused.
  std::vector<std::unique_ptr<Consumer>> consumers_;
  std::vector<ConsumerNumber> free_numbers_;
  absl::btree_map<std::string, ConsumerNumber, std::less<>> by_name_;
};

}  // namespace runnel::stream
