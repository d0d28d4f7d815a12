// Option parsing of the stream metadata commands (XSETID, XINFO STREAM),
// kept apart from their handlers: each parser either fills a struct or
// returns the exact Redis error text.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "engine/stream/stream.h"

namespace runnel {

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
// (t_stream.c xsetidCommand, 7.0: the options are checked before the key is
// looked up, MAXDELETEDID against the last ID as it is parsed).
std::variant<stream::Stream::IdSettings, std::string> ParseSetIdArgs(std::span<const std::string_view> args);

// XINFO STREAM key [FULL [COUNT count]]. Redis looks the key up first, so the
// handler calls this only for an existing stream.
struct InfoStreamArgs {
  bool full = false;
  uint64_t count = 10;  // FULL's entries; 0 = all (a negative COUNT too)
};
std::variant<InfoStreamArgs, std::string> ParseInfoStreamArgs(std::span<const std::string_view> args);

}  // namespace runnel
