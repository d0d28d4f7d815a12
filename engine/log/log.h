// Log: one stream's durable, segmented log, the engine's per-stream API.
//
//   directory/  0000018c...-0000000000000000.seg  (sealed)
//               0000018c...-0000000000000007.seg  (sealed)
//               0000018d...-0000000000000000.seg  (tail: appends go here)
//               meta                              (trims, deletions, metadata)
//
// Entries are appended in strictly increasing ID order; reads visit them in
// place in the mappings (no copy to the heap). Trims drop whole segments
// where they can and otherwise move the logical start, persisted in the meta
// journal; deletions are tombstones in the meta journal. Lengths and the
// stream metadata Redis reports (last ID, entries-added, max deleted ID) are
// kept in memory and derived at open from segment headers, the tail scan and
// the meta journal, so opening costs the tail segment only.
//
// Durability: writes land in the page cache through the mappings. With a
// SyncScheduler, each write marks the log dirty and the scheduler's next
// batch syncs it (CollectSync); without one nothing is synced until the
// caller does so. See docs/durability.md.
//
// Not thread-safe: one loop thread owns the log, its segments and journal.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/log/entry_codec.h"
#include "engine/log/meta_journal.h"
#include "engine/log/record_format.h"
#include "engine/log/recovery.h"
#include "engine/log/segment.h"
#include "engine/log/sync_action.h"
#include "engine/log/syncable.h"

namespace runnel::log {

class MappingCache;
class SyncScheduler;

struct LogOptions {
  uint64_t segment_max_bytes = 64ULL << 20;
  MappingCache* cache = nullptr;          // required
  SyncScheduler* scheduler = nullptr;     // optional: no automatic syncs without one
};

enum class ScanDirection : uint8_t { kForward, kBackward };
enum class TrimMode : uint8_t {
  kExact,        // remove exactly the entries asked for
  kApproximate,  // remove whole segments only, never more than asked (Redis's "~")
};

// Called for each entry a scan visits; returns false to stop the scan.
using EntryVisitor = absl::FunctionRef<bool(RecordId id, EntryView& entry)>;

class Log final : public Syncable {
 public:
  // `options` must outlive the log (CONFIG SET changes apply to every log).
  // Creates an empty log in `directory` (which must not exist).
  static absl::StatusOr<std::unique_ptr<Log>> Create(std::string directory, const LogOptions& options);
  // Opens the log in `directory`: reads segment headers and the meta
  // journal, verifies the tail segment and drops a torn tail (see recovery.h).
  static absl::StatusOr<std::unique_ptr<Log>> Open(std::string directory, const LogOptions& options,
                                                   RecoveryReport* report);
  // Opens like Open() but leaves the segments for later: reads the meta
  // journal only (the key's expiry is there), so a server with many streams
  // answers in milliseconds whatever their size, even with a cold page
  // cache. Recover(), which every operation below runs first, reads the
  // segment headers and recovers the tail; length(), last_id(),
  // entries_added(), max_deleted_id() and segment_count() need recovered().
  static absl::StatusOr<std::unique_ptr<Log>> OpenDeferred(std::string directory, const LogOptions& options,
                                                           RecoveryReport* report);
  // Loads the segments and recovers the tail if that is pending (see
  // OpenDeferred); idempotent. Problems go to `report`, or to the server log
  // when there is none.
  absl::Status Recover(RecoveryReport* report = nullptr);
  bool recovered() const { return recovered_; }
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;
  ~Log();

  // Appends an entry. `id` must exceed last_id() (FailedPrecondition
  // otherwise); ResourceExhausted when a new segment does not fit on disk.
  absl::Status Append(RecordId id, std::span<const FieldValue> fields);

  // Visits live entries with from <= ID <= to, in `direction` order.
  // DataLoss when the scan reaches a corrupt part of a sealed segment (after
  // visiting what came before it).
  absl::Status Scan(RecordId from, RecordId to, ScanDirection direction, EntryVisitor visitor);

  // Deletes one entry (a tombstone); false when there is no such live entry.
  absl::StatusOr<bool> Delete(RecordId id);
  // Removes the entries with IDs below `first_kept`; returns how many.
  absl::StatusOr<uint64_t> TrimBefore(RecordId first_kept, TrimMode mode, uint64_t limit = 0);
  // Removes the oldest entries until at most `max_length` remain; returns how
  // many. `limit` (approximate mode only, 0 = none) caps the removal.
  absl::StatusOr<uint64_t> TrimToLength(uint64_t max_length, TrimMode mode, uint64_t limit = 0);
  // The ID of the live entry with `position` live entries before it
  // (0 = the first); nullopt past the last. O(log n) plus one index interval
  // per deleted entry in the way.
  absl::StatusOr<std::optional<RecordId>> IdAtPosition(uint64_t position);
  // Live entries with IDs below `id`.
  absl::StatusOr<uint64_t> CountBefore(RecordId id);

