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
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/file.h"
#include "engine/log/sync_action.h"
#include "engine/log/syncable.h"
#include "engine/stream/consumer_groups.h"
#include "engine/stream/open_journals.h"
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
    kSetPending = 6,      // group, consumer, time_ms, pending [, last_delivered, entries_read]
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
  // kSetPending: also moves the group to last_delivered / entries_read, in
  // the same record, so an XREADGROUP '>' is one atomic change: a crash
  // cannot leave entries pending that the group would deliver as new again.
  bool sets_position = false;
  std::span<const StreamId> ids;
};

class GroupJournal final : public log::Syncable {
 public:
  // Opens `directory`/groups and replays every record into `groups`
  // (ConsumerGroups::Apply). A missing file is an empty journal, created by
  // the first Append. A torn tail is truncated and reported in `report`
  // (may be null; the server log otherwise). A record that does not decode
  // or apply (names a group that does not exist), or an invalid record with
  // data after it, is corruption: reported, the file kept as groups.damaged,
  // and the replay stops there (the journal is cut back to what applied). A
  // bad header: reported, kept as groups.damaged, and the journal starts
  // empty. `scheduler` may be null (nothing is synced unless asked) and
  // must outlive the journal.
  static absl::StatusOr<std::unique_ptr<GroupJournal>> Open(std::string directory, log::SyncScheduler* scheduler,
                                                            ConsumerGroups* groups, log::RecoveryReport* report);
  ~GroupJournal();  // forgets itself in the scheduler
  GroupJournal(const GroupJournal&) = delete;
  GroupJournal& operator=(const GroupJournal&) = delete;
  // Gives up the append descriptor (OpenJournals' bound); appends not yet
  // synced are handed to the scheduler with it, so none goes unsynced. The
  // next append reopens the file.
  void CloseDescriptor();

  // Appends one record (one write(2) into the page cache, on a descriptor
  // kept open) and asks the scheduler for a sync; ResourceExhausted on a
  // full disk, after which the file is as it was.
  absl::Status Append(const GroupRecord& record);
  // Called after each applied change: rewrites the file as a snapshot of
  // `groups` when it has grown well past the live state (more than twice a
  // snapshot's estimated size plus kCompactionSlackBytes). The rewrite is
  // atomic and synced before it returns. A failed rewrite (a full disk)
  // loses nothing, since the appended records remain: it is logged, not
  // returned, and retried once the file has grown by another slack.
  absl::Status MaybeCompact(const ConsumerGroups& groups);
  // Rewrites the file as a snapshot of `groups` now (MaybeCompact, tests).
  absl::Status Compact(const ConsumerGroups& groups);
  // The stream's directory moved (RENAME). The open descriptor follows the
  // file, so nothing is reopened.
  void SetDirectory(std::string directory);
  // The stream is being deleted with its directory: nothing more to sync,
  // and no more appends.
  void Discard();
  // What makes every append so far durable (SyncScheduler): an fdatasync by
  // descriptor, and the directory's fsync after the file was created.
  void CollectSync(std::vector<log::SyncAction>* actions) override;

  // The file's size in bytes (0 until the first append opens it) and
  // records (tests, INFO).
  uint64_t size_bytes() const { return file_ == nullptr ? 0 : file_->size(); }
  uint64_t records() const { return records_; }
  std::string path() const;

  // Slack beyond twice the estimated snapshot before a rewrite: small
  // journals are never rewritten, and a busy one every ~1 MiB of changes
  // at least (about 15,000 XREADGROUP+XACK pairs of one entry).
  static constexpr uint64_t kCompactionSlackBytes = 1 << 20;
  // A snapshot's kSetPending records hold at most this many entries each,
  // so a replay never decodes one huge record.
  static constexpr size_t kSnapshotChunk = 65536;

 private:
  GroupJournal(std::string directory, log::SyncScheduler* scheduler)
      : directory_(std::move(directory)), scheduler_(scheduler) {}
  void MarkDirty();
  // Opens the file for appends if needed, and counts this use (OpenJournals).
  absl::Status UseDescriptor();

  std::string directory_;
  log::SyncScheduler* scheduler_;  // may be null
  // Open from the first append (or from Open, to sync a cut torn tail);
  // shared with sync batches, which sync by descriptor.
  std::shared_ptr<base::AppendFile> file_;
  uint64_t records_ = 0;            // records in the file
  uint64_t compact_retry_bytes_ = 0;  // after a failed rewrite: no retry below this size
  bool unsynced_ = false;           // appends since the last CollectSync
  bool directory_unsynced_ = false; // the file was created since the last CollectSync
  bool discarded_ = false;
  std::string buffer_;              // reused encoding buffer
  OpenJournals::Position open_position_ = OpenJournals::Instance().none();
};

// An estimate of a snapshot's size in bytes, for MaybeCompact.
uint64_t EstimateSnapshotBytes(const ConsumerGroups& groups);

// Appends a snapshot of `groups` (records only, no header) to `out`, made
// of the journal's own records: per group a kCreateGroup; per consumer its
// pending entries as kSetPending records of at most kSnapshotChunk entries,
// then a kCreateConsumer restoring its seen and active times. Returns how
// many records.
uint64_t AppendSnapshot(const ConsumerGroups& groups, std::string* out);

}  // namespace runnel::stream
