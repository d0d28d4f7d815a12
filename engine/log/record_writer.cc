#include "engine/log/record_writer.h"

#include <cstring>

#include "engine/base/checksum.h"
#include "engine/base/coding.h"

namespace runnel::log {

void FinishRecord(char* record, RecordType type, RecordId id, uint32_t payload_length) {
  base::EncodeFixed32(record + 4, payload_length);
  record[8] = static_cast<char>(type);
  base::EncodeFixed64(record + 9, id.ms);
  base::EncodeFixed64(record + 17, id.seq);
  const uint32_t checksum =
      base::Checksum32(std::string_view(record + 4, kRecordHeaderSize - 4 + payload_length));
  base::EncodeFixed32(record, checksum);
}

void AppendRecord(std::string* out, RecordType type, RecordId id, std::string_view payload) {
  const size_t start = out->size();
  out->resize(start + kRecordHeaderSize + payload.size());
  char* record = out->data() + start;
  if (!payload.empty()) std::memcpy(record + kRecordHeaderSize, payload.data(), payload.size());
  FinishRecord(record, type, id, static_cast<uint32_t>(payload.size()));
}

}  // namespace runnel::log
