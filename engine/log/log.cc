// Log: opening, recovery of the tail, appends, rolls, metadata and syncs.
// Reads are in log_scan.cc, trims and deletions in log_trim.cc.
#include "engine/log/log.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_format.h"
#include "engine/base/file.h"
#include "engine/base/logging.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/segment_naming.h"
#include "engine/log/sync_scheduler.h"

namespace runnel::log {
namespace {

std::string ParentOf(const std::string& path) { return path.substr(0, path.rfind('/')); }

// The smallest ID above `id`, which must not be the largest.
RecordId NextRecordId(RecordId id) {
  return id.seq == UINT64_MAX ? RecordId{id.ms + 1, 0} : RecordId{id.ms, id.seq + 1};
}

}  // namespace

Log::Log(std::string directory, const LogOptions& options)
    : directory_(std::move(directory)), options_(&options) {}

Log::~Log() {
  segments_.clear();  // before the scheduler forgets us: segments unregister from the cache
  if (options_->scheduler != nullptr) options_->scheduler->Forget(this);
}

absl::StatusOr<std::unique_ptr<Log>> Log::Create(std::string directory, const LogOptions& options) {
  RETURN_IF_ERROR(base::CreateDirectories(ParentOf(directory)));
  if (mkdir(directory.c_str(), 0755) != 0) return base::ErrnoStatus(errno, "mkdir", directory);
  std::unique_ptr<Log> log(new Log(std::move(directory), options));
  ASSIGN_OR_RETURN(MetaJournal journal, MetaJournal::Load(base::StrCat(log->directory_, "/", kMetaFileName), nullptr));
  log->journal_ = std::make_unique<MetaJournal>(std::move(journal));
  log->parent_unsynced_ = true;
  log->MarkDirty();
  return log;
}

absl::StatusOr<std::unique_ptr<Log>> Log::Open(std::string directory, const LogOptions& options,
                                               RecoveryReport* report) {
  ASSIGN_OR_RETURN(std::unique_ptr<Log> log, OpenDeferred(std::move(directory), options, report));
  RETURN_IF_ERROR(log->Recover(report));
  return log;
}

absl::StatusOr<std::unique_ptr<Log>> Log::OpenDeferred(std::string directory, const LogOptions& options,
                                                       RecoveryReport* report) {
  std::unique_ptr<Log> log(new Log(std::move(directory), options));
  ASSIGN_OR_RETURN(MetaJournal journal, MetaJournal::Load(base::StrCat(log->directory_, "/", kMetaFileName), report));
  log->journal_ = std::make_unique<MetaJournal>(std::move(journal));
  if (report != nullptr) ++report->streams;
  return log;
}

absl::Status Log::Recover(RecoveryReport* report) {
  if (recovered_) return absl::OkStatus();
  RecoveryReport local;
  RecoveryReport* out = report != nullptr ? report : &local;
  // Even the segment headers wait until here: a cold start over thousands
  // of segments would otherwise pay a disk read per segment before serving.
  RETURN_IF_ERROR(LoadSegments(out));
  out->segments += segments_.size();
  RETURN_IF_ERROR(RecoverTail(out));
  // Segments wholly below the logical start outlived a trim cut short by a crash.
  RETURN_IF_ERROR(DropSegmentsBelow(journal_->state().logical_first));
  const RecordId last_record = segments_.empty() ? kMinRecordId : segments_.back()->last_id();
  ASSIGN_OR_RETURN(const uint64_t phantoms, journal_->ForgetDeletedAbove(last_record));
  if (phantoms > 0) {
    out->problems.push_back(RecoveryProblem{
        .kind = RecoveryProblem::Kind::kTornTail, .path = journal_->path(),
        .reason = absl::StrFormat("%d deleted IDs above the last entry forgotten (the entries were lost)", phantoms)});
  }
  RecomputeLength();
  recovered_ = true;
  // Recovered on first use (OpenDeferred): nobody else will report it.
  for (const RecoveryProblem& problem : local.problems) {
    if (problem.kind == RecoveryProblem::Kind::kCorruption) {
      RUNNEL_LOG_WARNING("%s", DescribeProblem(problem));
    } else {
      RUNNEL_LOG_NOTICE("%s", DescribeProblem(problem));
    }
  }
  return absl::OkStatus();
}

absl::Status Log::LoadSegments(RecoveryReport* report) {
  // A Recover() that failed part-way may run again: start from nothing.
  segments_.clear();
  unreadable_.clear();
  ASSIGN_OR_RETURN(std::vector<std::string> names, base::ListDirectory(directory_));
  std::sort(names.begin(), names.end());  // fixed-width hex names sort by base ID
  for (const std::string& name : names) {
    if (name.ends_with(kTruncatingSuffix)) {
      // A truncation (Segment::TruncateAfter) cut short before its rename:
      // the segment itself is intact.
      RETURN_IF_ERROR(base::RemoveFile(base::StrCat(directory_, "/", name)));
      continue;
    }
    const std::optional<RecordId> base_id = ParseSegmentFileName(name);
    if (!base_id.has_value()) continue;
    std::string path = base::StrCat(directory_, "/", name);
    absl::StatusOr<std::unique_ptr<Segment>> segment = Segment::Open(path, options_->cache);
    if (segment.ok() && (*segment)->base_id() != *base_id) {
      segment = absl::DataLossError("segment header's base ID differs from its file name");
    }
    if (!segment.ok()) {
      if (!absl::IsDataLoss(segment.status())) return segment.status();
      ASSIGN_OR_RETURN(const bool has_records, HasRecordBytes(path));
      if (!has_records) {
        // A roll cut short before the header reached the disk (Segment::Create
        // writes it before any record): nothing in it was acknowledged, and
        // its name is that of the ID being appended, which the next append needs.
        RETURN_IF_ERROR(base::RemoveFile(path));
        directory_unsynced_ = true;
        if (report != nullptr) {
          report->problems.push_back(RecoveryProblem{.kind = RecoveryProblem::Kind::kTornTail, .path = path,
                                                     .reason = "segment without a header or records; removed"});
        }
        continue;
      }
      // Reported, left in place for runnel-check and an operator, and
      // remembered: a read whose range reaches it fails instead of skipping it.
      unreadable_.push_back(UnreadableSegment{*base_id, path});
      if (report != nullptr) {
        report->problems.push_back(RecoveryProblem{.kind = RecoveryProblem::Kind::kCorruption,
                                                   .path = path, .reason = std::string(segment.status().message())});
      }
      continue;
    }
    segments_.push_back(*std::move(segment));
  }
  return absl::OkStatus();
}

absl::Status Log::RecoverTail(RecoveryReport* report) {
  while (!segments_.empty()) {
    Segment& tail = *segments_.back();
    tail.set_appendable(true);
    RETURN_IF_ERROR(tail.Scan(Segment::ScanMode::kTail, report));
    if (tail.record_count() > 0) return absl::OkStatus();
    // A segment whose first record never reached the disk: a roll cut short.
    // Its creation was never acknowledged; remove it and recover the one before.
    const std::string path = tail.path();
    segments_.pop_back();
    RETURN_IF_ERROR(base::RemoveFile(path));
    directory_unsynced_ = true;
  }
  return absl::OkStatus();
}

uint64_t Log::EndOrdinal() const {
  if (segments_.empty()) return journal_->state().logical_first_ordinal;
  const Segment& tail = *segments_.back();
  return tail.first_ordinal() + tail.record_count();
}

void Log::RecomputeLength() {
  const uint64_t end = EndOrdinal();
  const uint64_t first = std::min(end, journal_->state().logical_first_ordinal);
  const uint64_t deleted = journal_->deleted().size();
  length_ = end - first >= deleted ? end - first - deleted : 0;
}

void Log::MarkDirty() {
  if (options_->scheduler != nullptr) options_->scheduler->MarkDirty(this);
}

RecordId Log::pinned_last_id() const {
  RecordId last = kMinRecordId;
  if (!segments_.empty() && segments_.back()->record_count() > 0) last = segments_.back()->last_id();
  // Everything below the logical start was trimmed, so the last ID is at
  // least the one before it; otherwise (segments lost to damage) a new
  // entry could land below the start and be invisible.
  const RecordId first = journal_->state().logical_first;
  if (first != kMinRecordId) {
    last = std::max(last, first.seq > 0 ? RecordId{first.ms, first.seq - 1} : RecordId{first.ms - 1, UINT64_MAX});
  }
  return last;
}

RecordId Log::last_id() const { return std::max(journal_->state().last_id_floor, pinned_last_id()); }

uint64_t Log::entries_added() const {
  return static_cast<uint64_t>(static_cast<int64_t>(EndOrdinal()) + journal_->state().entries_added_adjust);
}

RecordId Log::max_deleted_id() const { return journal_->state().max_deleted; }

absl::Status Log::Append(RecordId id, std::span<const FieldValue> fields) {
  RETURN_IF_ERROR(Recover());
  if (id <= last_id()) {
    return absl::FailedPreconditionError("ID is not greater than the log's last ID");
  }
  if (!segments_.empty()) {
    ASSIGN_OR_RETURN(bool appended, segments_.back()->Append(id, fields));
    if (appended) {
      ++length_;
      MarkDirty();
      return absl::OkStatus();
    }
  }
  const uint64_t record_size = Segment::MaxRecordSize(fields);
  if (record_size - kRecordHeaderSize > kMaxRecordPayload) return absl::InvalidArgumentError("entry too large");
  RETURN_IF_ERROR(Roll(id, record_size));
  ASSIGN_OR_RETURN(bool appended, segments_.back()->Append(id, fields));
  if (!appended) return absl::InternalError("entry does not fit a segment sized for it");
  ++length_;
  MarkDirty();
  return absl::OkStatus();
}

absl::Status Log::Roll(RecordId id, uint64_t record_size) {
  // Geometric growth: tiny streams stay tiny, busy ones reach the maximum
  // after a few rolls. A record larger than the maximum gets a segment of its own size.
  uint64_t capacity = kInitialSegmentBytes;
  if (!segments_.empty()) capacity = std::min(segments_.back()->capacity() * 2, options_->segment_max_bytes);
  capacity = std::max({capacity, kInitialSegmentBytes, kSegmentHeaderSize + record_size});
  const SegmentHeader header{.base_id = id, .first_ordinal = EndOrdinal(), .capacity = capacity};
  ASSIGN_OR_RETURN(std::unique_ptr<Segment> segment,
                   Segment::Create(base::StrCat(directory_, "/", SegmentFileName(id)), header, options_->cache));
  if (!segments_.empty()) segments_.back()->set_appendable(false);
  segments_.push_back(std::move(segment));
  directory_unsynced_ = true;
  return absl::OkStatus();
}

absl::Status Log::SetMetadata(RecordId last_id, uint64_t entries_added, RecordId max_deleted) {
  RETURN_IF_ERROR(Recover());
  const bool below_records = last_id < pinned_last_id();
  const bool empty = length_ == 0;
  if (below_records) RETURN_IF_ERROR(empty ? DropAllSegments() : TruncateAbove(last_id));
  LogState state = journal_->state();
  // Without segments nothing is below the start any more; keeping it would
  // pin the last ID at the old records'.
  if (below_records && empty) state.logical_first = kMinRecordId;
  state.last_id_floor = last_id;
  state.entries_added_adjust = static_cast<int64_t>(entries_added) - static_cast<int64_t>(EndOrdinal());
  state.max_deleted = max_deleted;
  if (!below_records) {
    RETURN_IF_ERROR(journal_->WriteState(state));
  } else {
    // The records above the new last ID are gone: their tombstones must go
    // too, or they would hide new entries that take the same IDs.
    const absl::btree_set<RecordId>& deleted = journal_->deleted();
    RETURN_IF_ERROR(journal_->Rewrite(state, {deleted.begin(), deleted.upper_bound(last_id)}));
    RecomputeLength();
  }
  MarkDirty();
  return absl::OkStatus();
}

absl::Status Log::TruncateAbove(RecordId last_kept) {
  // Only deleted records may go: the live entries must all be at or below.
  bool live_above = false;
  if (last_kept < kMaxRecordId) {
    RETURN_IF_ERROR(Scan(NextRecordId(last_kept), kMaxRecordId, ScanDirection::kForward, [&](RecordId, EntryView&) {
      live_above = true;
      return false;
    }));
  }
  if (live_above) return absl::FailedPreconditionError("last ID below a live entry");
  // 1. The tombstones that hide those records, durable first (a sync of
  //    the journal as it is): from here a crash finds them hidden or gone.
  RETURN_IF_ERROR(journal_->Rewrite(journal_->state(), journal_->deleted()));
  // 2. Whole segments above, then the end of the one that becomes the tail,
  //    each durable before the caller drops the tombstones. A live entry is
  //    at or below `last_kept`, so the first segment stays.
  bool removed = false;
  while (segments_.size() > 1 && segments_.back()->base_id() > last_kept) {
    const std::string path = segments_.back()->path();
    segments_.pop_back();
    RETURN_IF_ERROR(base::RemoveFile(path));
    removed = true;
  }
  if (removed) RETURN_IF_ERROR(base::SyncDirectory(directory_));
  Segment& tail = *segments_.back();
  RETURN_IF_ERROR(EnsureScanned(tail));
  tail.set_appendable(true);
  return tail.TruncateAfter(last_kept);
}

absl::Status Log::DropAllSegments() {
  // 1. Durably, a state that hides every record by ID (all trimmed) and
  //    keeps the metadata (the floor holds the last ID, the ordinals stay).
  //    A crash after this step or the next leaves an empty stream with its
  //    old metadata; the caller's state write, which lowers the floor and
  //    clears the start, comes only after the removals are durable.
  LogState trimmed = journal_->state();
  trimmed.last_id_floor = last_id();
  trimmed.logical_first_ordinal = EndOrdinal();
  if (!segments_.empty() && segments_.back()->record_count() > 0) {
    const RecordId last_record = segments_.back()->last_id();
    // The largest ID has no successor; its tombstone keeps it hidden instead.
    const RecordId past = last_record < kMaxRecordId ? NextRecordId(last_record) : kMaxRecordId;
    trimmed.logical_first = std::max(trimmed.logical_first, past);
  }
  const absl::btree_set<RecordId>& deleted = journal_->deleted();
  RETURN_IF_ERROR(journal_->Rewrite(trimmed, {deleted.lower_bound(trimmed.logical_first), deleted.end()}));
  // 2. The segments, which hold only dead records; synced before returning.
  while (!segments_.empty()) {
    const std::string path = segments_.back()->path();
    segments_.pop_back();
    RETURN_IF_ERROR(base::RemoveFile(path));
  }
  RETURN_IF_ERROR(base::SyncDirectory(directory_));
  length_ = 0;
  return absl::OkStatus();
}

absl::Status Log::Destroy() {
  segments_.clear();
  // Rename first so a crash mid-removal leaves a name no stream can have (a
  // leading '.'), which the next start removes.
  const std::string doomed = absl::StrFormat("%s/.deleted-%p", ParentOf(directory_), static_cast<void*>(this));
  RETURN_IF_ERROR(base::RenamePath(directory_, doomed));
  RETURN_IF_ERROR(base::RemoveTree(doomed));
  if (options_->scheduler != nullptr) {
    options_->scheduler->AddAction(SyncAction{.kind = SyncAction::Kind::kDirectory, .path = ParentOf(directory_)});
  }
  return absl::OkStatus();
}

absl::Status Log::SetExpireAt(int64_t expire_at_ms) {
  RETURN_IF_ERROR(journal_->WriteExpireAt(expire_at_ms));
  MarkDirty();
  return absl::OkStatus();
}

absl::Status Log::MoveTo(std::string directory) {
  // A batch already handed to the sync thread may fsync paths inside the
  // old directory; were they renamed from under it, it would find nothing
  // (and skip) while its writers are acknowledged. Let it finish first.
  if (options_->scheduler != nullptr) options_->scheduler->WaitForRunningBatch();
  RETURN_IF_ERROR(base::RenamePath(directory_, directory));
  directory_ = std::move(directory);
  auto moved = [&](const std::string& path) { return base::StrCat(directory_, path.substr(path.rfind('/'))); };
  for (std::unique_ptr<Segment>& segment : segments_) segment->set_path(moved(segment->path()));
  for (UnreadableSegment& unreadable : unreadable_) unreadable.path = moved(unreadable.path);
  journal_->set_path(moved(journal_->path()));
  // Writes not yet collected now sync under the new paths; the rename itself
  // is durable once the parent directory is synced.
  parent_unsynced_ = true;
  MarkDirty();
  return absl::OkStatus();
}

void Log::CollectSync(std::vector<SyncAction>* actions) {
  for (const std::unique_ptr<Segment>& segment : segments_) segment->CollectSync(actions);
  journal_->CollectSync(actions);
  if (directory_unsynced_) {
    actions->push_back(SyncAction{.kind = SyncAction::Kind::kDirectory, .path = directory_});
    directory_unsynced_ = false;
  }
  if (parent_unsynced_) {
    actions->push_back(SyncAction{.kind = SyncAction::Kind::kDirectory, .path = ParentOf(directory_)});
    parent_unsynced_ = false;
  }
}

}  // namespace runnel::log
