// Stream metadata family: XSETID (set the last ID, entries-added and the
// largest deleted ID) and XINFO STREAM / HELP. Each handler parses
// (stream_meta_args.h), calls the engine (engine/stream), then replies.
// XINFO GROUPS and CONSUMERS, and the groups in XINFO STREAM, belong to the
// consumer-group family (group_info.h).
#include <utility>
#include <vector>

#include "engine/base/logging.h"
#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/keyspace_notify.h"
#include "server/commands/group_info.h"
#include "server/commands/help_reply.h"
#include "server/commands/stream_meta_args.h"
#include "server/commands/stream_reply.h"
#include "server/connection.h"
#include "server/resp/error_text.h"

namespace runnel {
namespace {

using command::CommandContext;
using stream::Stream;
using stream::StreamId;

void XSetId(CommandContext& ctx) {
  auto parsed = ParseSetIdArgs(ctx.args);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error);
  bool failed;
  Stream* stream = FindStream(ctx, ctx.arg(1), Lookup::kWrite, &failed);
  if (failed) return;
  if (stream == nullptr) return ctx.reply().Error(resp::kNoSuchKey);
  if (absl::Status status = stream->SetId(std::get<Stream::IdSettings>(parsed)); !status.ok()) {
    return ctx.reply().Error(resp::EngineError(status));
  }
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xsetid", ctx.arg(1));
  ctx.reply().Ok();
}

// The edge entries and the FULL entries are read after the reply has begun;
// a read error then (corruption found by the scan) cannot become an error
// reply inside a started map, so the connection is closed instead.
void AbortReply(CommandContext& ctx, const absl::Status& status) {
  RUNNEL_LOG_WARNING("XINFO STREAM read of a stream failed mid-reply: %s", status.message());
  ctx.conn.close_requested = true;
}

// One entry (`id`, which must be live) or, for nullopt, a null.
void ReplyEdgeEntry(CommandContext& ctx, Stream& stream, std::optional<StreamId> id) {
  if (!id.has_value()) return ctx.reply().NullBulk();
  bool sent = false;
  absl::Status status = stream.Range(*id, *id, log::ScanDirection::kForward, 1, [&](StreamId at, log::EntryView& e) {
    ReplyEntry(ctx.reply(), at, e);
    sent = true;
    return false;
  });
  if (!status.ok() || !sent) AbortReply(ctx, status);
}

// The fields both forms share, in Redis's order.
void ReplyStreamSummary(CommandContext& ctx, Stream& stream, std::optional<StreamId> first) {
  resp::ReplyBuilder& reply = ctx.reply();
  reply.Bulk("length");
  reply.Integer(static_cast<int64_t>(stream.length()));
  reply.Bulk("radix-tree-keys");
  reply.Integer(static_cast<int64_t>(stream.segment_count()));
  reply.Bulk("radix-tree-nodes");
  reply.Integer(static_cast<int64_t>(stream.index_points()));
  reply.Bulk("last-generated-id");
  ReplyId(reply, stream.last_id());
  reply.Bulk("max-deleted-entry-id");
  ReplyId(reply, stream.max_deleted_id());
  reply.Bulk("entries-added");
  reply.Integer(static_cast<int64_t>(stream.entries_added()));
  reply.Bulk("recorded-first-entry-id");
  ReplyId(reply, first.value_or(stream::kMinId));
}

void ReplyFullEntries(CommandContext& ctx, Stream& stream, uint64_t count) {
  const uint64_t total = count == 0 ? stream.length() : std::min(count, stream.length());
  ctx.reply().Array(total);
  if (total == 0) return;
  uint64_t sent = 0;
  absl::Status status = stream.Range(stream::kMinId, stream::kMaxId, log::ScanDirection::kForward, total,
                                     [&](StreamId id, log::EntryView& entry) {
                                       ReplyEntry(ctx.reply(), id, entry);
                                       ++sent;
                                       return true;
                                     });
  if (!status.ok() || sent != total) AbortReply(ctx, status);
}

void XInfoStream(CommandContext& ctx) {
  // Redis looks the key up before it parses the options.
  bool failed;
  Stream* stream = FindStream(ctx, ctx.arg(2), Lookup::kRead, &failed);
  if (failed) return;
  if (stream == nullptr) return ctx.reply().Error(resp::kNoSuchKey);
  auto parsed = ParseInfoStreamArgs(ctx.args);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error);
  const InfoStreamArgs& args = std::get<InfoStreamArgs>(parsed);
  // The edge IDs are read before the reply begins, so a damaged stream gets
  // an error reply rather than a closed connection.
  absl::StatusOr<std::optional<StreamId>> first = stream->log().FirstId();
  if (!first.ok()) return ctx.reply().Error(resp::EngineError(first.status()));
  if (args.full) {
    ctx.reply().Map(9);
    ReplyStreamSummary(ctx, *stream, *first);
    ctx.reply().Bulk("entries");
    ReplyFullEntries(ctx, *stream, args.count);
    ctx.reply().Bulk("groups");
    if (absl::Status status = ReplyGroupsFull(ctx.reply(), *stream, args.count); !status.ok()) {
      AbortReply(ctx, status);
    }
    return;
  }
  absl::StatusOr<std::optional<StreamId>> last = stream->LastEntryId();
  if (!last.ok()) return ctx.reply().Error(resp::EngineError(last.status()));
  ctx.reply().Map(10);
  ReplyStreamSummary(ctx, *stream, *first);
  ctx.reply().Bulk("groups");
  ReplyGroupCount(ctx.reply(), *stream);
  ctx.reply().Bulk("first-entry");
  ReplyEdgeEntry(ctx, *stream, *first);
  ctx.reply().Bulk("last-entry");
  ReplyEdgeEntry(ctx, *stream, *last);
}

void XInfoHelp(CommandContext& ctx) {
  // Redis's text, which also lists the consumer-group subcommands.
  ReplyHelp(ctx.reply(), "xinfo",
            {"CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.", "GROUPS <key>",
             "    Show the stream consumer groups.", "STREAM <key> [FULL [COUNT <count>]",
             "    Show information about the stream."});
}

}  // namespace

void RegisterStreamMetaCommands(command::CommandTable& table) {
  using namespace command;  // NOLINT: flag names
  std::vector<CommandSpec> xinfo_subcommands = {
      {.name = "stream", .arity = -3, .flags = kReadOnly, .acl_categories = kAclRead | kAclStream | kAclSlow,
       .keys = {2, 2, 1}, .doc = {"Get information about a stream", "5.0.0", "stream", "O(1)"},
       .handler = XInfoStream},
      {.name = "help", .arity = 2, .flags = kLoading | kStale, .acl_categories = kAclStream | kAclSlow,
       .doc = {"Show helpful text about the different subcommands", "5.0.0", "stream", "O(1)"},
       .handler = XInfoHelp},
  };
  for (CommandSpec& row : GroupInfoSubcommands()) xinfo_subcommands.push_back(std::move(row));
  table.Register({.name = "xsetid", .arity = -3, .flags = kWrite | kDenyOom | kFast,
                  .acl_categories = kAclWrite | kAclStream | kAclFast, .keys = {1, 1, 1},
                  .doc = {"An internal command for replicating stream values", "5.0.0", "stream", "O(1)"},
                  .handler = XSetId});
  table.Register({
      .name = "xinfo",
      .arity = -2,
      .acl_categories = kAclSlow,
      .doc = {"A container for stream introspection commands", "5.0.0", "stream", "Depends on subcommand."},
      .subcommands = std::move(xinfo_subcommands)});
}

}  // namespace runnel
