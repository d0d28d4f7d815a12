// The options XREAD and XREADGROUP share, parsed as Redis's xreadCommand
// parses them (one loop for both commands, with its error texts in its
// order): [COUNT n] [BLOCK ms] [GROUP g c] [NOACK] STREAMS key ... id ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "absl/time/time.h"

namespace runnel {

enum class ReadCommand : uint8_t { kXRead, kXReadGroup };

struct ReadArgs {
  uint64_t count = 0;                   // 0: no limit
  std::optional<absl::Duration> block;  // BLOCK given; InfiniteDuration for 0
  size_t streams_at = 0;                // index of the first key
  size_t stream_count = 0;
  // XREADGROUP only.
  std::string_view group;
  std::string_view consumer;
  bool noack = false;
};

// The parsed options, or the error reply's text.
std::variant<ReadArgs, std::string> ParseReadArgs(std::span<const std::string_view> args, ReadCommand command);

}  // namespace runnel
