#include "engine/log/record_reader.h"

#include "engine/base/checksum.h"
#include "engine/base/coding.h"

namespace runnel::log {
namespace {

bool IsAllZero(std::string_view bytes) {
  for (char c : bytes) {
    if (c != 0) return false;
  }
  return true;
}

ReadResult Invalid(const char* reason) {
  return ReadResult{.outcome = ReadOutcome::kInvalid, .reason = reason};
}

}  // namespace

ReadResult ReadRecordAt(std::string_view data, uint64_t offset, ChecksumCheck check) {
  if (offset > data.size() || data.size() - offset < kRecordHeaderSize) return ReadResult{};
  const char* frame = data.data() + offset;
  if (IsAllZero(std::string_view(frame, kRecordHeaderSize))) return ReadResult{};
  const uint32_t length = base::DecodeFixed32(frame + 4);
  if (length > data.size() - offset - kRecordHeaderSize) return Invalid("length runs past the end of the file");
  if (check == ChecksumCheck::kVerify) {
    const uint32_t expected = base::Checksum32(std::string_view(frame + 4, kRecordHeaderSize - 4 + length));
    if (expected != base::DecodeFixed32(frame)) return Invalid("checksum mismatch");
  }
  const auto type = static_cast<RecordType>(frame[8]);
  switch (type) {
    case RecordType::kEntry:
    case RecordType::kEntrySameFields:
    case RecordType::kMetaState:
    case RecordType::kMetaDelete:
    case RecordType::kMetaExpire:
    case RecordType::kGroupCreate:
    case RecordType::kGroupSetPosition:
    case RecordType::kGroupDestroy:
    case RecordType::kGroupCreateConsumer:
    case RecordType::kGroupDeleteConsumer:
    case RecordType::kGroupSetPending:
    case RecordType::kGroupAcknowledge:
      break;
    default:
      return Invalid("unknown record type");
  }
  ReadResult result;
  result.outcome = ReadOutcome::kRecord;
  result.record = RecordView{
      .offset = offset,
      .type = type,
      .id = RecordId{base::DecodeFixed64(frame + 9), base::DecodeFixed64(frame + 17)},
      .payload = std::string_view(frame + kRecordHeaderSize, length),
  };
  return result;
}

uint64_t EndOfNonZero(std::string_view data, uint64_t from) {
  uint64_t end = data.size();
  // Word at a time: recovery runs this over the unused part of a segment, up
  // to segment-max-bytes, and reading fallocated extents costs no disk I/O.
  while (end >= from + 8 && base::DecodeFixed64(data.data() + end - 8) == 0) end -= 8;
  while (end > from && data[end - 1] == 0) --end;
  return end;
}

}  // namespace runnel::log
