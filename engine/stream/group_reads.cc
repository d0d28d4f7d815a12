#include "engine/stream/group_reads.h"

#include "engine/base/status_macros.h"

namespace runnel::stream {
namespace {

// The group position after delivering `delivered` (in order), as
// streamReplyWithRange moves it entry by entry: the read counter grows by
// one while it is known and no deleted entry lies ahead; otherwise it is
// estimated afresh from the entry's ID (and may stay unknown).
absl::Status AdvancePosition(Stream& stream, const std::vector<StreamId>& delivered, StreamId* last_delivered,
                             int64_t* entries_read) {
  // Once no tombstone lies at or after an ID, none lies after later ones:
  // only the first entries of a batch can pay for the check.
  bool tombstones_ahead = true;
  for (StreamId id : delivered) {
    if (tombstones_ahead) {
      ASSIGN_OR_RETURN(tombstones_ahead, stream.MayHaveTombstonesFrom(id));
    }
    if (*entries_read != kEntriesReadUnknown && !tombstones_ahead) {
      ++*entries_read;
    } else if (stream.entries_added() != 0) {
      ASSIGN_OR_RETURN(*entries_read, stream.EstimateEntriesRead(id));
    }
    *last_delivered = id;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bool> EntryExists(Stream& stream, StreamId id) {
  bool found = false;
  RETURN_IF_ERROR(stream.Range(id, id, log::ScanDirection::kForward, 1, [&](log::RecordId, log::EntryView&) {
    found = true;
    return false;
  }));
  return found;
}

absl::StatusOr<std::vector<StreamId>> DeliverNew(Stream& stream, std::string_view group_name,
                                                 std::string_view consumer, uint64_t count, PendingMode mode,
                                                 int64_t now_ms) {
  ConsumerGroups& groups = stream.groups();
  const ConsumerGroup* group = groups.Find(group_name);
  if (group == nullptr) return NoSuchGroup();
  StreamId last_delivered = group->last_delivered();
  int64_t entries_read = group->entries_read();

  std::vector<StreamId> delivered;
  if (std::optional<StreamId> start = Successor(last_delivered); start && stream.last_id() > last_delivered) {
    RETURN_IF_ERROR(stream.Range(*start, kMaxId, log::ScanDirection::kForward, count,
                                 [&](log::RecordId id, log::EntryView&) {
                                   delivered.push_back(id);
                                   return true;
                                 }));
  }
  std::vector<PendingUpdate> updates;
  if (mode == PendingMode::kTrack) {
    updates.reserve(delivered.size());
    for (StreamId id : delivered) updates.push_back({.id = id, .delivery_ms = now_ms, .delivery_count = 1});
  }
  // With nothing to deliver this only creates or touches the consumer:
  // Redis sees it at every read, even one that then blocks.
  if (delivered.empty()) {
    RETURN_IF_ERROR(groups.SetPending(group_name, consumer, now_ms, updates));
    return delivered;
  }
  RETURN_IF_ERROR(AdvancePosition(stream, delivered, &last_delivered, &entries_read));
  RETURN_IF_ERROR(groups.Deliver(group_name, consumer, now_ms, updates, last_delivered, entries_read));
  return delivered;
}

absl::StatusOr<std::vector<PendingRead>> RedeliverPending(Stream& stream, std::string_view group_name,
                                                          std::string_view consumer_name, StreamId after,
                                                          uint64_t count, int64_t now_ms) {
  ConsumerGroups& groups = stream.groups();
  ConsumerGroup* group = groups.Find(group_name);
  if (group == nullptr) return NoSuchGroup();
  std::vector<PendingRead> reads;
  std::vector<PendingUpdate> updates;
  const Consumer* consumer = group->FindConsumer(consumer_name);
  const std::optional<StreamId> start = Successor(after);
  if (consumer != nullptr && start.has_value()) {
    for (auto it = consumer->pending.lower_bound(*start);
         it != consumer->pending.end() && (count == 0 || reads.size() < count); ++it) {
      ASSIGN_OR_RETURN(const bool exists, EntryExists(stream, *it));
      reads.push_back({.id = *it, .exists = exists});
      if (!exists) continue;
      const PendingEntry& pending = group->pel().at(*it);
      updates.push_back(
          {.id = *it, .delivery_ms = now_ms, .delivery_count = NextDeliveryCount(pending.delivery_count)});
    }
  }
  const int64_t active_ms = consumer != nullptr ? consumer->active_ms : -1;
  RETURN_IF_ERROR(groups.SetPending(group_name, consumer_name, now_ms, updates));
  if (!updates.empty()) {
    // SetPending counts every delivery as activity; a re-read of the history
    // is not one in Redis (XINFO CONSUMERS "inactive"). Only memory is
    // corrected: after a restart the re-read's time shows.
    ConsumerGroup* changed = groups.Find(group_name);
    const ConsumerNumber number = *changed->ConsumerNumberOf(consumer_name);
    changed->SetTimes(number, now_ms, active_ms);
  }
  return reads;
}

}  // namespace runnel::stream
