// Argument parsing shared by every command family: numbers parsed exactly as
// Redis parses them (string2ll: no spaces, no '+', no leading zeros, no
// overflow) and a cursor for keyword options (CLIENT KILL ID 5 SKIPME no).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "engine/base/strings.h"

namespace runnel::command {

// Redis's string2ll (engine/base/strings.h).
using base::ParseInt64;

// Walks the arguments of a command left to right.
class ArgCursor {
 public:
  ArgCursor(std::span<const std::string_view> args, size_t start) : args_(args), pos_(start) {}

  bool done() const { return pos_ >= args_.size(); }
  size_t remaining() const { return done() ? 0 : args_.size() - pos_; }
  size_t position() const { return pos_; }
  std::string_view Peek() const { return args_[pos_]; }
  std::string_view Next() { return args_[pos_++]; }
  // Consumes the next argument if it equals `keyword`, ignoring case.
  bool Match(std::string_view keyword);

 private:
  std::span<const std::string_view> args_;
  size_t pos_;
};

}  // namespace runnel::command
