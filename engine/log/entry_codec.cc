#include "engine/log/entry_codec.h"

#include <cstring>

#include "engine/base/coding.h"

namespace runnel::log {
namespace {

using base::EncodeVarint64;
using base::GetLengthPrefixed;
using base::GetVarint64;
using base::VarintLength;

uint64_t LengthPrefixedSize(std::string_view bytes) {
  return VarintLength(bytes.size()) + bytes.size();
}

char* PutLengthPrefixed(char* dst, std::string_view bytes) {
  dst = EncodeVarint64(dst, bytes.size());
  if (!bytes.empty()) std::memcpy(dst, bytes.data(), bytes.size());
  return dst + bytes.size();
}

}  // namespace

uint64_t EncodedEntrySize(std::span<const FieldValue> fields) {
  uint64_t size = VarintLength(fields.size());
  for (const FieldValue& pair : fields) size += LengthPrefixedSize(pair.field) + LengthPrefixedSize(pair.value);
  return size;
}

uint64_t EncodedSameFieldsSize(std::span<const FieldValue> fields, uint64_t back_offset) {
  uint64_t size = VarintLength(back_offset);
  for (const FieldValue& pair : fields) size += LengthPrefixedSize(pair.value);
  return size;
}

char* EncodeEntry(char* dst, std::span<const FieldValue> fields) {
  dst = EncodeVarint64(dst, fields.size());
  for (const FieldValue& pair : fields) {
    dst = PutLengthPrefixed(dst, pair.field);
    dst = PutLengthPrefixed(dst, pair.value);
  }
  return dst;
}

char* EncodeSameFields(char* dst, std::span<const FieldValue> fields, uint64_t back_offset) {
  dst = EncodeVarint64(dst, back_offset);
  for (const FieldValue& pair : fields) dst = PutLengthPrefixed(dst, pair.value);
  return dst;
}

bool HasSameFieldNames(std::string_view names_payload, std::span<const FieldValue> fields) {
  uint64_t count;
  if (!GetVarint64(&names_payload, &count) || count != fields.size()) return false;
  for (const FieldValue& pair : fields) {
    std::string_view name, value;
    if (!GetLengthPrefixed(&names_payload, &name) || !GetLengthPrefixed(&names_payload, &value)) {
      return false;
    }
    if (name != pair.field) return false;
  }
  return true;
}

int64_t ValidateEntry(std::string_view payload) {
  uint64_t count;
  // Each pair takes at least two bytes, which bounds a hostile count.
  if (!GetVarint64(&payload, &count) || count > payload.size() / 2) return -1;
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view name, value;
    if (!GetLengthPrefixed(&payload, &name) || !GetLengthPrefixed(&payload, &value)) return -1;
  }
  return payload.empty() ? static_cast<int64_t>(count) : -1;
}

bool ValidateSameFields(std::string_view payload, uint64_t field_count) {
  uint64_t back_offset;
  if (!GetVarint64(&payload, &back_offset)) return false;
  for (uint64_t i = 0; i < field_count; ++i) {
    std::string_view value;
    if (!GetLengthPrefixed(&payload, &value)) return false;
  }
  return payload.empty();
}

bool ReadBackOffset(std::string_view payload, uint64_t* back_offset) {
  return GetVarint64(&payload, back_offset);
}

EntryView::EntryView(std::string_view names_payload, std::string_view values_payload, bool same_fields)
    : names_(names_payload), values_(values_payload), same_fields_(same_fields) {
  // Payloads were validated when their segment was scanned, so these reads succeed.
  GetVarint64(&names_, &field_count_);
  if (same_fields_) {
    uint64_t back_offset;
    GetVarint64(&values_, &back_offset);
  }
}

bool EntryView::Next(std::string_view* field, std::string_view* value) {
  if (names_.empty()) return false;
  std::string_view own_value;
  if (!GetLengthPrefixed(&names_, field) || !GetLengthPrefixed(&names_, &own_value)) return false;
  if (!same_fields_) {
    *value = own_value;
    return true;
  }
  return GetLengthPrefixed(&values_, value);
}

}  // namespace runnel::log