  // Stream metadata (XSETID): sets the last ID, entries-added and the
  // largest deleted ID, persisted in the meta journal. The last ID may go
  // down, but not below a live entry (FailedPrecondition). Records above it
  // (all deleted) are removed first, so new entries can take their IDs: all
  // segments of an empty log, the end of a log with entries.
  absl::Status SetMetadata(RecordId last_id, uint64_t entries_added, RecordId max_deleted);
  // The smallest last ID SetMetadata accepts while entries remain: the last
  // record's ID, or the ID just below the logical start after a trim.
  RecordId pinned_last_id() const;

  // The key's expiry, Unix ms (0: none), persisted in the meta journal.
  absl::Status SetExpireAt(int64_t expire_at_ms);
  int64_t expire_at_ms() const { return journal_->expire_at_ms(); }

  uint64_t length() const { return length_; }
  // The largest ID appended, unless SetMetadata set another since (which
  // may be lower; see there); 0-0 for a new log.
  RecordId last_id() const;
  // The first live entry's ID, if any (a short scan).
  absl::StatusOr<std::optional<RecordId>> FirstId();
  uint64_t entries_added() const;
  RecordId max_deleted_id() const;

  // Removes the log's files; the log must not be used afterwards.
  absl::Status Destroy();
  // Moves the log's directory to `directory` (a sibling that must not
  // exist) by one rename(2); the parent's fsync is left to the next sync
  // batch, like a new stream's. Waits for a running sync batch first, which
  // may hold paths inside the old directory. See docs/durability.md.
  absl::Status MoveTo(std::string directory);

  // Adds what makes every write so far durable (see SyncScheduler).
  void CollectSync(std::vector<SyncAction>* actions) override;

  // The scheduler whose batches sync this log (LogOptions), or null: the
  // stream's other files (its consumer-group journal) ride the same batches.
  SyncScheduler* scheduler() const { return options_->scheduler; }
  const std::string& directory() const { return directory_; }
  size_t segment_count() const { return segments_.size(); }
  const Segment& segment(size_t i) const { return *segments_[i]; }

 private:
  Log(std::string directory, const LogOptions& options);

  absl::Status LoadSegments(RecoveryReport* report);
  // Removes every segment of an empty log, each step durable before the next.
  absl::Status DropAllSegments();
  // Removes the records above `last_kept`, all of them deleted, durably
  // (for SetMetadata while entries remain).
  absl::Status TruncateAbove(RecordId last_kept);
  absl::Status RecoverTail(RecoveryReport* report);
  absl::Status Roll(RecordId id, uint64_t record_size);
  uint64_t EndOrdinal() const;
  void RecomputeLength();
  void MarkDirty();
  // The segment that would hold `id`: the last whose base ID is <= id.
  size_t SegmentFor(RecordId id) const;
  absl::Status EnsureScanned(Segment& segment);
  // Ordinal (records appended before it) of the first record with ID >= id.
  absl::StatusOr<uint64_t> OrdinalOf(RecordId id);
  // The ID of the record with this ordinal (records appended before it).
  absl::StatusOr<RecordId> IdAtOrdinal(uint64_t ordinal);
  // Live entries of segment i (logical start and deletions applied).
  uint64_t LiveCount(size_t i) const;
  absl::Status DropSegmentsBelow(RecordId first_kept);
  absl::StatusOr<bool> ScanSegment(size_t i, RecordId from, RecordId to, ScanDirection direction,
                                   EntryVisitor visitor);
  bool IsLive(RecordId id) const;

  // Segment files whose header could not be read: their entries (from the
  // base ID in the file name up to the next segment) are unreadable.
  struct UnreadableSegment {
    RecordId base_id;
    std::string path;
  };
  // DataLoss when [from, to] reaches an unreadable segment.
  absl::Status CheckReadable(RecordId from, RecordId to) const;

  std::string directory_;
  std::vector<UnreadableSegment> unreadable_;
  const LogOptions* options_;  // owned by the caller (the LogManager); outlives the log
  std::deque<std::unique_ptr<Segment>> segments_;  // increasing base IDs; the last takes appends
  std::unique_ptr<MetaJournal> journal_;
  uint64_t length_ = 0;
  bool recovered_ = false;            // the tail is verified; length_ and the tail's state are known
  bool directory_unsynced_ = false;   // files created or removed since the last sync
  bool parent_unsynced_ = false;      // the directory itself is new
};

}  // namespace runnel::log
