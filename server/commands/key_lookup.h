// How a command looks up a key, as Redis's lookupKeyRead / lookupKeyWrite.
// The one visible difference: a read that misses is a `keymiss` keyspace
// event (notify-keyspace-events `m`). Which lookups of which commands are
// reads is Redis 7's choice, checked against redis-server (GET, XACK and
// SET ... GET read; INCR, XADD and OBJECT do not), not the command's flags.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/keyspace/keyspace.h"
#include "engine/pubsub/keyspace_events.h"
#include "server/commands/keyspace_notify.h"

namespace runnel {

enum class Lookup : uint8_t { kRead, kWrite };

inline void NotifyKeyMiss(command::CommandContext& ctx, std::string_view key) {
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyKeyMiss, "keymiss", key);
}

inline keyspace::Entry* LookupKey(command::CommandContext& ctx, std::string_view key, Lookup lookup,
                                  keyspace::Touch touch = keyspace::Touch::kYes) {
  keyspace::Entry* entry = ctx.server.database(ctx.conn.db).Find(key, touch);
  if (entry == nullptr && lookup == Lookup::kRead) NotifyKeyMiss(ctx, key);
  return entry;
}

}  // namespace runnel
