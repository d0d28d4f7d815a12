// Stream entry bodies: the payload of kEntry and kEntrySameFields records.
//
//   kEntry:           varint field_count, then field_count x (lp name, lp value)
//   kEntrySameFields: varint back_offset, then field_count x (lp value)
//
// lp = varint length + bytes. back_offset is the distance in bytes from the
// start of this record back to the start of the kEntry record whose names it
// shares; that record is always in the same segment (segments are dropped
// whole), so the reference can never dangle. Entries of a stream usually repeat
// their field names (the idea of Redis's listpack "same fields" flag), so most
// records carry values only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "engine/base/file.h"

namespace runnel::log {

struct FieldValue {
  std::string_view field;
  std::string_view value;
};

// Encoded sizes, for sizing a record before writing it in place.
uint64_t EncodedEntrySize(std::span<const FieldValue> fields);
uint64_t EncodedSameFieldsSize(std::span<const FieldValue> fields, uint64_t back_offset);

// Write the payload at dst (which has room for the size above); return its end.
char* EncodeEntry(char* dst, std::span<const FieldValue> fields);
char* EncodeSameFields(char* dst, std::span<const FieldValue> fields, uint64_t back_offset);

// True when `fields` have exactly the names of the kEntry payload `names`.
bool HasSameFieldNames(std::string_view names_payload, std::span<const FieldValue> fields);

// Validates a kEntry payload; returns its field count, or -1 when malformed.
int64_t ValidateEntry(std::string_view payload);
// Validates a kEntrySameFields payload against the names record it points to;
// false when malformed or when the value count differs.
bool ValidateSameFields(std::string_view payload, uint64_t field_count);
// The back_offset of a kEntrySameFields payload; false when malformed.
bool ReadBackOffset(std::string_view payload, uint64_t* back_offset);

// A decoded view of one entry; string_views point into the segment mapping
// (valid while the scan that produced it holds the mapping).
class EntryView {
 public:
  EntryView(std::string_view names_payload, std::string_view values_payload, bool same_fields);

  uint64_t field_count() const { return field_count_; }
  // Yields the next (field, value) pair; false after the last one.
  bool Next(std::string_view* field, std::string_view* value);

  // The mapping the fields and values point into, when a scan of the log
  // made this view (null otherwise): holding it keeps them readable, and
  // unchanged, after the visit (a zero-copy reply sends them from there).
  const std::shared_ptr<const base::MappedFile>* mapping() const { return mapping_; }
  void set_mapping(const std::shared_ptr<const base::MappedFile>* mapping) { mapping_ = mapping; }

 private:
  std::string_view names_;   // kEntry payload after its count
  std::string_view values_;  // kEntrySameFields payload after its back_offset; unused otherwise
  bool same_fields_;
  uint64_t field_count_ = 0;
  const std::shared_ptr<const base::MappedFile>* mapping_ = nullptr;
};

}  // namespace runnel::log
