// XINFO's consumer-group parts: the GROUPS and CONSUMERS subcommands, and
// the "groups" values of XINFO STREAM [FULL]. The XINFO container and its
// STREAM and HELP subcommands live in stream_meta_commands.cc, which adds
// these rows and calls these replies.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "engine/stream/stream.h"
#include "server/command/command_spec.h"
#include "server/resp/resp_writer.h"

namespace runnel {

// The XINFO GROUPS and XINFO CONSUMERS rows, for the XINFO container.
std::vector<command::CommandSpec> GroupInfoSubcommands();

// XINFO STREAM's "groups": the number of groups.
void ReplyGroupCount(resp::ReplyBuilder& reply, stream::Stream& stream);

// XINFO STREAM FULL's "groups": each group with its PEL and consumers, the
// PELs cut at `count` entries (0: all). Lags are computed as the reply is
// written; an error then (a damaged stream found by the read) leaves the
// reply unfinished and is returned for the caller to close the connection.
absl::Status ReplyGroupsFull(resp::ReplyBuilder& reply, stream::Stream& stream, uint64_t count);

}  // namespace runnel
