#include "engine/log/segment.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"
#include "engine/base/checksum.h"
#include "engine/base/coding.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/record_writer.h"

namespace runnel::log {
namespace {

// Appends fault pages in ahead of the writer this many bytes at a time: one
// madvise instead of 256 page faults per MiB.
constexpr uint64_t kPrefaultBytes = 1 << 20;

// Segments up to this size are read into a buffer to be scanned, not mapped.
constexpr uint64_t kReadToScanBytes = 256 << 10;

bool IsEntry(RecordType type) {
  return type == RecordType::kEntry || type == RecordType::kEntrySameFields;
}

}  // namespace

void EncodeSegmentHeader(const SegmentHeader& header, char* out) {
  std::memset(out, 0, kSegmentHeaderSize);
  base::EncodeFixed64(out, kSegmentMagic);
  base::EncodeFixed32(out + 8, kFormatVersion);
  base::EncodeFixed32(out + 12, kSegmentHeaderSize);
  base::EncodeFixed64(out + 16, header.capacity);
  base::EncodeFixed64(out + 24, header.base_id.ms);
  base::EncodeFixed64(out + 32, header.base_id.seq);
  base::EncodeFixed64(out + 40, header.first_ordinal);
  base::EncodeFixed64(out + 56, base::Checksum64(std::string_view(out, 56)));
}

absl::StatusOr<bool> HasRecordBytes(const std::string& path) {
  constexpr size_t kChunk = 1 << 20;
  for (uint64_t offset = kSegmentHeaderSize;; offset += kChunk) {
    ASSIGN_OR_RETURN(std::string bytes, base::ReadFileRange(path, offset, kChunk));
    if (bytes.find_first_not_of('\0') != std::string::npos) return true;
    if (bytes.size() < kChunk) return false;
  }
}

absl::StatusOr<SegmentHeader> DecodeSegmentHeader(std::string_view bytes, const std::string& path) {
  auto bad = [&](std::string_view why) {
    return absl::DataLossError(base::StrCat("bad segment header in ", path, " at offset 0: ", why));
  };
  if (bytes.size() < kSegmentHeaderSize) return bad("file shorter than a header");
  const char* data = bytes.data();
  if (base::DecodeFixed64(data) != kSegmentMagic) return bad("not a Runnel segment (magic)");
  if (base::DecodeFixed64(data + 56) != base::Checksum64(bytes.substr(0, 56))) return bad("checksum mismatch");
  if (base::DecodeFixed32(data + 8) != kFormatVersion) return bad("unsupported format version");
  if (base::DecodeFixed32(data + 12) != kSegmentHeaderSize) return bad("unexpected header size");
  SegmentHeader header;
  header.capacity = base::DecodeFixed64(data + 16);
  header.base_id = RecordId{base::DecodeFixed64(data + 24), base::DecodeFixed64(data + 32)};
  header.first_ordinal = base::DecodeFixed64(data + 40);
  if (header.capacity < kSegmentHeaderSize) return bad("capacity smaller than the header");
  return header;
}

absl::StatusOr<std::unique_ptr<Segment>> Segment::Create(std::string path, const SegmentHeader& header,
                                                          MappingCache* cache) {
  ASSIGN_OR_RETURN(std::shared_ptr<base::MappedFile> mapping, base::MappedFile::Create(path, header.capacity));
  EncodeSegmentHeader(header, mapping->mutable_data());
  std::unique_ptr<Segment> segment(new Segment(std::move(path), header, cache));
  segment->mapping_ = std::move(mapping);
  segment->appendable_ = true;
  segment->scanned_ = true;  // nothing to verify in a new file
  segment->synced_offset_ = 0;  // the header itself is not yet durable
  segment->cache_->Touch(segment.get());
  return segment;
}

absl::StatusOr<std::unique_ptr<Segment>> Segment::Open(std::string path, MappingCache* cache) {
  ASSIGN_OR_RETURN(std::string bytes, base::ReadFileRange(path, 0, kSegmentHeaderSize));
  ASSIGN_OR_RETURN(SegmentHeader header, DecodeSegmentHeader(bytes, path));
  std::unique_ptr<Segment> segment(new Segment(std::move(path), header, cache));
  return segment;
}

Segment::~Segment() { cache_->Forget(this); }

absl::StatusOr<std::shared_ptr<const base::MappedFile>> Segment::Map() {
  if (mapping_ != nullptr && (mapping_->writable() || !appendable_)) {
    cache_->Touch(this);
    return std::shared_ptr<const base::MappedFile>(mapping_);
  }
  const auto access = appendable_ ? base::MappedFile::Access::kReadWrite : base::MappedFile::Access::kReadOnly;
  ASSIGN_OR_RETURN(mapping_, base::MappedFile::Open(path_, access));
  if (mapping_->size() < header_.capacity) {
    mapping_.reset();
    return absl::DataLossError(absl::StrFormat("segment %s is shorter than its capacity %d", path_,
                                               header_.capacity));
  }
  prefaulted_end_ = 0;
  cache_->Touch(this);
  return std::shared_ptr<const base::MappedFile>(mapping_);
}

void Segment::DropMapping() { mapping_.reset(); }

void Segment::set_appendable(bool appendable) {
  if (appendable && !appendable_ && mapping_ != nullptr && !mapping_->writable()) {
    cache_->Forget(this);
    mapping_.reset();
  }
  appendable_ = appendable;
}

absl::Status Segment::Scan(ScanMode mode, RecoveryReport* report) {
  if (scanned_) return absl::OkStatus();
  // A small segment is read rather than mapped: at start-up every stream's
  // tail is scanned, and for 100,000 small streams a map, first touch and
  // unmap each (the mapping cache keeps only open-segments-max) cost far
  // more than a read. The segment maps on its first append or read.
  std::shared_ptr<const base::MappedFile> mapping;
  std::string copy;
  std::string_view data;
  if (header_.capacity <= kReadToScanBytes && mapping_ == nullptr) {
    ASSIGN_OR_RETURN(copy, base::ReadFileRange(path_, 0, header_.capacity));
    if (copy.size() < header_.capacity && mode == ScanMode::kTail) {
      RETURN_IF_ERROR(RestoreCapacity(report));
      copy.resize(header_.capacity, '\0');  // what the file lost reads as zeros
    }
    data = copy;
  } else {
    if (mode == ScanMode::kTail) RETURN_IF_ERROR(RestoreCapacity(report));
    ASSIGN_OR_RETURN(mapping, Map());
    data = mapping->contents();
  }
  index_.Clear();
  end_offset_ = kSegmentHeaderSize;
  record_count_ = 0;
  last_names_offset_ = 0;
  absl::Status status = ScanRecords(data, mode, report);
  // A damaged sealed segment is scanned too: its valid prefix stays readable.
  if (status.ok() || damaged_at_.has_value()) {
    scanned_ = true;
    synced_offset_ = end_offset_;
  }
  return status;
}

absl::Status Segment::TruncateAfter(RecordId last_kept) {
  if (!scanned_ || !appendable_ || damaged_at_.has_value()) {
    return absl::FailedPreconditionError(absl::StrFormat("cannot truncate segment %s", path_));
  }
  if (record_count_ == 0 || last_id_ <= last_kept) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::shared_ptr<const base::MappedFile> mapping, Map());
  const std::string_view data = mapping->contents();
  uint64_t cut = kSegmentHeaderSize;
  for (;;) {
    const ReadResult result = ReadRecordAt(data, cut, ChecksumCheck::kSkip);
    if (result.outcome != ReadOutcome::kRecord || result.record.id > last_kept) break;
    cut = result.record.end();
  }
  // Replies being sent may point into this mapping (zero-copy), so its bytes
  // never change: the kept records go to a new file, renamed over this one;
  // the old file lives on, unlinked, while a reply maps it. Durable before
  // returning: the caller forgets the removed records' tombstones next, and
  // a crash must find the records hidden or gone, never visible.
  const std::string fresh = base::StrCat(path_, kTruncatingSuffix);
  RETURN_IF_ERROR(base::RemoveFile(fresh));  // a leftover of an earlier attempt
  ASSIGN_OR_RETURN(std::shared_ptr<base::MappedFile> copy, base::MappedFile::Create(fresh, header_.capacity));
  std::memcpy(copy->mutable_data(), data.data(), cut);
  RETURN_IF_ERROR(copy->Sync(0, cut));
  RETURN_IF_ERROR(base::RenamePath(fresh, path_));
  RETURN_IF_ERROR(base::SyncDirectory(path_.substr(0, path_.rfind('/'))));
  mapping_ = std::move(copy);
  prefaulted_end_ = 0;
  cache_->Touch(this);
  scanned_ = false;
  return Scan(ScanMode::kTail, nullptr);  // everything kept is synced: the copy was
}

