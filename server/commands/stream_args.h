// Option parsing of the stream commands, kept apart from the handlers: each
// parser either fills a struct or returns the exact Redis error text.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "engine/stream/stream_id.h"
#include "engine/stream/trim_policy.h"

namespace runnel {

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value ...
// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
// (t_stream.c's streamParseAddOrTrimArgsOrReply)
struct AddOrTrimArgs {
  stream::TrimSpec trim;
  bool no_mkstream = false;
  stream::ParsedId id;     // XADD only
  size_t fields_start = 0;  // XADD: index of the first field
};

enum class AddOrTrim : uint8_t { kAdd, kTrim };

// The parsed arguments, or the error reply's text.
std::variant<AddOrTrimArgs, std::string> ParseAddOrTrimArgs(std::span<const std::string_view> args, AddOrTrim which);

// XRANGE key start end [COUNT n] and XREVRANGE key end start [COUNT n].
struct RangeArgs {
  stream::StreamId start;
  stream::StreamId end;
  int64_t count = -1;  // -1: no COUNT; 0: COUNT 0 (a null array in Redis)
  bool empty = false;  // an exclusive bound left nothing between the bounds
};
std::variant<RangeArgs, std::string> ParseRangeArgs(std::span<const std::string_view> args, bool reverse);

}  // namespace runnel
