// MetaJournal: the "meta" file of a stream directory. It holds what the
// segments cannot: where the stream logically starts after an exact trim,
// which entries were deleted (XDEL), and stream metadata that is set rather
// than appended (XSETID's last ID and entries-added, the largest deleted ID),
// and the key's expiry (EXPIRE), which must outlive a restart like the rest.
//
//   meta = header(16) kMetaState? (kMetaState | kMetaDelete | kMetaExpire)*
//
// Records use the segment record frame (record_format.h). Replay applies them
// in order: a kMetaState replaces the whole state; each kMetaDelete adds one
// deleted ID and raises the state's largest deleted ID to it (so XSETID can
// lower that ID, as in Redis, and a later XDEL raises it again); the last
// kMetaExpire gives the expiry (0: none).
// The file is created on first use (most streams never need it) and rewritten
// compactly, atomically, when it holds far more records than live state.
//
// Not thread-safe: owned by its Log on the loop thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/log/record_format.h"
#include "engine/log/recovery.h"
#include "engine/log/sync_action.h"

namespace runnel::log {

struct LogState {
  // Entries with smaller IDs are trimmed; the ordinal is that of the first
  // record at or after it (for the length of the stream without a scan).
  RecordId logical_first;
  uint64_t logical_first_ordinal = 0;
  // entries-added = records ever appended + this (XSETID ENTRIESADDED).
  int64_t entries_added_adjust = 0;
  // The last ID is never less than this (XSETID beyond the last entry).
  RecordId last_id_floor;
  // The largest ID ever deleted (XDEL), or what XSETID MAXDELETEDID set
  // since; trims do not change it (as in Redis).
  RecordId max_deleted;
  friend bool operator==(const LogState&, const LogState&) = default;
};

// What a journal file's bytes say, parsed without repairing anything: the
// one parse shared by MetaJournal::Load (which then repairs) and the
// read-only verifier (log_verifier.h).
struct JournalContents {
  enum class Header : uint8_t {
    kEmpty,  // no bytes, or only zeros: the first write never reached the disk
    kBad,    // not a version-1 journal header
    kValid,
  };
  Header header = Header::kEmpty;
  LogState state;
  absl::btree_set<RecordId> deleted;  // every deletion record, trimmed or not
  int64_t expire_at_ms = 0;           // the last kMetaExpire's; 0 when none
  uint64_t records = 0;
  uint64_t valid_end = 0;             // end of the last valid record
  const char* torn_reason = nullptr;  // set when bytes past valid_end are not records
};
JournalContents ParseJournal(std::string_view data);

class MetaJournal {
 public:
  // Replays `path` (a missing file, or one holding only zeros, is an empty
  // journal). A torn tail is truncated and a damaged header reported, both
  // in `report` (may be null).
  static absl::StatusOr<MetaJournal> Load(std::string path, RecoveryReport* report);

  const LogState& state() const { return state_; }
  const absl::btree_set<RecordId>& deleted() const { return deleted_; }

  absl::Status WriteState(const LogState& state);
  // Records a deletion; raises state().max_deleted to `id` if below it.
  absl::Status AddDeleted(RecordId id);
  // Replaces the whole file with `state` and `deleted`, atomically and
  // durably (synced before it returns): for changes that must reach the disk
  // before the caller's next step (Log::SetMetadata on an emptied log).
  absl::Status Rewrite(const LogState& state, absl::btree_set<RecordId> deleted);
  // The key's expiry, Unix ms (0: none).
  absl::Status WriteExpireAt(int64_t expire_at_ms);
  int64_t expire_at_ms() const { return expire_at_ms_; }
  // The directory moved (RENAME): the file is now at `path`.
  void set_path(std::string path) { path_ = std::move(path); }
  // Deleted IDs below `first` are trimmed away and need not be remembered;
  // compacts the file when it has grown well past the live state.
  absl::Status ForgetDeletedBefore(RecordId first);

  // Deleted IDs above `last` name no record: the segments lost what the
  // journal kept (a power loss syncs files in no particular order). They are
  // forgotten, in the file too, so a later entry with such an ID is not
  // born deleted. Returns how many.
  absl::StatusOr<uint64_t> ForgetDeletedAbove(RecordId last);

  void CollectSync(std::vector<SyncAction>* actions);
  bool has_unsynced() const { return unsynced_; }
  const std::string& path() const { return path_; }

 private:
  explicit MetaJournal(std::string path) : path_(std::move(path)) {}
  absl::Status Append(const std::string& records);
  absl::Status Compact();
  // Compacts when the file has grown well past the live state.
  absl::Status MaybeCompact();
  uint64_t live_records() const { return deleted_.size() + 1 + (expire_at_ms_ != 0 ? 1 : 0); }
  std::string EncodeLive() const;

  std::string path_;
  LogState state_;
  absl::btree_set<RecordId> deleted_;
  int64_t expire_at_ms_ = 0;
  uint64_t records_in_file_ = 0;
  bool exists_ = false;
  bool unsynced_ = false;
};

}  // namespace runnel::log
