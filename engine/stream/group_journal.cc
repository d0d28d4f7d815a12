// GroupJournal: replay at open, appends on an open descriptor, syncs in the
// scheduler's batches, and compaction into a snapshot (group_snapshot.cc).
//
// Invariant: the file is header + the records of every change applied to
// the ConsumerGroups since its last snapshot, in order; records_ counts them
// and file_->size() is its length. A failed append leaves both unchanged
// (AppendFile cuts a short write back).
#include "engine/stream/group_journal.h"

#include "absl/strings/str_format.h"
#include "engine/base/logging.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/journal_scan.h"
#include "engine/log/record_format.h"
#include "engine/log/recovery.h"
#include "engine/log/segment_naming.h"
#include "engine/log/sync_scheduler.h"
#include "engine/stream/group_record_codec.h"

namespace runnel::stream {
namespace {

using log::RecoveryProblem;

// Records a problem in `report`, or in the server log when there is none.
void Report(log::RecoveryReport* report, RecoveryProblem problem) {
  if (report != nullptr) {
    report->problems.push_back(std::move(problem));
  } else if (problem.kind == RecoveryProblem::Kind::kCorruption) {
    RUNNEL_LOG_WARNING("%s", log::DescribeProblem(problem));
  } else {
    RUNNEL_LOG_NOTICE("%s", log::DescribeProblem(problem));
  }
}

}  // namespace

std::string GroupJournal::path() const { return base::StrCat(directory_, "/", log::kGroupsFileName); }

absl::StatusOr<std::unique_ptr<GroupJournal>> GroupJournal::Open(std::string directory, log::SyncScheduler* scheduler,
                                                                  ConsumerGroups* groups,
                                                                  log::RecoveryReport* report) {
  std::unique_ptr<GroupJournal> journal(new GroupJournal(std::move(directory), scheduler));
  const std::string path = journal->path();
  absl::StatusOr<std::string> bytes = base::ReadSmallFile(path);
  if (absl::IsNotFound(bytes.status())) return journal;
  if (!bytes.ok()) return bytes.status();
  const uint64_t size = bytes->size();
  // Replays through the same Apply as live changes (a friend's access).
  DecodedGroupRecord decoded;
  const log::JournalScan scan =
      log::ScanJournal(*bytes, log::kGroupsMagic, [&](const log::RecordView& frame) -> const char* {
        if (!DecodeGroupRecord(frame, &decoded)) return "malformed consumer-group record";
        if (!groups->Apply(decoded.record)) return "consumer-group record does not apply";
        return nullptr;
      });
  journal->records_ = scan.records;
  uint64_t keep = size;
  switch (scan.header) {
    case log::JournalScan::Header::kEmpty:
      // Created, but the first write failed (a full disk cuts it back to
      // empty) or never reached the disk: an empty journal.
      if (size > 0) {
        Report(report, RecoveryProblem{.kind = RecoveryProblem::Kind::kTornTail, .path = path, .offset = 0,
                                       .bytes_dropped = size, .reason = "journal's first write never reached the disk"});
      }
      keep = 0;
      break;
    case log::JournalScan::Header::kBad:
      // Without a trustworthy journal the groups are unknown: say so
      // loudly, keep the file for an operator, and start afresh so later
      // changes are not written after bytes no reader accepts.
      Report(report, RecoveryProblem{.kind = RecoveryProblem::Kind::kCorruption, .path = path, .offset = 0,
                                     .reason = "bad consumer-group journal header; kept as groups.damaged"});
      RETURN_IF_ERROR(base::RenamePath(path, base::StrCat(path, ".damaged")));
      return journal;
    case log::JournalScan::Header::kValid:
      if (scan.stop_reason == nullptr) break;
      keep = scan.valid_end;
      if (scan.torn) {
        // A write cut short: it was never acknowledged as durable.
        Report(report, RecoveryProblem{.kind = RecoveryProblem::Kind::kTornTail, .path = path,
                                       .offset = scan.valid_end, .bytes_dropped = size - keep,
                                       .reason = scan.stop_reason});
      } else {
        // Damage in the middle: what follows cannot be replayed without
        // what is lost. Keep a copy, and go on from the last good record.
        RETURN_IF_ERROR(base::WriteFileAtomically(base::StrCat(path, ".damaged"), *bytes));
        Report(report, RecoveryProblem{.kind = RecoveryProblem::Kind::kCorruption, .path = path,
                                       .offset = scan.valid_end,
                                       .reason = absl::StrFormat("%s; replay stopped, %d bytes dropped, kept as groups.damaged",
                                                                 scan.stop_reason, size - keep)});
      }
      break;
  }
  if (keep < size) {
    RETURN_IF_ERROR(base::TruncateFile(path, keep));
    // The cut is made durable by the next batch, through the descriptor.
    RETURN_IF_ERROR(journal->UseDescriptor());
    journal->unsynced_ = true;
    journal->MarkDirty();
  }
  // Otherwise the descriptor is opened by the first append: a stream whose
  // groups are only read holds none.
  return journal;
}

GroupJournal::~GroupJournal() {
  // Unsynced appends of a journal that goes away with the process (or the
  // stream's discard) need no sync: shutdown syncs first, a discard deletes.
  OpenJournals::Instance().Forget(&open_position_);
  if (scheduler_ != nullptr) scheduler_->Forget(this);
}

absl::Status GroupJournal::UseDescriptor() {
  if (file_ == nullptr) {
    // The first change since the journal was opened (or since its
    // descriptor was given up): creates the file if missing.
    const bool existed = base::PathExists(path());
    ASSIGN_OR_RETURN(file_, base::AppendFile::Open(path()));
    if (!existed) directory_unsynced_ = true;
  }
  OpenJournals::Instance().Used(this, &open_position_);
  return absl::OkStatus();
}

void GroupJournal::CloseDescriptor() {
  OpenJournals::Instance().Forget(&open_position_);
  if (file_ == nullptr) return;
  if (unsynced_ && scheduler_ != nullptr) {
    // The action keeps the descriptor open until its batch has synced it.
    scheduler_->AddAction(log::SyncAction{.kind = log::SyncAction::Kind::kOpenFile, .file = file_});
    unsynced_ = false;
  }
  file_.reset();
}

void GroupJournal::MarkDirty() {
  if (scheduler_ != nullptr) scheduler_->MarkDirty(this);
}

absl::Status GroupJournal::Append(const GroupRecord& record) {
  if (discarded_) return absl::FailedPreconditionError("consumer-group journal of a deleted stream");
  RETURN_IF_ERROR(UseDescriptor());
  buffer_.clear();
  if (file_->size() == 0) buffer_ = log::JournalHeader(log::kGroupsMagic);
  AppendGroupRecord(&buffer_, record);
  RETURN_IF_ERROR(file_->Append(buffer_));
  ++records_;
  unsynced_ = true;
  MarkDirty();
  return absl::OkStatus();
}

absl::Status GroupJournal::MaybeCompact(const ConsumerGroups& groups) {
  if (file_ == nullptr) return absl::OkStatus();
  const uint64_t size = file_->size();
  if (size <= compact_retry_bytes_ || size <= 2 * EstimateSnapshotBytes(groups) + kCompactionSlackBytes) {
    return absl::OkStatus();
  }
  if (absl::Status status = Compact(groups); !status.ok()) {
    // Nothing is lost (the records are all in the file); try again later
    // rather than on every change while the disk is full.
    compact_retry_bytes_ = size + kCompactionSlackBytes;
    RUNNEL_LOG_WARNING("Could not compact %s: %s", path(), status.message());
  }
  return absl::OkStatus();
}

absl::Status GroupJournal::Compact(const ConsumerGroups& groups) {
  if (discarded_) return absl::FailedPreconditionError("consumer-group journal of a deleted stream");
  std::string bytes = log::JournalHeader(log::kGroupsMagic);
  const uint64_t records = AppendSnapshot(groups, &bytes);
  // Atomic and durable (temporary file, fdatasync, rename, directory
  // fsync): a crash leaves the old journal or the snapshot, never a mix,
  // and every change so far is durable once this returns. A sync batch
  // still holding the old descriptor syncs the old, unlinked file: harmless.
  RETURN_IF_ERROR(base::WriteFileAtomically(path(), bytes));
  records_ = records;
  unsynced_ = false;
  directory_unsynced_ = false;
  compact_retry_bytes_ = 0;
  // Appends go to the new file. Should it not open, the next Append opens
  // it by path; none may go to the old file, which is no longer the journal.
  file_.reset();
  return UseDescriptor();
}

void GroupJournal::SetDirectory(std::string directory) { directory_ = std::move(directory); }

void GroupJournal::Discard() {
  discarded_ = true;
  unsynced_ = false;
  directory_unsynced_ = false;
  file_.reset();
  OpenJournals::Instance().Forget(&open_position_);
  if (scheduler_ != nullptr) scheduler_->Forget(this);
}

void GroupJournal::CollectSync(std::vector<log::SyncAction>* actions) {
  if (unsynced_ && file_ != nullptr) {
    actions->push_back(log::SyncAction{.kind = log::SyncAction::Kind::kOpenFile, .file = file_});
  }
  if (directory_unsynced_) {
    actions->push_back(log::SyncAction{.kind = log::SyncAction::Kind::kDirectory, .path = directory_});
  }
  unsynced_ = false;
  directory_unsynced_ = false;
}

}  // namespace runnel::stream
