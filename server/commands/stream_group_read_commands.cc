// XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS key ... id ...:
// XREAD through a consumer group. '>' delivers entries no consumer of the
// group has had (group_reads.h: DeliverNew), any other ID re-reads the
// consumer's own pending history (RedeliverPending), which never blocks.
//
// Reply as XREAD's: the streams served, in argument order, as
// [[key, [entry...]], ...] (RESP3: a map). A history entry whose stream
// entry was deleted is [id, nil]. A null array when '>' found nothing (and
// on timeout).
//
// Blocking re-runs the command as it was given ('>' stays '>': the group's
// position decides what is new). Unlike XREAD it is woken when a key is
// deleted or replaced (WakeOn::kAnyChange), and the re-run answers as
// Redis 7.2's does: NOGROUP for a key or group that is gone, WRONGTYPE for
// a key that is no longer a stream.
#include <string>
#include <variant>
#include <vector>

#include "engine/base/strings.h"
#include "engine/stream/group_reads.h"
#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/keyspace_notify.h"
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

constexpr std::string_view kDollarMeaningless =
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
    "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return "
    "an empty result set.";

// One stream of the request and what the group gave from it.
struct GroupRead {
  std::string_view key;
  Stream* stream = nullptr;
  bool history = false;              // an ID other than '>'
  StreamId after;                    // history: entries above this ID
  std::vector<StreamId> delivered;   // '>': the new entries, in order
  std::vector<stream::PendingRead> pending;  // history
};

std::string NoGroupError(std::string_view key, std::string_view group) {
  return base::StrCat("NOGROUP No such key '", key, "' or consumer group '", group,
                      "' in XREADGROUP with GROUP option");
}

// Resolves every key, group and ID before anything changes, with Redis's
// errors in its order (per stream: type, group, ID). False after replying.
bool ResolveReads(CommandContext& ctx, const ReadArgs& args, std::vector<GroupRead>* reads) {
  reads->resize(args.stream_count);
  for (size_t i = 0; i < args.stream_count; ++i) {
    GroupRead& read = (*reads)[i];
    read.key = ctx.arg(args.streams_at + i);
    const std::string_view id_text = ctx.arg(args.streams_at + args.stream_count + i);
    bool failed;
    read.stream = FindStream(ctx, read.key, Lookup::kRead, &failed);
    if (failed) return false;
    if (read.stream == nullptr || read.stream->groups().Find(args.group) == nullptr) {
      return ctx.reply().Error(NoGroupError(read.key, args.group)), false;
    }
    if (id_text == "$") return ctx.reply().Error(kDollarMeaningless), false;
    if (id_text == ">") continue;
    absl::StatusOr<stream::ParsedId> id = stream::ParseId(id_text, stream::IdSyntax::kStrict);
    if (!id.ok()) return ctx.reply().Error(resp::EngineError(id.status())), false;
    // Redis marks '>' with the largest ID, so that ID given explicitly
    // reads new entries too.
    read.history = id->id != stream::kMaxId;
    read.after = id->id;
  }
  return true;
}

// Runs the group operations of every stream in argument order (a key named
// twice sees the first read's changes). Returns how many streams are
// answered; replies the error and returns nullopt on failure, when earlier
// streams' deliveries stay done (pending, readable again as history).
std::optional<size_t> Deliver(CommandContext& ctx, const ReadArgs& args, std::vector<GroupRead>& reads) {
  const auto now_ms = static_cast<int64_t>(NowMs());
  const auto mode = args.noack ? stream::PendingMode::kNoAck : stream::PendingMode::kTrack;
  size_t serving = 0;
  for (GroupRead& read : reads) {
    const ConsumerCreation creation(ctx, *read.stream, args.group, args.consumer);
    absl::Status status;
    if (read.history) {
      auto pending = stream::RedeliverPending(*read.stream, args.group, args.consumer, read.after, args.count, now_ms);
      status = pending.status();
      if (pending.ok()) read.pending = *std::move(pending);
      ++serving;  // the history is answered even when empty
    } else {
      auto delivered = stream::DeliverNew(*read.stream, args.group, args.consumer, args.count, mode, now_ms);
      status = delivered.status();
      if (delivered.ok()) read.delivered = *std::move(delivered);
      if (!read.delivered.empty()) ++serving;
    }
    if (!status.ok()) {
      ctx.reply().Error(resp::EngineError(status));
      return std::nullopt;
    }
    creation.Report(ctx, read.key);
  }
  return serving;
}

