// GroupJournal: the file "groups" of a stream directory, which makes the
// stream's consumer groups durable (consumer_groups.h).
//
//   groups = header(16) record*
//
// Each record is one GroupRecord in the log's record frame
// (record_format.h: length, type, ID, XXH3 checksum), so a torn tail is
// told from good data exactly as in a segment; the format is documented in
// docs/storage-format.md ("Consumer-group journal"). Records are replayed in
// order into ConsumerGroups::Apply. When the file holds far more records
// than the live state needs (acknowledged entries, re-deliveries), it is
// rewritten as a snapshot made of the same records (atomically: temporary
// file, fsync, rename), so restart time follows the live state, not the
// number of acknowledgements ever made.
//
// Not thread-safe: owned by its ConsumerGroups on the loop thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/log/sync_action.h"

#include "engine/stream/consumer_groups.h"
#include "engine/stream/stream_id.h"

namespace runnel::stream {

// One durable change. Which fields matter depends on `kind`; the spans and
// views point into the caller's memory (or, when decoded, the decoder's).
struct GroupRecord {
  enum class Kind : uint8_t {
    kCreateGroup = 1,     // group, last_delivered, entries_read
    kSetPosition = 2,     // group, last_delivered, entries_read
    kDestroyGroup = 3,    // group
    kCreateConsumer = 4,  // group, consumer, time_ms (seen), active_ms
    kDeleteConsumer = 5,  // group, consumer
    kSetPending = 6,      // group, consumer, time_ms, pending
    kAcknowledge = 7,     // group, ids
  };
  Kind kind = Kind::kCreateGroup;
  std::string_view group;
  std::string_view consumer;
  StreamId last_delivered;
  int64_t entries_read = kEntriesReadUnknown;
  int64_t time_ms = 0;
  // kCreateConsumer: creates the consumer, or sets the times of an existing
  // one (a snapshot ends each consumer with one, after its pending entries).
  int64_t active_ms = -1;
  std::span<const PendingUpdate> pending;
  std::span<const StreamId> ids;
};

class GroupJournal {
 public:
  // Opens `directory`/groups and replays every record into `groups`
  // (ConsumerGroups::Apply). A missing file is an empty journal, created by
  // the first Append. A torn tail is truncated and reported in `report`
  // (may be null; the server log otherwise). A record that does not apply
  // (names a group that does not exist) is corruption: reported, and the
  // replay stops there, as at a torn tail.
  static absl::StatusOr<std::unique_ptr<GroupJournal>> Open(std::string directory, log::SyncScheduler* scheduler,
                                                            ConsumerGroups* groups, log::RecoveryReport* report);
  ~GroupJournal();  // forgets itself in the scheduler
  GroupJournal(const GroupJournal&) = delete;
  GroupJournal& operator=(const GroupJournal&) = delete;

  // Appends one record (write(2) into the page cache) and asks the
  // scheduler for a sync; ResourceExhausted on a full disk, after which the
  // file is as it was.
  absl::Status Append(const GroupRecord& record);
  // Called after each applied change: rewrites the file as a snapshot of
  // `groups` when it has grown well past the live state.
  absl::Status MaybeCompact(const ConsumerGroups& groups);
  // The stream's directory moved (RENAME).
  void SetDirectory(std::string directory);
  // The stream is being deleted with its directory: nothing more to sync.
  void Discard();
  // What makes every append so far durable (SyncScheduler).
  void CollectSync(std::vector<log::SyncAction>* actions);

 private:
  GroupJournal() = default;
  // Implementation state is the journal's author's choice (fd, sizes, ...).
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace runnel::stream
