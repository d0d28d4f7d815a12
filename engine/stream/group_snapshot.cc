// A consumer-group journal's snapshot (group_journal.h): the live state of
// every group written as the journal's own records, so a replay of the
// snapshot is a replay like any other.
#include <vector>

#include "engine/stream/group_journal.h"
#include "engine/stream/group_record_codec.h"

namespace runnel::stream {
namespace {

// Estimated bytes of a snapshot: a record frame and names per group and per
// consumer (two records each when it has pending entries), and about 3 bytes
// per pending entry (a 2-byte ID delta and a delivery-time delta; counts are
// usually uniform). An estimate only steers MaybeCompact, so being off by a
// factor changes how often the file is rewritten, not whether it is bounded.
constexpr uint64_t kBytesPerRecord = 48;
constexpr uint64_t kBytesPerPendingEntry = 4;

// Appends `consumer`'s pending entries in chunks, then its times.
uint64_t AppendConsumer(const std::string& group_name, const ConsumerGroup& group, const Consumer& consumer,
                        std::string* out) {
  uint64_t records = 0;
  std::vector<PendingUpdate> chunk;
  chunk.reserve(std::min(consumer.pending.size(), GroupJournal::kSnapshotChunk));
  auto flush = [&] {
    const GroupRecord record{.kind = GroupRecord::Kind::kSetPending,
                             .group = group_name,
                             .consumer = consumer.name,
                             .time_ms = consumer.seen_ms,
                             .pending = chunk};
    AppendGroupRecord(out, record);
    ++records;
    chunk.clear();
  };
  for (StreamId id : consumer.pending) {
    const PendingEntry* entry = group.FindPending(id);
    chunk.push_back(PendingUpdate{.id = id, .delivery_ms = entry->delivery_ms, .delivery_count = entry->delivery_count});
    if (chunk.size() == GroupJournal::kSnapshotChunk) flush();
  }
  if (!chunk.empty()) flush();
  // Replaying kSetPending marks the consumer seen and active at the
  // record's time; this restores both as they were.
  const GroupRecord times{.kind = GroupRecord::Kind::kCreateConsumer,
                          .group = group_name,
                          .consumer = consumer.name,
                          .time_ms = consumer.seen_ms,
                          .active_ms = consumer.active_ms};
  AppendGroupRecord(out, times);
  return records + 1;
}

}  // namespace

uint64_t EstimateSnapshotBytes(const ConsumerGroups& groups) {
  uint64_t bytes = 0;
  groups.ForEach([&](const std::string& name, const ConsumerGroup& group) {
    bytes += kBytesPerRecord + name.size();
    bytes += group.consumer_count() * 2 * (kBytesPerRecord + name.size());
    bytes += group.pel().size() * kBytesPerPendingEntry;
  });
  return bytes;
}

uint64_t AppendSnapshot(const ConsumerGroups& groups, std::string* out) {
  uint64_t records = 0;
  groups.ForEach([&](const std::string& name, const ConsumerGroup& group) {
    const GroupRecord create{.kind = GroupRecord::Kind::kCreateGroup,
                             .group = name,
                             .last_delivered = group.last_delivered(),
                             .entries_read = group.entries_read()};
    AppendGroupRecord(out, create);
    ++records;
    group.ForEachConsumer([&](const Consumer& consumer) { records += AppendConsumer(name, group, consumer, out); });
  });
  return records;
}

}  // namespace runnel::stream