absl::Status Segment::RestoreCapacity(RecoveryReport* report) {
  // Create() allocates the whole file before writing the header, so no crash
  // of ours leaves a short file with a header; a copy cut short or a damaged
  // filesystem can. A mapping of it cannot take appends (a store past the end
  // of the file is a SIGBUS): grow it back, and what it lost reads as zeros,
  // so the scan recovers the records it still holds like any torn tail.
  ASSIGN_OR_RETURN(const uint64_t size, base::GrowFile(path_, header_.capacity));
  if (size >= header_.capacity) return absl::OkStatus();
  if (report != nullptr) {
    report->problems.push_back(RecoveryProblem{
        .kind = RecoveryProblem::Kind::kTornTail, .path = path_, .offset = size,
        .reason = absl::StrFormat("file shorter than its capacity %d; extended with zeros", header_.capacity)});
  }
  return absl::OkStatus();
}

const char* Segment::CheckRecord(std::string_view data, const RecordView& record) const {
  if (!IsEntry(record.type)) return "not an entry record";
  if (record_count_ == 0 && record.id != header_.base_id) return "first record's ID differs from the segment's base ID";
  if (record_count_ > 0 && record.id <= last_id_) return "record IDs out of order";
  if (record.type == RecordType::kEntry) {
    return ValidateEntry(record.payload) < 0 ? "malformed entry" : nullptr;
  }
  uint64_t back_offset;
  if (!ReadBackOffset(record.payload, &back_offset) || last_names_offset_ == 0 ||
      back_offset != record.offset - last_names_offset_) {
    return "same-fields entry without its names record";
  }
  // The names record was itself checked when the scan passed it.
  const ReadResult names = ReadRecordAt(data, last_names_offset_, ChecksumCheck::kSkip);
  const auto field_count = static_cast<uint64_t>(ValidateEntry(names.record.payload));
  return ValidateSameFields(record.payload, field_count) ? nullptr : "malformed same-fields entry";
}

