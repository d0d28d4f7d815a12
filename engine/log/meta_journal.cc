#include "engine/log/meta_journal.h"

#include <algorithm>

#include "engine/base/coding.h"
#include "engine/base/file.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/record_reader.h"
#include "engine/log/record_writer.h"

namespace runnel::log {
namespace {

// Rewrite the file once it holds this many more records than live state.
constexpr uint64_t kCompactionSlack = 4096;

uint64_t ZigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
int64_t UnZigZag(uint64_t value) { return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1); }

std::string EncodeState(const LogState& state) {
  std::string payload;
  for (uint64_t value : {state.logical_first.ms, state.logical_first.seq, state.logical_first_ordinal,
                         ZigZag(state.entries_added_adjust), state.last_id_floor.ms, state.last_id_floor.seq,
                         state.max_deleted.ms, state.max_deleted.seq}) {
    base::PutVarint64(&payload, value);
  }
  return payload;
}

bool DecodeState(std::string_view payload, LogState* state) {
  uint64_t values[8];
  for (uint64_t& value : values) {
    if (!base::GetVarint64(&payload, &value)) return false;
  }
  *state = LogState{.logical_first = {values[0], values[1]},
                    .logical_first_ordinal = values[2],
                    .entries_added_adjust = UnZigZag(values[3]),
                    .last_id_floor = {values[4], values[5]},
                    .max_deleted = {values[6], values[7]}};
  return payload.empty();
}

// kMetaExpire payload: the expiry as a fixed 8-byte little-endian Unix ms.
std::string EncodeExpire(int64_t expire_at_ms) {
  std::string payload(8, '\0');
  base::EncodeFixed64(payload.data(), static_cast<uint64_t>(expire_at_ms));
  return payload;
}

bool DecodeExpire(std::string_view payload, int64_t* expire_at_ms) {
  if (payload.size() != 8) return false;
  *expire_at_ms = static_cast<int64_t>(base::DecodeFixed64(payload.data()));
  return *expire_at_ms >= 0;
}

std::string FileHeader() {
  std::string header(kMetaHeaderSize, '\0');
  base::EncodeFixed64(header.data(), kMetaMagic);
  base::EncodeFixed32(header.data() + 8, kFormatVersion);
  return header;
}

}  // namespace

JournalContents ParseJournal(std::string_view data) {
  JournalContents contents;
  if (data.find_first_not_of('\0') == std::string_view::npos) return contents;
  if (data.size() < kMetaHeaderSize || base::DecodeFixed64(data.data()) != kMetaMagic ||
      base::DecodeFixed32(data.data() + 8) != kFormatVersion) {
    contents.header = JournalContents::Header::kBad;
    return contents;
  }
  contents.header = JournalContents::Header::kValid;
  uint64_t offset = kMetaHeaderSize;
  for (;;) {
    const ReadResult result = ReadRecordAt(data, offset, ChecksumCheck::kVerify);
    if (result.outcome == ReadOutcome::kEnd) {
      if (offset < data.size()) contents.torn_reason = "partial record at the end";
      break;
    }
    if (result.outcome == ReadOutcome::kInvalid) {
      contents.torn_reason = result.reason;
      break;
    }
    const RecordView& record = result.record;
    if (record.type == RecordType::kMetaDelete) {
      contents.deleted.insert(record.id);
      contents.state.max_deleted = std::max(contents.state.max_deleted, record.id);
    } else if (record.type == RecordType::kMetaExpire) {
      if (!DecodeExpire(record.payload, &contents.expire_at_ms)) {
        contents.torn_reason = "malformed expiry record";
        break;
      }
    } else if (record.type != RecordType::kMetaState || !DecodeState(record.payload, &contents.state)) {
      contents.torn_reason = "unexpected or malformed record";
      break;
    }
    ++contents.records;
    offset = record.end();
  }
  contents.valid_end = offset;
  return contents;
}

