// Frames records in place: the caller writes the payload at
// record + kRecordHeaderSize, then FinishRecord() writes the header and the
// checksum over both. No I/O and no allocation; the same frame serves segment
// files (written through a mapping) and the meta journal (a string buffer).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/log/record_format.h"

namespace runnel::log {

// `record` points at kRecordHeaderSize + payload_length writable bytes whose
// payload part is already filled.
void FinishRecord(char* record, RecordType type, RecordId id, uint32_t payload_length);

// Appends one framed record to `out`.
void AppendRecord(std::string* out, RecordType type, RecordId id, std::string_view payload);

}  // namespace runnel::log
