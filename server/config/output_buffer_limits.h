// The grammar of `client-output-buffer-limit`: groups of four words,
// "<class> <hard> <soft> <soft-seconds>", class normal, replica (or slave)
// or pubsub, sizes with memory units. A CONFIG SET or a redis.conf line
// changes only the classes it names, as in Redis.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "server/config/server_config.h"

namespace runnel::config {

// Validates every group, then stores them in `limits` (nothing changes on
// error; `limits` may be null to validate only). Errors carry Redis's text.
absl::Status ApplyOutputBufferLimits(const std::vector<std::string>& words, OutputBufferLimits* limits);
// "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60".
std::vector<std::string> FormatOutputBufferLimits(const OutputBufferLimits& limits);

}  // namespace runnel::config
