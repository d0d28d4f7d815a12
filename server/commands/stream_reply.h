// What the stream commands share: finding the stream at a key (with
// WRONGTYPE) and writing IDs and entries as Redis replies them.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/log/entry_codec.h"
#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/commands/key_lookup.h"
#include "server/resp/resp_writer.h"

namespace runnel {

// The stream at `key` in the caller's database, recovered (Stream::Prepare):
// nullptr when the key is missing; on a key of another type, or when its
// recovery fails, replies the error and sets *failed.
stream::Stream* FindStream(command::CommandContext& ctx, std::string_view key, Lookup lookup, bool* failed);

// "ms-seq" as a bulk string.
void ReplyId(resp::ReplyBuilder& reply, stream::StreamId id);

// One entry as Redis replies it: [id, [field, value, ...]].
void ReplyEntry(resp::ReplyBuilder& reply, stream::StreamId id, log::EntryView& entry);

// The entry of `stream` with exactly this ID, as ReplyEntry writes it;
// false (nothing written) when there is none or the log cannot be read.
bool ReplyEntryAt(resp::ReplyBuilder& reply, stream::Stream& stream, stream::StreamId id);

// Milliseconds since the Unix epoch, for XADD's `*` IDs.
uint64_t NowMs();

}  // namespace runnel
