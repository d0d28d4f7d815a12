#include "engine/stream/stream.h"

#include <algorithm>

#include "engine/base/logging.h"
#include "engine/base/status_macros.h"
#include "engine/log/stream_directory.h"

namespace runnel::stream {

Stream::Stream(std::unique_ptr<log::Log> log) : log_(std::move(log)) {}

Stream::~Stream() = default;

absl::Status Stream::Prepare() {
  RETURN_IF_ERROR(log_->Recover());
  if (groups_ != nullptr) return absl::OkStatus();
  // Loaded on first use, like the log's tail (Log::OpenDeferred), so a
  // start-up with many streams reads no group journal.
  log::RecoveryReport report;
  ASSIGN_OR_RETURN(std::unique_ptr<ConsumerGroups> groups,
                   ConsumerGroups::Open(log_->directory(), log_->scheduler(), &report));
  for (const log::RecoveryProblem& problem : report.problems) {
    if (problem.kind == log::RecoveryProblem::Kind::kCorruption) {
      RUNNEL_LOG_WARNING("%s", log::DescribeProblem(problem));
    } else {
      RUNNEL_LOG_NOTICE("%s", log::DescribeProblem(problem));
    }
  }
  RETURN_IF_ERROR(CatchUpWithGroups(*groups));
  groups_ = std::move(groups);
  return absl::OkStatus();
}

absl::Status Stream::CatchUpWithGroups(const ConsumerGroups& groups) {
  // The log and the journal are two files synced in one batch; a power loss
  // under everysec (or no) may keep the journal's last writes and not the
  // log's. A group then says it delivered IDs the log no longer has: raise
  // the last ID (and entries-added) to them, or a new entry could take an ID
  // the group thinks it has already passed and never be delivered. Pending
  // IDs naming lost entries are left, as Redis leaves those of deleted ones.
  StreamId last_delivered = log_->last_id();
  int64_t entries_read = static_cast<int64_t>(log_->entries_added());
  groups.ForEach([&](const std::string&, const ConsumerGroup& group) {
    last_delivered = std::max(last_delivered, group.last_delivered());
    entries_read = std::max(entries_read, group.entries_read());
  });
  // Only then: a group may validly count more entries read than were added
  // (XGROUP SETID ENTRIESREAD), which says nothing of lost entries.
  if (last_delivered == log_->last_id()) return absl::OkStatus();
  RUNNEL_LOG_WARNING("Stream %s: its consumer groups have read past its last entry (lost in a crash); "
                     "last ID raised to %s, entries-added to %d",
                     log_->directory(), FormatId(last_delivered), entries_read);
  return log_->SetMetadata(last_delivered, static_cast<uint64_t>(entries_read), log_->max_deleted_id());
}

void Stream::Discard() {
  if (groups_ != nullptr) groups_->Discard();
  if (absl::Status status = log_->Destroy(); !status.ok()) {
    // The key is gone either way; files left behind are removed at the next
    // start only if renamed, so say where they are.
    RUNNEL_LOG_WARNING("Removing the files of a deleted stream (%s): %s", log_->directory(), status.message());
  }
}

absl::Status Stream::MoveTo(std::string_view key) {
  RETURN_IF_ERROR(log::MoveLogToKey(*log_, key));
  if (groups_ != nullptr) groups_->SetDirectory(log_->directory());
  return absl::OkStatus();
}

absl::StatusOr<StreamId> Stream::Add(const ParsedId& requested, std::span<const log::FieldValue> fields,
                                     uint64_t now_ms) {
  ASSIGN_OR_RETURN(const StreamId id, NextId(requested, log_->last_id(), now_ms));
  RETURN_IF_ERROR(log_->Append(id, fields));
  return id;
}

absl::StatusOr<uint64_t> Stream::Trim(const TrimSpec& spec) {
  ASSIGN_OR_RETURN(const uint64_t remove, EntriesToTrim(spec, *log_));
  if (remove == 0) return 0;
  ASSIGN_OR_RETURN(const std::optional<StreamId> first_kept, log_->IdAtPosition(remove));
  return log_->TrimBefore(first_kept.value_or(kMaxId), log::TrimMode::kExact);
}

absl::StatusOr<uint64_t> Stream::Delete(std::span<const StreamId> ids) {
  uint64_t deleted = 0;
  for (StreamId id : ids) {
    ASSIGN_OR_RETURN(const bool was_live, log_->Delete(id));
    deleted += was_live ? 1 : 0;
  }
  return deleted;
}

absl::Status Stream::Range(StreamId start, StreamId end, log::ScanDirection direction, uint64_t count,
                           log::EntryVisitor visitor) {
  uint64_t visited = 0;
  return log_->Scan(start, end, direction, [&](log::RecordId id, log::EntryView& entry) {
    if (!visitor(id, entry)) return false;
    return count == 0 || ++visited < count;
  });
}

absl::StatusOr<std::optional<StreamId>> Stream::LastEntryId() {
  std::optional<StreamId> last;
  RETURN_IF_ERROR(log_->Scan(kMinId, kMaxId, log::ScanDirection::kBackward, [&](log::RecordId id, log::EntryView&) {
    last = id;
    return false;
  }));
  return last;
}

absl::Status Stream::SetId(const IdSettings& settings) {
  // Redis's checks, in its order (t_stream.c xsetidCommand, 7.0).
  if (log_->length() > 0) {
    ASSIGN_OR_RETURN(const std::optional<StreamId> top, LastEntryId());
    if (top.has_value() && settings.last_id < *top) {
      return absl::FailedPreconditionError("The ID specified in XSETID is smaller than the target stream top item");
    }
    if (settings.entries_added.has_value() && *settings.entries_added < log_->length()) {
      return absl::FailedPreconditionError(
          "The entries_added specified in XSETID is smaller than the target stream length");
    }
  }
  return log_->SetMetadata(settings.last_id, settings.entries_added.value_or(log_->entries_added()),
                           settings.max_deleted.value_or(log_->max_deleted_id()));
}

absl::StatusOr<bool> Stream::MayHaveTombstonesFrom(StreamId start) {
  const StreamId max_deleted = log_->max_deleted_id();
  if (log_->length() == 0 || max_deleted == kMinId) return false;
  ASSIGN_OR_RETURN(const std::optional<StreamId> first, log_->FirstId());
  // The latest deletion is before the first entry: none is left among them.
  if (first.has_value() && *first > max_deleted) return false;
  return start <= max_deleted;
}

absl::StatusOr<int64_t> Stream::EstimateEntriesRead(StreamId id) {
  const auto added = static_cast<int64_t>(log_->entries_added());
  const auto length = static_cast<int64_t>(log_->length());
  // Any ID of a never-used stream counts 0.
  if (added == 0) return 0;
  // In an empty stream every ID up to the last counts all that were added.
  if (length == 0 && id <= log_->last_id()) return added;
  if (id == log_->last_id()) return added;
  if (id > log_->last_id()) return kEntriesReadUnknown;  // a future ID
  ASSIGN_OR_RETURN(const std::optional<StreamId> first_entry, log_->FirstId());
  const StreamId first = first_entry.value_or(kMinId);
  const StreamId max_deleted = log_->max_deleted_id();
  if (max_deleted == kMinId || max_deleted < first) {
    // No deletion ahead of the first entry: the count is exact.
    if (id < first) return added - length;
    if (id == first) return added - length + 1;
  }
  return kEntriesReadUnknown;
}

absl::StatusOr<std::optional<int64_t>> Stream::Lag(const ConsumerGroup& group) {
  const auto added = static_cast<int64_t>(log_->entries_added());
  if (added == 0) return 0;  // a new stream's lag is 0
  if (group.entries_read() != kEntriesReadUnknown) {
    ASSIGN_OR_RETURN(const bool tombstones, MayHaveTombstonesFrom(group.last_delivered()));
    if (!tombstones) return added - group.entries_read();
  }
  ASSIGN_OR_RETURN(const int64_t read, EstimateEntriesRead(group.last_delivered()));
  if (read == kEntriesReadUnknown) return std::nullopt;
  return added - read;
}

uint64_t Stream::index_points() const {
  uint64_t points = 0;
  for (size_t i = 0; i < log_->segment_count(); ++i) points += log_->segment(i).index().size();
  return points;
}

}  // namespace runnel::stream