absl::Status Segment::ScanRecords(std::string_view data, ScanMode mode, RecoveryReport* report) {
  uint64_t offset = kSegmentHeaderSize;
  const char* reason = nullptr;
  for (;;) {
    const ReadResult result = ReadRecordAt(data, offset, ChecksumCheck::kVerify);
    if (result.outcome == ReadOutcome::kEnd) break;
    if (result.outcome == ReadOutcome::kInvalid) {
      reason = result.reason;
      break;
    }
    reason = CheckRecord(data, result.record);
    if (reason != nullptr) break;
    index_.Observe(result.record.id, offset, record_count_);
    if (result.record.type == RecordType::kEntry) last_names_offset_ = offset;
    last_id_ = result.record.id;
    ++record_count_;
    offset = result.record.end();
  }
  end_offset_ = offset;
  if (report != nullptr) {
    report->bytes_scanned += offset;
    report->records += record_count_;
  }
  // A zero frame followed by more non-zero bytes is also a torn write: a
  // later record reached the disk, an earlier one did not.
  const uint64_t garbage_end = EndOfNonZero(data, offset);
  if (reason == nullptr && garbage_end == offset) return absl::OkStatus();
  if (reason == nullptr) reason = "non-zero bytes after the last record";

  if (mode == ScanMode::kSealed) {
    damaged_at_ = offset;
    RecoveryProblem problem{.kind = RecoveryProblem::Kind::kCorruption, .path = path_, .offset = offset,
                            .reason = reason};
    const std::string text = DescribeProblem(problem);
    if (report != nullptr) report->problems.push_back(std::move(problem));
    return absl::DataLossError(text);
  }
  // Everything from `offset` on was never acknowledged as durable: zero it so
  // that no later append can be followed by a stale record that happens to
  // verify. The tail segment is the appendable one, so it maps writable.
  if (appendable_) {
    RETURN_IF_ERROR(Map().status());
    std::memset(mapping_->mutable_data() + offset, 0, garbage_end - offset);
    RETURN_IF_ERROR(mapping_->Sync(offset, garbage_end - offset));
  }
  if (report != nullptr) {
    report->problems.push_back(RecoveryProblem{.kind = RecoveryProblem::Kind::kTornTail, .path = path_,
                                               .offset = offset, .bytes_dropped = garbage_end - offset,
                                               .reason = reason});
  }
  return absl::OkStatus();
}

