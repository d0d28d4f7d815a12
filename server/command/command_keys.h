// The key arguments of one call, found from its CommandSpec's KeyPositions:
// the one place that turns positions into keys, shared by COMMAND GETKEYS
// and ACL key checks.
#pragma once

#include <span>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "server/command/command_spec.h"

namespace runnel::command {

// Calls `fn` on each key of `args` (the full call, name first) until it
// returns false; returns whether every call returned true. Shard channels
// (not_key) are not keys.
bool ForEachKey(const CommandSpec& spec, std::span<const std::string_view> args,
                absl::FunctionRef<bool(std::string_view)> fn);

}  // namespace runnel::command
