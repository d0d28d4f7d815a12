// Segment: one file of a stream's log, its records and its sparse index.
//
//   +--------------+----------+----------+-----+----------+---------- - - ----+
//   | header (64B) | record 0 | record 1 | ... | record n | zeros (fallocated) |
//   +--------------+----------+----------+-----+----------+---------- - - ----+
//   0              64                                     end_offset()   capacity()
//
// The file is created at its full capacity (fallocate) and written through a
// shared mapping; the records end at the first zero frame. Only the last
// segment of a log is appended to. Durability positions: end_offset() is what
// is written; synced_offset() what the last completed sync covered.
//
// A segment is opened cheaply (its header only); its records are scanned, and
// their checksums verified, the first time they are needed (Scan()). Not
// thread-safe: owned by its Log on the loop thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/file.h"
#include "engine/log/entry_codec.h"
#include "engine/log/record_format.h"
#include "engine/log/record_reader.h"
#include "engine/log/recovery.h"
#include "engine/log/segment_index.h"
#include "engine/log/sync_action.h"

namespace runnel::log {

class MappingCache;

// A segment file being rewritten by Segment::TruncateAfter; one left by a
// crash is removed when the log loads its segments.
inline constexpr std::string_view kTruncatingSuffix = ".truncating";

struct SegmentHeader {
  RecordId base_id;            // the ID of its first record
  uint64_t first_ordinal = 0;  // records appended to the log before this segment
  uint64_t capacity = 0;       // file size
};

class Segment {
 public:
  // Creates the file (which must not exist) with its header, ready for appends.
  // ResourceExhausted when the disk cannot hold `header.capacity` bytes.
  static absl::StatusOr<std::unique_ptr<Segment>> Create(std::string path, const SegmentHeader& header,
                                                         MappingCache* cache);
  // Opens an existing file by reading and checking its header only.
  static absl::StatusOr<std::unique_ptr<Segment>> Open(std::string path, MappingCache* cache);

  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;
  ~Segment();

  enum class ScanMode : uint8_t {
    // The last segment: an invalid record is a torn tail. It and every byte
    // after it are zeroed and reported; the scan then succeeds. A file
    // shorter than its capacity is grown back to it first.
    kTail,
    // A sealed segment: an invalid record is corruption. It is reported and
    // DataLoss returned; the records before it stay readable.
    kSealed,
  };
  // Verifies every record (checksum, type, increasing IDs, entry encoding)
  // and builds the index. `report` may be null.
  absl::Status Scan(ScanMode mode, RecoveryReport* report);
  bool scanned() const { return scanned_; }
  // Set when a kSealed scan found corruption: records at or past this offset
  // are unreadable.
  std::optional<uint64_t> damaged_at() const { return damaged_at_; }

  // The mapping, mapped on demand (read-write only when appendable).
  absl::StatusOr<std::shared_ptr<const base::MappedFile>> Map();
  // Called by the MappingCache: forget the mapping (readers keep theirs alive).
  void DropMapping();

  // Makes this the segment that receives appends (the last of its log).
  void set_appendable(bool appendable);
  // Appends one entry; false when it does not fit in the remaining capacity
  // (the caller rolls to a new segment). Requires scanned() and appendable.
  absl::StatusOr<bool> Append(RecordId id, std::span<const FieldValue> fields);
  // Removes the records with IDs above `last_kept` (XSETID lowering the last
  // ID below entries deleted from the end): the records kept are copied to
  // "<path>.truncating", synced, and renamed over the file, so bytes a reply
  // still references in the old mapping never change; the segment is then
  // rescanned. Requires scanned(), appendable and no damage. The caller keeps
  // at least one record.
  absl::Status TruncateAfter(RecordId last_kept);
  // The bytes a record of `fields` takes at most (without same-fields savings).
  static uint64_t MaxRecordSize(std::span<const FieldValue> fields);

  // The record at `offset` (a frame start from the index or a scan) as an
  // entry; requires `mapping` to be this segment's.
  absl::StatusOr<EntryView> EntryAt(const base::MappedFile& mapping, const RecordView& record) const;

  // Durability: adds what must be synced so that everything written so far
  // is durable, and treats it as synced (the caller guarantees the actions run).
  void CollectSync(std::vector<SyncAction>* actions);
  bool has_unsynced() const { return synced_offset_ < end_offset_; }

  const std::string& path() const { return path_; }
  // The log's directory moved (RENAME): the file is now at `path`.
  void set_path(std::string path) { path_ = std::move(path); }
  RecordId base_id() const { return header_.base_id; }
  uint64_t first_ordinal() const { return header_.first_ordinal; }
  uint64_t capacity() const { return header_.capacity; }
  // Known once scanned:
  uint64_t end_offset() const { return end_offset_; }
  uint64_t record_count() const { return record_count_; }
  RecordId last_id() const { return last_id_; }
  const SegmentIndex& index() const { return index_; }
  uint64_t synced_offset() const { return synced_offset_; }

 private:
  Segment(std::string path, const SegmentHeader& header, MappingCache* cache)
      : path_(std::move(path)), header_(header), cache_(cache) {}

  // A tail file shorter than its capacity is grown back to it (and reported).
  absl::Status RestoreCapacity(RecoveryReport* report);
  // `data` is the whole file (a mapping, or a copy of a small one).
  absl::Status ScanRecords(std::string_view data, ScanMode mode, RecoveryReport* report);
  // Why `record` cannot follow the records scanned so far, or nullptr.
  const char* CheckRecord(std::string_view data, const RecordView& record) const;

  std::string path_;
  SegmentHeader header_;
  MappingCache* cache_;
  std::shared_ptr<base::MappedFile> mapping_;
  bool appendable_ = false;
  bool scanned_ = false;
  std::optional<uint64_t> damaged_at_;

  uint64_t end_offset_ = kSegmentHeaderSize;
  uint64_t record_count_ = 0;
  RecordId last_id_;
  SegmentIndex index_;
  uint64_t last_names_offset_ = 0;  // the latest kEntry frame; 0 = none yet
  uint64_t synced_offset_ = kSegmentHeaderSize;
  uint64_t prefaulted_end_ = 0;
};

// Header bytes for a new segment, and the checked parse of an existing one.
void EncodeSegmentHeader(const SegmentHeader& header, char* out);
absl::StatusOr<SegmentHeader> DecodeSegmentHeader(std::string_view bytes, const std::string& path);
// Whether a segment file has a non-zero byte past where its header ends: a
// file whose header is refused but that holds records is damage, not an
// unused preallocation.
absl::StatusOr<bool> HasRecordBytes(const std::string& path);

}  // namespace runnel::log