uint64_t Segment::MaxRecordSize(std::span<const FieldValue> fields) {
  return kRecordHeaderSize + EncodedEntrySize(fields);
}

absl::StatusOr<bool> Segment::Append(RecordId id, std::span<const FieldValue> fields) {
  ASSIGN_OR_RETURN(std::shared_ptr<const base::MappedFile> mapping, Map());
  char* data = mapping_->mutable_data();
  bool same_fields = false;
  uint64_t back_offset = 0;
  if (last_names_offset_ != 0) {
    const ReadResult names = ReadRecordAt(mapping->contents(), last_names_offset_, ChecksumCheck::kSkip);
    same_fields = HasSameFieldNames(names.record.payload, fields);
    back_offset = end_offset_ - last_names_offset_;
  }
  const uint64_t payload_size =
      same_fields ? EncodedSameFieldsSize(fields, back_offset) : EncodedEntrySize(fields);
  if (payload_size > kMaxRecordPayload) return absl::InvalidArgumentError("entry too large");
  const uint64_t record_size = kRecordHeaderSize + payload_size;
  if (record_size > header_.capacity - end_offset_) return false;

  char* record = data + end_offset_;
  char* payload = record + kRecordHeaderSize;
  if (same_fields) {
    EncodeSameFields(payload, fields, back_offset);
  } else {
    EncodeEntry(payload, fields);
    last_names_offset_ = end_offset_;
  }
  FinishRecord(record, same_fields ? RecordType::kEntrySameFields : RecordType::kEntry, id,
               static_cast<uint32_t>(payload_size));
  index_.Observe(id, end_offset_, record_count_);
  end_offset_ += record_size;
  last_id_ = id;
  ++record_count_;
  if (end_offset_ + kPrefaultBytes / 4 > prefaulted_end_ && prefaulted_end_ < header_.capacity) {
    const uint64_t from = std::max(prefaulted_end_, end_offset_);
    mapping_->PrefaultForWrite(from, kPrefaultBytes);
    prefaulted_end_ = from + kPrefaultBytes;
  }
  return true;
}

absl::StatusOr<EntryView> Segment::EntryAt(const base::MappedFile& mapping, const RecordView& record) const {
  if (record.type == RecordType::kEntry) return EntryView(record.payload, {}, false);
  uint64_t back_offset;
  ReadBackOffset(record.payload, &back_offset);
  const ReadResult names = ReadRecordAt(mapping.contents(), record.offset - back_offset, ChecksumCheck::kSkip);
  if (names.outcome != ReadOutcome::kRecord || names.record.type != RecordType::kEntry) {
    return absl::DataLossError(absl::StrFormat("%s at offset %d: names record missing", path_, record.offset));
  }
  return EntryView(names.record.payload, record.payload, true);
}

void Segment::CollectSync(std::vector<SyncAction>* actions) {
  if (synced_offset_ >= end_offset_) return;
  if (mapping_ != nullptr) {
    actions->push_back(SyncAction{.kind = SyncAction::Kind::kMappedRange, .mapping = mapping_,
                                  .offset = synced_offset_, .length = end_offset_ - synced_offset_});
  } else {
    // Unmapped since the write: the dirty pages are in the page cache still.
    actions->push_back(SyncAction{.kind = SyncAction::Kind::kFile, .path = path_});
  }
  synced_offset_ = end_offset_;
}

}  // namespace runnel::log
