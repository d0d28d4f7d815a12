// ConsumerGroups: every consumer group of one stream, durable.
//
// Each change is one GroupRecord (group_journal.h): it is appended to the
// stream's group journal (file "groups" in the stream's directory) and then
// applied to the in-memory ConsumerGroup, so a change that failed to reach
// the journal (a full disk) changes nothing. At start-up the journal is
// replayed through the same Apply(). The journal is synced with the log by
// the same SyncScheduler batches, so under appendfsync always a command's
// reply waits for its group changes exactly as an XADD's does.
//
// The mutations are the primitives the commands compose:
//   CreateGroup / SetPosition / DestroyGroup          XGROUP, XCLAIM LASTID
//   CreateConsumer / DeleteConsumer                   XGROUP, implicit creation
//   Deliver (pending entries and position at once)    XREADGROUP '>'
//   SetPending (re-deliver, claim)                    XREADGROUP, XCLAIM, XAUTOCLAIM
//   Acknowledge                                       XACK, claims of deleted entries
// Callers check Redis's preconditions (the group exists, and so on) first;
// a mutation on a missing group is an internal error.
//
// Groups are kept in name order, as Redis's rax keeps them (XINFO GROUPS).
//
// Not thread-safe: the loop thread owns it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/container/btree_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/stream/consumer_group.h"
#include "engine/stream/stream_id.h"

namespace runnel::log {
class SyncScheduler;
struct RecoveryReport;
}  // namespace runnel::log

namespace runnel::stream {

class GroupJournal;
struct GroupRecord;

// One entry of a SetPending change.
struct PendingUpdate {
  StreamId id;
  int64_t delivery_ms = 0;
  uint32_t delivery_count = 0;
};

class ConsumerGroups {
 public:
  // Groups kept in memory only (no journal): unit tests, and a stream whose
  // journal could not be opened is refused before it gets here.
  ConsumerGroups();
  // Opens (replaying) the journal in `directory`; a missing file means no
  // groups. A torn tail is truncated and reported in `report` (may be null).
  static absl::StatusOr<std::unique_ptr<ConsumerGroups>> Open(const std::string& directory,
                                                              log::SyncScheduler* scheduler,
                                                              log::RecoveryReport* report);
  ~ConsumerGroups();
  ConsumerGroups(const ConsumerGroups&) = delete;
  ConsumerGroups& operator=(const ConsumerGroups&) = delete;

  // --- reads ---
  ConsumerGroup* Find(std::string_view name);
  const ConsumerGroup* Find(std::string_view name) const;
  size_t size() const { return groups_.size(); }
  bool empty() const { return groups_.empty(); }
  // Groups in name order.
  void ForEach(absl::FunctionRef<void(const std::string& name, const ConsumerGroup& group)> visit) const;

  // --- durable mutations (journaled, then applied) ---
  absl::Status CreateGroup(std::string_view group, StreamId last_delivered, int64_t entries_read);
  absl::Status SetPosition(std::string_view group, StreamId last_delivered, int64_t entries_read);
  absl::Status DestroyGroup(std::string_view group);
  absl::Status CreateConsumer(std::string_view group, std::string_view consumer, int64_t now_ms);
  // Returns how many entries the consumer had pending (now dropped).
  absl::StatusOr<uint64_t> DeleteConsumer(std::string_view group, std::string_view consumer);
  // Makes each update's entry pending for `consumer` (created if absent)
  // with its delivery time and count; the consumer is seen and active at
  // `now_ms`. With no updates the consumer is only touched (not journaled).
  absl::Status SetPending(std::string_view group, std::string_view consumer, int64_t now_ms,
                          std::span<const PendingUpdate> updates);
  // XREADGROUP '>': SetPending of the delivered entries and the group's new
  // position as one record (a crash keeps both or neither). With no updates
  // (NOACK) the consumer is touched or created and the position set.
  absl::Status Deliver(std::string_view group, std::string_view consumer, int64_t now_ms,
                       std::span<const PendingUpdate> updates, StreamId last_delivered, int64_t entries_read);
  // Removes the pending IDs among `ids` from the PEL; returns how many were
  // pending. Only those are journaled.
  absl::StatusOr<uint64_t> Acknowledge(std::string_view group, std::span<const StreamId> ids);

  // --- the files ---
  // The stream's directory moved (RENAME).
  void SetDirectory(const std::string& directory);
  // The stream is being deleted: the journal goes with the directory.
  void Discard();

 private:
  friend class GroupJournal;
  // Applies one change to memory; false when it does not fit the state
  // (replay reports that as corruption).
  bool Apply(const GroupRecord& record);
  // Whether Apply(record) would succeed (it changes nothing when it fails).
  bool Applies(const GroupRecord& record) const;
  // Journals `record`, then applies it; a change the journal refused
  // changes nothing.
  absl::Status Mutate(const GroupRecord& record);

  absl::btree_map<std::string, ConsumerGroup, std::less<>> groups_;
  std::unique_ptr<GroupJournal> journal_;  // null: memory only
};

}  // namespace runnel::stream
