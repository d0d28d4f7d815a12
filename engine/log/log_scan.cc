// Log reads: Scan() over segments, forward and backward, in place in the
// mappings. Each segment's mapping is held (shared_ptr) while it is visited,
// so a trim or a mapping-cache eviction during the visit cannot unmap it.
#include "engine/log/log.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/base/status_macros.h"

namespace runnel::log {

bool Log::IsLive(RecordId id) const {
  if (id < journal_->state().logical_first) return false;
  return journal_->deleted().empty() || !journal_->deleted().contains(id);
}

size_t Log::SegmentFor(RecordId id) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), id,
                             [](RecordId key, const std::unique_ptr<Segment>& s) { return key < s->base_id(); });
  return it == segments_.begin() ? 0 : static_cast<size_t>(it - segments_.begin()) - 1;
}

absl::Status Log::EnsureScanned(Segment& segment) {
  if (segment.scanned()) return absl::OkStatus();
  // Sealed segments are verified lazily, on first use; corruption is loud
  // (DataLoss with path and offset) and the valid prefix stays readable.
  absl::Status status = segment.Scan(Segment::ScanMode::kSealed, nullptr);
  if (!status.ok() && !segment.damaged_at().has_value()) return status;
  return absl::OkStatus();
}

absl::Status Log::CheckReadable(RecordId from, RecordId to) const {
  for (const UnreadableSegment& bad : unreadable_) {
    // It covers [its base ID, the next readable segment's base ID).
    RecordId end = kMaxRecordId;
    for (const std::unique_ptr<Segment>& segment : segments_) {
      if (segment->base_id() > bad.base_id) {
        end = segment->base_id();
        break;
      }
    }
    if (bad.base_id <= to && from < end) {
      return absl::DataLossError(absl::StrFormat("segment %s is unreadable (bad header); its entries are lost",
                                                 bad.path));
    }
  }
  return absl::OkStatus();
}

absl::Status Log::Scan(RecordId from, RecordId to, ScanDirection direction, EntryVisitor visitor) {
  RETURN_IF_ERROR(Recover());
  from = std::max(from, journal_->state().logical_first);
  if (from > to) return absl::OkStatus();
  if (!unreadable_.empty()) RETURN_IF_ERROR(CheckReadable(from, to));
  if (segments_.empty()) return absl::OkStatus();
  if (direction == ScanDirection::kForward) {
    for (size_t i = SegmentFor(from); i < segments_.size(); ++i) {
      ASSIGN_OR_RETURN(bool go_on, ScanSegment(i, from, to, direction, visitor));
      if (!go_on) break;
    }
  } else {
    for (size_t i = SegmentFor(to) + 1; i-- > 0;) {
      ASSIGN_OR_RETURN(bool go_on, ScanSegment(i, from, to, direction, visitor));
      if (!go_on) break;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Log::ScanSegment(size_t i, RecordId from, RecordId to, ScanDirection direction,
                                      EntryVisitor visitor) {
  Segment& segment = *segments_[i];
  RETURN_IF_ERROR(EnsureScanned(segment));
  ASSIGN_OR_RETURN(std::shared_ptr<const base::MappedFile> mapping, segment.Map());
  const std::string_view data = mapping->contents();
  const std::vector<SegmentIndex::Point>& points = segment.index().points();
  if (points.empty()) return true;

  // Visits one record; returns false when the scan is over.
  auto visit = [&](const RecordView& record) -> absl::StatusOr<bool> {
    if (!IsLive(record.id)) return true;
    ASSIGN_OR_RETURN(EntryView entry, segment.EntryAt(*mapping, record));
    entry.set_mapping(&mapping);
    return visitor(record.id, entry);
  };

  if (direction == ScanDirection::kForward) {
    uint64_t offset = segment.index().FindFloor(from)->offset;
    while (offset < segment.end_offset()) {
      const RecordView record = ReadRecordAt(data, offset, ChecksumCheck::kSkip).record;
      if (record.id > to) return false;
      if (record.id >= from) {
        ASSIGN_OR_RETURN(bool go_on, visit(record));
        if (!go_on) return false;
      }
      offset = record.end();
    }
  } else {
    // Records chain forward only: walk back one index interval at a time,
    // parsing each interval forward into a small list of frames.
    std::vector<RecordView> chunk;
    size_t point = static_cast<size_t>(segment.index().FindFloor(to) - points.data());
    for (size_t p = point + 1; p-- > 0;) {
      const uint64_t chunk_end = p + 1 < points.size() ? points[p + 1].offset : segment.end_offset();
      chunk.clear();
      for (uint64_t offset = points[p].offset; offset < chunk_end;) {
        const RecordView record = ReadRecordAt(data, offset, ChecksumCheck::kSkip).record;
        if (record.id > to) break;
        chunk.push_back(record);
        offset = record.end();
      }
      for (auto it = chunk.rbegin(); it != chunk.rend(); ++it) {
        if (it->id < from) return false;
        ASSIGN_OR_RETURN(bool go_on, visit(*it));
        if (!go_on) return false;
      }
    }
  }
  // IDs increase, so only a range past the last valid record can hold
  // entries in the damaged part.
  if (segment.damaged_at().has_value() && to > segment.last_id()) {
    return absl::DataLossError(absl::StrFormat("corrupt segment %s at offset %d; entries after it are unreadable",
                                               segment.path(), *segment.damaged_at()));
  }
  return true;
}

absl::StatusOr<std::optional<RecordId>> Log::FirstId() {
  std::optional<RecordId> first;
  RETURN_IF_ERROR(Scan(kMinRecordId, kMaxRecordId, ScanDirection::kForward, [&](RecordId id, EntryView&) {
    first = id;
    return false;
  }));
  return first;
}

}  // namespace runnel::log
