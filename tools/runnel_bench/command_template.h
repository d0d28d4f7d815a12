// RESP request encoding for the bench's hot path: commands are encoded once
// and copied per request; the parts that change per request (a key number, a
// send timestamp) are fixed-width decimal slots patched in place, so sending
// allocates nothing once the output buffer has grown.
//
//   CommandTemplate get = CommandTemplate::Builder().Arg("GET").Slot("key:", 12).Build();
//   get.AppendTo(&out, {42});   // *2\r\n$3\r\nGET\r\n$16\r\nkey:000000000042\r\n
//
// Immutable after Build(); may be shared by the threads.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::bench {

// Multibulk framing, for commands whose arguments vary in number or size.
void AppendArrayHeader(std::string* out, size_t count);
void AppendBulk(std::string* out, std::string_view argument);
std::string EncodeCommand(std::initializer_list<std::string_view> arguments);
std::string EncodeCommand(std::span<const std::string> arguments);

// Writes `value` as exactly `width` decimal digits, zero-padded (the lowest
// digits when it does not fit).
void WriteFixedDecimal(char* at, int width, uint64_t value);
// Reads the digits WriteFixedDecimal wrote; false if any is not a digit.
bool ReadFixedDecimal(std::string_view digits, uint64_t* value);

class CommandTemplate {
 public:
  class Builder {
   public:
    Builder& Arg(std::string_view argument);
    // An argument `prefix` + `width` digits + `suffix`; slots are numbered
    // in the order they are added.
    Builder& Slot(std::string_view prefix, int width, std::string_view suffix = "");
    CommandTemplate Build() const;

   private:
    struct Part {
      std::string text;
      size_t slot_at = std::string::npos;  // where the digits start in text
      int width = 0;
    };
    std::vector<Part> parts_;
  };

  const std::string& bytes() const { return bytes_; }
  size_t slot_count() const { return slots_.size(); }
  // Appends the command with slot i holding values[i] (values.size() must
  // equal slot_count()).
  void AppendTo(std::string* out, std::initializer_list<uint64_t> values) const;

 private:
  struct SlotPosition {
    size_t offset;  // in bytes_
    int width;
  };
  std::string bytes_;
  std::vector<SlotPosition> slots_;
};

}  // namespace runnel::bench