// One served stream's entries. False when the log could not give back what
// the group operation saw, which cannot be reported inside a reply already
// started.
bool ReplyRead(CommandContext& ctx, const GroupRead& read) {
  if (read.history) {
    ctx.reply().Array(read.pending.size());
    for (const stream::PendingRead& pending : read.pending) {
      if (pending.exists) {
        if (!ReplyEntryAt(ctx.reply(), *read.stream, pending.id)) return false;
        continue;
      }
      ctx.reply().Array(2);
      ReplyId(ctx.reply(), pending.id);
      ctx.reply().NullArray();
    }
    return true;
  }
  ctx.reply().Array(read.delivered.size());
  size_t sent = 0;
  absl::Status status = read.stream->Range(read.delivered.front(), read.delivered.back(), log::ScanDirection::kForward,
                                           read.delivered.size(), [&](StreamId id, log::EntryView& entry) {
                                             if (id != read.delivered[sent]) return false;
                                             ReplyEntry(ctx.reply(), id, entry);
                                             ++sent;
                                             return true;
                                           });
  return status.ok() && sent == read.delivered.size();
}

void XReadGroup(CommandContext& ctx) {
  auto parsed = ParseReadArgs(ctx.args, ReadCommand::kXReadGroup);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error);
  const ReadArgs& args = std::get<ReadArgs>(parsed);
  std::vector<GroupRead> reads;
  if (!ResolveReads(ctx, args, &reads)) return;
  std::optional<size_t> serving = Deliver(ctx, args, reads);
  if (!serving.has_value()) return;

  if (*serving == 0) {
    if (args.block) {
      std::vector<std::string> rerun(ctx.args.begin(), ctx.args.end());
      std::vector<std::string_view> keys;
      keys.reserve(reads.size());
      for (const GroupRead& read : reads) keys.push_back(read.key);
      if (ctx.server.BlockClient(ctx.conn, ctx.command, keys, *args.block, std::move(rerun), WakeOn::kAnyChange)) {
        return;
      }
    }
    return ctx.reply().NullArray();
  }

  if (ctx.reply().resp3()) {
    ctx.reply().Map(*serving);
  } else {
    ctx.reply().Array(*serving);
  }
  for (const GroupRead& read : reads) {
    if (!read.history && read.delivered.empty()) continue;
    if (!ctx.reply().resp3()) ctx.reply().Array(2);
    ctx.reply().Bulk(read.key);
    if (!ReplyRead(ctx, read)) {
      // As XREAD: the connection is closed rather than sent a broken reply.
      ctx.conn.close_requested = true;
      return;
    }
  }
}

}  // namespace

void RegisterStreamGroupReadCommands(command::CommandTable& table) {
  using namespace command;  // NOLINT: flag names
  // A write (the group changes), so under appendfsync always its reply
  // waits for the sync that makes the deliveries durable. Keys follow
  // STREAMS, which the legacy triple cannot express (0 0 0, movablekeys,
  // as XREAD).
  table.Register({.name = "xreadgroup", .arity = -7, .flags = kWrite | kBlocking,
                  .acl_categories = kAclWrite | kAclStream | kAclSlow | kAclBlocking,
                  .keys = {.keyword = "streams"},
                  .doc = {"Returns new or historical messages from a stream for a consumer in a group. "
                          "Blocks until a message is available otherwise.",
                          "5.0.0", "stream",
                          "For each stream mentioned: O(M) with M being the number of elements returned. If M "
                          "is constant (e.g. always asking for the first 10 elements with COUNT), you can "
                          "consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) "
                          "time in order to serve the N clients blocked on the stream getting new data."},
                  .handler = XReadGroup});
}

}  // namespace runnel
