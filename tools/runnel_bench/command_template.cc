#include "tools/runnel_bench/command_template.h"

#include <charconv>

namespace runnel::bench {
namespace {

void AppendLength(std::string* out, char type, size_t length) {
  char digits[24];
  digits[0] = type;
  char* end = std::to_chars(digits + 1, digits + sizeof(digits) - 2, length).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out->append(digits, static_cast<size_t>(end - digits));
}

}  // namespace

void AppendArrayHeader(std::string* out, size_t count) { AppendLength(out, '*', count); }

void AppendBulk(std::string* out, std::string_view argument) {
  AppendLength(out, '$', argument.size());
  out->append(argument);
  out->append("\r\n");
}

std::string EncodeCommand(std::initializer_list<std::string_view> arguments) {
  std::string out;
  AppendArrayHeader(&out, arguments.size());
  for (std::string_view argument : arguments) AppendBulk(&out, argument);
  return out;
}

std::string EncodeCommand(std::span<const std::string> arguments) {
  std::string out;
  AppendArrayHeader(&out, arguments.size());
  for (const std::string& argument : arguments) AppendBulk(&out, argument);
  return out;
}

void WriteFixedDecimal(char* at, int width, uint64_t value) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

bool ReadFixedDecimal(std::string_view digits, uint64_t* value) {
  uint64_t result = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    result = result * 10 + static_cast<uint64_t>(c - '0');
  }
  *value = result;
  return !digits.empty();
}

CommandTemplate::Builder& CommandTemplate::Builder::Arg(std::string_view argument) {
  parts_.push_back({.text = std::string(argument)});
  return *this;
}

CommandTemplate::Builder& CommandTemplate::Builder::Slot(std::string_view prefix, int width,
                                                         std::string_view suffix) {
  Part part{.text = std::string(prefix), .slot_at = prefix.size(), .width = width};
  part.text.append(static_cast<size_t>(width), '0');
  part.text.append(suffix);
  parts_.push_back(std::move(part));
  return *this;
}

CommandTemplate CommandTemplate::Builder::Build() const {
  CommandTemplate command;
  AppendArrayHeader(&command.bytes_, parts_.size());
  for (const Part& part : parts_) {
    AppendLength(&command.bytes_, '$', part.text.size());
    if (part.slot_at != std::string::npos) {
      command.slots_.push_back({command.bytes_.size() + part.slot_at, part.width});
    }
    command.bytes_.append(part.text);
    command.bytes_.append("\r\n");
  }
  return command;
}

void CommandTemplate::AppendTo(std::string* out, std::initializer_list<uint64_t> values) const {
  const size_t start = out->size();
  out->append(bytes_);
  size_t i = 0;
  for (uint64_t value : values) {
    const SlotPosition& slot = slots_[i++];
    WriteFixedDecimal(out->data() + start + slot.offset, slot.width, value);
  }
}

}  // namespace runnel::bench
