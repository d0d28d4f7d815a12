// Helpers shared by the stream command files (stream_commands.cc,
// stream_meta_commands.cc): finding the stream at a key, and replying with
// stream IDs and entries the way Redis does.
#pragma once

#include <string_view>

#include "engine/log/entry_codec.h"
#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/resp/resp_writer.h"

namespace runnel {

// The stream at `key` in the connection's database: nullptr when the key is
// missing; on a key of another type, replies WRONGTYPE and sets *wrong_type.
stream::Stream* FindStream(command::CommandContext& ctx, std::string_view key, bool* wrong_type);

// "<ms>-<seq>" as a bulk string.
void ReplyId(resp::ReplyBuilder& reply, stream::StreamId id);

// One entry as Redis replies it: [id, [field, value, ...]].
void ReplyEntry(resp::ReplyBuilder& reply, stream::StreamId id, log::EntryView& entry);

}  // namespace runnel
