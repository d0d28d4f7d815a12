// OBJECT FREQ and OBJECT IDLETIME: a key's access metadata, which eviction
// ranks keys by (engine/keyspace/access_clock.h). Registered with the other
// OBJECT subcommands in keyspace_commands.cc.
#pragma once

#include "server/command/command_context.h"

namespace runnel {

// The LFU counter after decay; an error unless an LFU policy is selected.
void ObjectFreq(command::CommandContext& ctx);
// Seconds since the last access; an error under an LFU policy.
void ObjectIdleTime(command::CommandContext& ctx);

}  // namespace runnel
