// XREAD [COUNT n] [BLOCK ms] STREAMS key ... id ...: the entries after each
// given ID; with BLOCK, waits for them (server_blocking.cc). XREADGROUP,
// which shares its options (stream_read_args.h), is in
// stream_group_read_commands.cc.
//
// Reply: the streams that have entries after their ID, in argument order, as
// [[key, [entry...]], ...] (RESP3: a map key -> entries); a null array when
// none has (and on timeout).
#include <optional>
#include <string>
#include <vector>

#include "engine/base/strings.h"
#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/stream_read_args.h"
#include "server/commands/stream_reply.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;
using stream::Stream;
using stream::StreamId;

constexpr std::string_view kGreaterOnlyXreadgroup =
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
    "<consumer> option.";

// One stream of the request: its key, the ID entries must exceed, and how
// many it will answer.
struct StreamRead {
  std::string_view key;
  Stream* stream = nullptr;
  StreamId after;
  uint64_t available = 0;  // entries to send, at most COUNT
};

// Entries of `read.stream` with IDs above `read.after`, at most `count`
// (0: all), visited in order.
absl::Status VisitAfter(const StreamRead& read, uint64_t count, log::EntryVisitor visitor) {
  std::optional<StreamId> start = stream::Successor(read.after);
  if (!start || read.stream->last_id() <= read.after) return absl::OkStatus();
  return read.stream->Range(*start, stream::kMaxId, log::ScanDirection::kForward, count, visitor);
}

void XRead(CommandContext& ctx) {
  auto parsed = ParseReadArgs(ctx.args, ReadCommand::kXRead);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error);
  const ReadArgs& args = std::get<ReadArgs>(parsed);

  // Resolve every key and ID first: a WRONGTYPE or bad ID anywhere fails
  // the whole command before anything is sent.
  std::vector<StreamRead> reads(args.stream_count);
  for (size_t i = 0; i < args.stream_count; ++i) {
    StreamRead& read = reads[i];
    read.key = ctx.arg(args.streams_at + i);
    const std::string_view id_text = ctx.arg(args.streams_at + args.stream_count + i);
    bool failed;
    read.stream = FindStream(ctx, read.key, Lookup::kRead, &failed);
    if (failed) return;
    if (id_text == "$") {
      // New entries only: those after the last ID as of now.
      read.after = read.stream != nullptr ? read.stream->last_id() : stream::kMinId;
      continue;
    }
    if (id_text == ">") return ctx.reply().Error(kGreaterOnlyXreadgroup);
    absl::StatusOr<stream::ParsedId> id = stream::ParseId(id_text, stream::IdSyntax::kStrict);
    if (!id.ok()) return ctx.reply().Error(resp::EngineError(id.status()));
    read.after = id->id;
  }

  // Count what each stream will send (the reply's lengths come first).
  size_t serving = 0;
  for (StreamRead& read : reads) {
    // Redis looks every key up a second time here: a missing one is a
    // second keymiss event.
    if (read.stream == nullptr) NotifyKeyMiss(ctx, read.key);
    if (read.stream == nullptr || read.stream->length() == 0) continue;
    absl::Status counted = VisitAfter(read, args.count, [&](StreamId, log::EntryView&) {
      ++read.available;
      return true;
    });
    if (!counted.ok()) return ctx.reply().Error(resp::EngineError(counted));
    if (read.available > 0) ++serving;
  }

  if (serving == 0) {
    if (args.block) {
      // Wait with every `$` pinned to the ID it meant now, so entries added
      // meanwhile are not skipped when the command runs again.
      std::vector<std::string> rerun(ctx.args.begin(), ctx.args.end());
      std::vector<std::string_view> keys;
      keys.reserve(reads.size());
      for (size_t i = 0; i < reads.size(); ++i) {
        rerun[args.streams_at + args.stream_count + i] = stream::FormatId(reads[i].after);
        keys.push_back(reads[i].key);
      }
      if (ctx.server.BlockClient(ctx.conn, ctx.command, keys, *args.block, std::move(rerun))) return;
    }
    return ctx.reply().NullArray();
  }

  if (ctx.reply().resp3()) {
    ctx.reply().Map(serving);
  } else {
    ctx.reply().Array(serving);
  }
  for (const StreamRead& read : reads) {
    if (read.available == 0) continue;
    if (!ctx.reply().resp3()) ctx.reply().Array(2);
    ctx.reply().Bulk(read.key);
    ctx.reply().Array(read.available);
    uint64_t sent = 0;
    absl::Status status = VisitAfter(read, read.available, [&](StreamId id, log::EntryView& entry) {
      ReplyEntry(ctx.reply(), id, entry);
      ++sent;
      return true;
    });
    if (!status.ok() || sent != read.available) {
      // As in XRANGE: an error found by the second pass cannot be reported
      // inside a reply already started, so the connection is closed.
      ctx.conn.close_requested = true;
      return;
    }
  }
}

}  // namespace

void RegisterStreamReadCommands(command::CommandTable& table) {
  using namespace command;  // NOLINT: flag names
  // Keys sit between STREAMS and the IDs; Redis describes them with a
  // keyword search that COMMAND's legacy triple cannot express, so it prints
  // 0 0 0 there too (movablekeys).
  table.Register({.name = "xread", .arity = -4, .flags = kReadOnly | kBlocking,
                  .acl_categories = kAclRead | kAclStream | kAclSlow | kAclBlocking,
                  .keys = {.keyword = "streams"},
                  .doc = {"Returns messages from multiple streams with IDs greater than the ones requested. "
                          "Blocks until a message is available otherwise.",
                          "5.0.0", "stream", ""},
                  .handler = XRead});
}

}  // namespace runnel
