#include "engine/cache/string_value.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>

#include "engine/base/strings.h"

namespace runnel::cache {
namespace {

// Redis's SDS_MAX_PREALLOC: a growing string gets as much room again as it
// needs, up to this much more.
constexpr size_t kMaxPrealloc = 1024 * 1024;

// The longest text string2ll may accept ("-9223372036854775808").
constexpr size_t kIntLimit = 20;

size_t GreedyCapacity(size_t size) {
  const size_t wanted = size < kMaxPrealloc ? size * 2 : size + kMaxPrealloc;
  return std::min(wanted, StringValue::kMaxSize);
}

// `value` in decimal, written in `digits`.
std::string_view IntText(int64_t value, char (&digits)[kIntLimit]) {
  const char* end = std::to_chars(digits, digits + kIntLimit, value).ptr;
  return {digits, static_cast<size_t>(end - digits)};
}

}  // namespace

StringValue::StringValue(std::string_view bytes, size_t capacity, Layout layout)
    : size_(bytes.size()), layout_(static_cast<uint8_t>(layout)) {
  if (HasRoom(layout)) {
    const uint32_t room = static_cast<uint32_t>(capacity);
    std::memcpy(reinterpret_cast<char*>(this) + kHeaderBytes, &room, sizeof(room));
  }
  if (!bytes.empty()) std::memcpy(data(), bytes.data(), bytes.size());
}

std::unique_ptr<StringValue> StringValue::Make(std::string_view bytes, size_t capacity, Layout layout) {
  // Never less than sizeof: the object itself must fit, even when its
  // bytes start in its tail padding.
  const size_t allocation = std::max(sizeof(StringValue), BytesOffset(layout) + capacity);
  void* memory = ::operator new(allocation);
  return std::unique_ptr<StringValue>(::new (memory) StringValue(bytes, capacity, layout));
}

std::unique_ptr<StringValue> StringValue::FromBytes(std::string_view bytes) {
  if (bytes.size() <= kIntLimit && base::ParseInt64(bytes).has_value()) {
    return Make(bytes, bytes.size(), Layout::kInt);
  }
  return Plain(bytes);
}

std::unique_ptr<StringValue> StringValue::Plain(std::string_view bytes) {
  return Make(bytes, bytes.size(), bytes.size() <= kEmbstrLimit ? Layout::kEmbstr : Layout::kRaw);
}

std::unique_ptr<StringValue> StringValue::Raw(std::string_view bytes, size_t capacity) {
  return Make(bytes, std::max(capacity, bytes.size()), Layout::kRaw);
}

std::unique_ptr<StringValue> StringValue::FromInt(int64_t value) {
  char digits[kIntLimit];
  const std::string_view text = IntText(value, digits);
  return Make(text, text.size(), Layout::kInt);
}

size_t StringValue::capacity() const {
  if (!HasRoom(layout())) return size_;
  uint32_t room;
  std::memcpy(&room, reinterpret_cast<const char*>(this) + kHeaderBytes, sizeof(room));
  return room;
}

StringValue::Encoding StringValue::encoding_kind() const {
  switch (layout()) {
    case Layout::kInt:
    case Layout::kIntWithRoom:
      return Encoding::kInt;
    case Layout::kEmbstr:
      return Encoding::kEmbstr;
    case Layout::kRaw:
      return Encoding::kRaw;
  }
  return Encoding::kRaw;
}

std::string_view StringValue::encoding() const {
  switch (encoding_kind()) {
    case Encoding::kInt:
      return "int";
    case Encoding::kEmbstr:
      return "embstr";
    case Encoding::kRaw:
      return "raw";
  }
  return "raw";
}

StringValue& StringValue::RawWithRoom(std::unique_ptr<keyspace::Value>& slot, size_t size) {
  auto* value = static_cast<StringValue*>(slot.get());
  if (value->capacity() < size) {
    slot = Raw(value->view(), GreedyCapacity(size));
  } else if (!HasRoom(value->layout())) {
    // An exact-size value has no capacity field: an exact raw copy, as
    // Redis's dbUnshareStringValue makes of an embstr.
    slot = Raw(value->view(), value->size());
  }
  value = static_cast<StringValue*>(slot.get());
  value->layout_ = static_cast<uint8_t>(Layout::kRaw);
  return *value;
}

size_t Append(std::unique_ptr<keyspace::Value>& slot, std::string_view tail) {
  const size_t size = AsString(*slot).size() + tail.size();
  StringValue& value = StringValue::RawWithRoom(slot, size);
  if (!tail.empty()) std::memcpy(value.data() + value.size(), tail.data(), tail.size());
  value.size_ = size;
  return size;
}

size_t WriteAt(std::unique_ptr<keyspace::Value>& slot, size_t offset, std::string_view bytes) {
  const size_t old_size = AsString(*slot).size();
  const size_t size = std::max(old_size, offset + bytes.size());
  StringValue& value = StringValue::RawWithRoom(slot, size);
  if (offset > old_size) std::memset(value.data() + old_size, 0, offset - old_size);
  std::memcpy(value.data() + offset, bytes.data(), bytes.size());
  value.size_ = size;
  return size;
}

void StoreInt(std::unique_ptr<keyspace::Value>& slot, int64_t value) {
  auto* current = static_cast<StringValue*>(slot.get());
  char digits[kIntLimit];
  const std::string_view text = IntText(value, digits);
  if (current->capacity() < text.size()) {
    slot = StringValue::FromInt(value);
    return;
  }
  // In place; the layout keeps its capacity field if it had one.
  using Layout = StringValue::Layout;
  current->layout_ = static_cast<uint8_t>(StringValue::HasRoom(current->layout()) ? Layout::kIntWithRoom : Layout::kInt);
  std::memcpy(current->data(), text.data(), text.size());
  current->size_ = text.size();
}

}  // namespace runnel::cache
