// Log deletions and trims. Exact trims move the logical start (persisted in
// the meta journal) and drop the segments wholly before it; approximate trims
// drop whole segments only. The tail segment is never dropped, so the last ID
// always survives (Redis keeps a stream's last ID after trimming it empty).
#include "engine/log/log.h"

#include <algorithm>

#include "engine/base/file.h"
#include "engine/base/status_macros.h"

namespace runnel::log {

namespace {

// The smallest ID above `id` (IDs are (ms, seq) pairs, like stream IDs).
RecordId NextId(RecordId id) {
  return id.seq == UINT64_MAX ? RecordId{id.ms + 1, 0} : RecordId{id.ms, id.seq + 1};
}

}  // namespace

uint64_t Log::LiveCount(size_t i) const {
  const Segment& segment = *segments_[i];
  const uint64_t end = i + 1 < segments_.size() ? segments_[i + 1]->first_ordinal()
                                                : segment.first_ordinal() + segment.record_count();
  const uint64_t begin = std::max(segment.first_ordinal(), journal_->state().logical_first_ordinal);
  if (end <= begin) return 0;
  const auto& all_deleted = journal_->deleted();
  const auto deleted_end =
      i + 1 < segments_.size() ? all_deleted.lower_bound(segments_[i + 1]->base_id()) : all_deleted.end();
  const auto deleted = static_cast<uint64_t>(std::distance(all_deleted.lower_bound(segment.base_id()), deleted_end));
  return end - begin >= deleted ? end - begin - deleted : 0;
}

absl::StatusOr<uint64_t> Log::OrdinalOf(RecordId id) {
  if (segments_.empty() || id > segments_.back()->last_id()) return EndOrdinal();
  Segment& segment = *segments_[SegmentFor(id)];
  if (id <= segment.base_id()) return segment.first_ordinal();
  RETURN_IF_ERROR(EnsureScanned(segment));
  ASSIGN_OR_RETURN(std::shared_ptr<const base::MappedFile> mapping, segment.Map());
  const SegmentIndex::Point* point = segment.index().FindFloor(id);
  uint64_t ordinal = point->ordinal;
  for (uint64_t offset = point->offset; offset < segment.end_offset(); ++ordinal) {
    const RecordView record = ReadRecordAt(mapping->contents(), offset, ChecksumCheck::kSkip).record;
    if (record.id >= id) break;
    offset = record.end();
  }
  return segment.first_ordinal() + ordinal;
}

absl::StatusOr<bool> Log::Delete(RecordId id) {
  RETURN_IF_ERROR(Recover());
  if (!IsLive(id) || segments_.empty()) return false;
  bool found = false;
  RETURN_IF_ERROR(Scan(id, id, ScanDirection::kForward, [&](RecordId, EntryView&) {
    found = true;
    return false;
  }));
  if (!found) return false;
  RETURN_IF_ERROR(journal_->AddDeleted(id));
  --length_;
  MarkDirty();
  return true;
}

absl::Status Log::DropSegmentsBelow(RecordId first_kept) {
  // Segment 0 holds nothing at or above first_kept when the next one starts
  // at or below it. Unlinked files stay readable to scans that hold them.
  while (segments_.size() > 1 && segments_[1]->base_id() <= first_kept) {
    const std::string path = segments_.front()->path();
    segments_.pop_front();
    RETURN_IF_ERROR(base::RemoveFile(path));
    directory_unsynced_ = true;
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Log::TrimBefore(RecordId first_kept, TrimMode mode, uint64_t limit) {
  RETURN_IF_ERROR(Recover());
  LogState state = journal_->state();
  if (segments_.empty()) return 0;
  // A start past the last entry would hide the next appends: everything is
  // trimmed once the start is just past the last entry.
  if (segments_.back()->last_id() < kMaxRecordId) first_kept = std::min(first_kept, NextId(segments_.back()->last_id()));
  if (first_kept <= state.logical_first) return 0;
  if (mode == TrimMode::kApproximate) {
    // Whole segments only: the new start is the first segment that is kept.
    size_t keep = 0;
    uint64_t removed = 0;
    while (keep + 1 < segments_.size() && segments_[keep + 1]->base_id() <= first_kept) {
      const uint64_t live = LiveCount(keep);
      if (limit != 0 && removed + live > limit) break;
      removed += live;
      ++keep;
    }
    if (keep == 0) return 0;
    first_kept = segments_[keep]->base_id();
  }
  ASSIGN_OR_RETURN(const uint64_t ordinal, OrdinalOf(first_kept));
  const uint64_t before = length_;
  state.logical_first = first_kept;
  state.logical_first_ordinal = std::max(ordinal, state.logical_first_ordinal);
  // The state record goes first: a crash before the unlinks leaves segments
  // that the next open drops as wholly below the logical start.
  RETURN_IF_ERROR(journal_->WriteState(state));
  RETURN_IF_ERROR(journal_->ForgetDeletedBefore(first_kept));
  RETURN_IF_ERROR(DropSegmentsBelow(first_kept));
  RecomputeLength();
  MarkDirty();
  return before - length_;
}

absl::StatusOr<uint64_t> Log::TrimToLength(uint64_t max_length, TrimMode mode, uint64_t limit) {
  RETURN_IF_ERROR(Recover());
  if (length_ <= max_length) return 0;
  uint64_t to_remove = length_ - max_length;
  if (mode == TrimMode::kApproximate) {
    size_t keep = 0;
    uint64_t removed = 0;
    while (keep + 1 < segments_.size()) {
      const uint64_t live = LiveCount(keep);
      if (removed + live > to_remove || (limit != 0 && removed + live > limit)) break;
      removed += live;
      ++keep;
    }
    if (keep == 0) return 0;
    return TrimBefore(segments_[keep]->base_id(), TrimMode::kExact);
  }
  ASSIGN_OR_RETURN(std::optional<RecordId> first_kept, IdAtPosition(to_remove));
  // When everything goes, the start moves just past the last entry.
  return TrimBefore(first_kept.value_or(kMaxRecordId), TrimMode::kExact);
}

absl::StatusOr<RecordId> Log::IdAtOrdinal(uint64_t ordinal) {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), ordinal,
                             [](uint64_t key, const std::unique_ptr<Segment>& s) { return key < s->first_ordinal(); });
  if (it == segments_.begin()) return absl::InternalError("ordinal below the first segment");
  Segment& segment = **(it - 1);
  RETURN_IF_ERROR(EnsureScanned(segment));
  const uint64_t wanted = ordinal - segment.first_ordinal();
  if (wanted >= segment.record_count()) return absl::DataLossError("ordinal past a damaged segment's end");
  ASSIGN_OR_RETURN(std::shared_ptr<const base::MappedFile> mapping, segment.Map());
  const std::vector<SegmentIndex::Point>& points = segment.index().points();
  auto point = std::upper_bound(points.begin(), points.end(), wanted,
                                [](uint64_t key, const SegmentIndex::Point& p) { return key < p.ordinal; }) - 1;
  uint64_t offset = point->offset;
  RecordView record;
  for (uint64_t at = point->ordinal; at <= wanted; ++at) {
    record = ReadRecordAt(mapping->contents(), offset, ChecksumCheck::kSkip).record;
    offset = record.end();
  }
  return record.id;
}

absl::StatusOr<std::optional<RecordId>> Log::IdAtPosition(uint64_t position) {
  RETURN_IF_ERROR(Recover());
  if (position >= length_) return std::optional<RecordId>();
  const auto& deleted = journal_->deleted();
  // Without deletions the entry is the record `position` records after the
  // logical start. Each deleted ID below the candidate pushes it one further.
  uint64_t skipped = 0;
  for (;;) {
    ASSIGN_OR_RETURN(RecordId candidate, IdAtOrdinal(journal_->state().logical_first_ordinal + position + skipped));
    const auto below = static_cast<uint64_t>(std::distance(deleted.begin(), deleted.upper_bound(candidate)));
    if (below == skipped && !deleted.contains(candidate)) return std::optional<RecordId>(candidate);
    skipped = std::max(below, skipped + (deleted.contains(candidate) ? 1 : 0));
  }
}

absl::StatusOr<uint64_t> Log::CountBefore(RecordId id) {
  RETURN_IF_ERROR(Recover());
  const RecordId first = journal_->state().logical_first;
  if (id <= first) return 0;
  ASSIGN_OR_RETURN(const uint64_t ordinal, OrdinalOf(id));
  const auto& deleted = journal_->deleted();
  const auto deleted_below = static_cast<uint64_t>(std::distance(deleted.begin(), deleted.lower_bound(id)));
  const uint64_t records = ordinal - std::min(ordinal, journal_->state().logical_first_ordinal);
  return records - std::min(records, deleted_below);
}

}  // namespace runnel::log
