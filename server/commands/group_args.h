// Option parsing of the consumer-group commands (XGROUP CREATE/SETID,
// XPENDING), kept apart from their handlers: each parser either fills a
// struct or returns the exact Redis error text. Redis parses these options
// before it looks the key up, so a bad option wins over a missing key.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "engine/stream/consumer_group.h"
#include "engine/stream/stream_id.h"

namespace runnel {

// The options after XGROUP CREATE|SETID key group id: MKSTREAM (CREATE only)
// and ENTRIESREAD n, in any order, repeated (the last wins). As in Redis 7's
// xgroupCommand, the other subcommands have no options: anything after their
// fixed arguments is the subcommand syntax error.
struct GroupOptions {
  bool mkstream = false;
  int64_t entries_read = stream::kEntriesReadUnknown;
};
enum class GroupSubcommand : uint8_t { kCreate, kSetId, kOther };
std::variant<GroupOptions, std::string> ParseGroupOptions(std::span<const std::string_view> args,
                                                          GroupSubcommand subcommand);

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]].
// Exclusive "(" bounds are turned into inclusive ones here.
struct PendingArgs {
  bool summary = true;  // XPENDING key group
  int64_t min_idle_ms = 0;
  stream::StreamId start;
  stream::StreamId end;
  uint64_t count = 0;  // a negative COUNT is 0: an empty reply
  std::optional<std::string_view> consumer;
};
std::variant<PendingArgs, std::string> ParsePendingArgs(std::span<const std::string_view> args);

}  // namespace runnel