absl::StatusOr<MetaJournal> MetaJournal::Load(std::string path, RecoveryReport* report) {
  MetaJournal journal(std::move(path));
  absl::StatusOr<std::string> bytes = base::ReadSmallFile(journal.path_);
  if (absl::IsNotFound(bytes.status())) return journal;
  if (!bytes.ok()) return bytes.status();
  const uint64_t size = bytes->size();
  auto problem = [&](RecoveryProblem::Kind kind, uint64_t offset, const char* reason) {
    if (report == nullptr) return;
    report->problems.push_back(RecoveryProblem{.kind = kind, .path = journal.path_, .offset = offset,
                                               .bytes_dropped = size - offset, .reason = reason});
  };
  JournalContents contents = ParseJournal(*bytes);
  switch (contents.header) {
    case JournalContents::Header::kEmpty:
      // Created, but its first write failed (a full disk: AppendToFile cuts
      // the file back to empty) or never reached the disk: an empty journal,
      // whose next write starts it afresh from offset 0.
      if (size > 0) {
        problem(RecoveryProblem::Kind::kTornTail, 0, "journal's first write never reached the disk");
        RETURN_IF_ERROR(base::TruncateFile(journal.path_, 0));
      }
      return journal;
    case JournalContents::Header::kBad:
      // Without a trustworthy journal the stream's trims and deletions are
      // unknown: say so loudly, keep the damaged file beside it for an
      // operator (".damaged"), and start a fresh journal so later trims and
      // deletions are not written after bytes no reader accepts.
      problem(RecoveryProblem::Kind::kCorruption, 0, "bad meta journal header; kept as meta.damaged");
      RETURN_IF_ERROR(base::RenamePath(journal.path_, base::StrCat(journal.path_, ".damaged")));
      return journal;
    case JournalContents::Header::kValid:
      break;
  }
  journal.exists_ = true;
  journal.state_ = contents.state;
  journal.expire_at_ms_ = contents.expire_at_ms;
  journal.records_in_file_ = contents.records;
  if (contents.torn_reason != nullptr) {
    // Appends are sequential: an invalid record is a write cut short.
    problem(RecoveryProblem::Kind::kTornTail, contents.valid_end, contents.torn_reason);
    RETURN_IF_ERROR(base::TruncateFile(journal.path_, contents.valid_end));
  }
  contents.deleted.erase(contents.deleted.begin(), contents.deleted.lower_bound(journal.state_.logical_first));
  journal.deleted_ = std::move(contents.deleted);
  return journal;
}

absl::Status MetaJournal::Append(const std::string& records) {
  std::string bytes = exists_ ? std::string() : FileHeader();
  bytes += records;
  RETURN_IF_ERROR(base::AppendToFile(path_, bytes).status());
  exists_ = true;
  unsynced_ = true;
  return absl::OkStatus();
}

absl::Status MetaJournal::WriteState(const LogState& state) {
  std::string record;
  AppendRecord(&record, RecordType::kMetaState, RecordId{}, EncodeState(state));
  RETURN_IF_ERROR(Append(record));
  state_ = state;
  ++records_in_file_;
  return absl::OkStatus();
}

absl::Status MetaJournal::AddDeleted(RecordId id) {
  std::string record;
  AppendRecord(&record, RecordType::kMetaDelete, id, {});
  RETURN_IF_ERROR(Append(record));
  deleted_.insert(id);
  state_.max_deleted = std::max(state_.max_deleted, id);
  ++records_in_file_;
  return absl::OkStatus();
}

absl::Status MetaJournal::Rewrite(const LogState& state, absl::btree_set<RecordId> deleted) {
  state_ = state;
  deleted_ = std::move(deleted);
  return Compact();
}

absl::Status MetaJournal::WriteExpireAt(int64_t expire_at_ms) {
  std::string record;
  AppendRecord(&record, RecordType::kMetaExpire, RecordId{}, EncodeExpire(expire_at_ms));
  RETURN_IF_ERROR(Append(record));
  expire_at_ms_ = expire_at_ms;
  ++records_in_file_;
  // EXPIRE may be repeated forever on one key; each adds a record.
  return MaybeCompact();
}

absl::Status MetaJournal::ForgetDeletedBefore(RecordId first) {
  deleted_.erase(deleted_.begin(), deleted_.lower_bound(first));
  return MaybeCompact();
}

absl::Status MetaJournal::MaybeCompact() {
  if (records_in_file_ > live_records() + kCompactionSlack) return Compact();
  return absl::OkStatus();
}

std::string MetaJournal::EncodeLive() const {
  std::string bytes = FileHeader();
  // Deletions first: replaying them raises the largest deleted ID, and the
  // state after them restores the value in memory (XSETID may have lowered it).
  for (RecordId id : deleted_) AppendRecord(&bytes, RecordType::kMetaDelete, id, {});
  AppendRecord(&bytes, RecordType::kMetaState, RecordId{}, EncodeState(state_));
  if (expire_at_ms_ != 0) AppendRecord(&bytes, RecordType::kMetaExpire, RecordId{}, EncodeExpire(expire_at_ms_));
  return bytes;
}

absl::Status MetaJournal::Compact() {
  // Atomic (temporary file, fsync, rename): a crash leaves the old or the new
  // journal, never a mix. Rare, so its synchronous fsync is acceptable.
  RETURN_IF_ERROR(base::WriteFileAtomically(path_, EncodeLive()));
  records_in_file_ = live_records();
  exists_ = true;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> MetaJournal::ForgetDeletedAbove(RecordId last) {
  auto first_phantom = deleted_.upper_bound(last);
  const auto count = static_cast<uint64_t>(std::distance(first_phantom, deleted_.end()));
  if (count == 0) return 0;
  deleted_.erase(first_phantom, deleted_.end());
  RETURN_IF_ERROR(Compact());
  return count;
}

void MetaJournal::CollectSync(std::vector<SyncAction>* actions) {
  if (!unsynced_) return;
  actions->push_back(SyncAction{.kind = SyncAction::Kind::kFile, .path = path_});
  unsynced_ = false;
}

}  // namespace runnel::log
