// Stream family: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM. Each handler
// parses (stream_args.h), calls the engine (engine/stream), then replies.
#include <vector>

#include "engine/base/logging.h"
#include "engine/base/strings.h"
#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/keyspace_notify.h"
#include "server/commands/stream_args.h"
#include "server/commands/stream_reply.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;
using stream::Stream;
using stream::StreamId;

// The stream at the command's key (argument 1).
Stream* FindStream(CommandContext& ctx, Lookup lookup, bool* failed) {
  return runnel::FindStream(ctx, ctx.arg(1), lookup, failed);
}

void XAdd(CommandContext& ctx) {
  auto parsed = ParseAddOrTrimArgs(ctx.args, AddOrTrim::kAdd);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error);
  const AddOrTrimArgs& args = std::get<AddOrTrimArgs>(parsed);
  bool failed;
  Stream* stream = FindStream(ctx, Lookup::kWrite, &failed);
  if (failed) return;
  if (stream == nullptr) {
    if (args.no_mkstream) return ctx.reply().NullBulk();
    // Refuse a bad ID before a stream (and its directory) exists for it.
    if (absl::StatusOr<StreamId> id = stream::NextId(args.id, stream::kMinId, NowMs()); !id.ok()) {
      return ctx.reply().Error(resp::EngineError(id.status()));
    }
    absl::StatusOr<std::unique_ptr<log::Log>> log = ctx.server.storage().logs().CreateLog(ctx.conn.db, ctx.arg(1));
    if (!log.ok()) return ctx.reply().Error(resp::EngineError(log.status()));
    auto created = std::make_unique<Stream>(*std::move(log));
    // A new stream has nothing to recover; this sets up its (empty) groups.
    if (absl::Status status = created->Prepare(); !status.ok()) {
      created->Discard();
      return ctx.reply().Error(resp::EngineError(status));
    }
    stream = created.get();
    ctx.server.database(ctx.conn.db).Set(ctx.arg(1), std::move(created));
  }
  std::vector<log::FieldValue> fields;
  fields.reserve((ctx.argc() - args.fields_start) / 2);
  for (size_t i = args.fields_start; i + 1 < ctx.argc(); i += 2) fields.push_back({ctx.arg(i), ctx.arg(i + 1)});
  absl::StatusOr<StreamId> id = stream->Add(args.id, fields, NowMs());
  if (!id.ok()) return ctx.reply().Error(resp::EngineError(id.status()));
  ctx.server.SignalKeyReady(ctx.conn.db, ctx.arg(1));
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xadd", ctx.arg(1));
  absl::StatusOr<uint64_t> trimmed = stream->Trim(args.trim);
  if (!trimmed.ok()) return ctx.reply().Error(resp::EngineError(trimmed.status()));
  if (*trimmed > 0) NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xtrim", ctx.arg(1));
  ReplyId(ctx.reply(), *id);
}

void XLen(CommandContext& ctx) {
  bool failed;
  Stream* stream = FindStream(ctx, Lookup::kRead, &failed);
  if (failed) return;
  ctx.reply().Integer(stream == nullptr ? 0 : static_cast<int64_t>(stream->length()));
}

// XRANGE and XREVRANGE. The reply's length precedes its entries, so a range
// that is not the whole stream is counted first (headers only), then sent.
void RangeCommand(CommandContext& ctx, bool reverse) {
  auto parsed = ParseRangeArgs(ctx.args, reverse);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error);
  const RangeArgs& args = std::get<RangeArgs>(parsed);
  bool failed;
  Stream* stream = FindStream(ctx, Lookup::kRead, &failed);
  if (failed) return;
  if (stream == nullptr) return ctx.reply().Array(0);
  if (args.count == 0) return ctx.reply().NullArray();
  const uint64_t limit = args.count < 0 ? 0 : static_cast<uint64_t>(args.count);
  const auto direction = reverse ? log::ScanDirection::kBackward : log::ScanDirection::kForward;
  uint64_t total = 0;
  if (args.start == stream::kMinId && args.end == stream::kMaxId) {
    total = limit == 0 ? stream->length() : std::min(limit, stream->length());
  } else if (args.start <= args.end) {
    absl::Status counted = stream->Range(args.start, args.end, direction, limit, [&](StreamId, log::EntryView&) {
      ++total;
      return true;
    });
    if (!counted.ok()) return ctx.reply().Error(resp::EngineError(counted));
  }
  ctx.reply().Array(total);
  if (total == 0) return;
  uint64_t sent = 0;
  absl::Status status = stream->Range(args.start, args.end, direction, total, [&](StreamId id, log::EntryView& entry) {
    ReplyEntry(ctx.reply(), id, entry);
    ++sent;
    return true;
  });
  // The count and the entries come from the same unchanged log; a read error
  // in between (corruption found by the second pass) cannot be reported
  // inside an array already started, so the connection is closed instead.
  if (!status.ok() || sent != total) {
    RUNNEL_LOG_WARNING("Range read of a stream failed mid-reply: %s", status.message());
    ctx.conn.close_requested = true;
  }
}

void XRange(CommandContext& ctx) { RangeCommand(ctx, false); }
void XRevRange(CommandContext& ctx) { RangeCommand(ctx, true); }

void XDel(CommandContext& ctx) {
  bool failed;
  Stream* stream = FindStream(ctx, Lookup::kWrite, &failed);
  if (failed) return;
  if (stream == nullptr) return ctx.reply().Integer(0);
  // Every ID is checked before any is deleted, so a bad ID deletes nothing.
  std::vector<StreamId> ids;
  ids.reserve(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    absl::StatusOr<stream::ParsedId> id = stream::ParseId(ctx.arg(i), stream::IdSyntax::kStrict);
    if (!id.ok()) return ctx.reply().Error(resp::EngineError(id.status()));
    ids.push_back(id->id);
  }
  absl::StatusOr<uint64_t> deleted = stream->Delete(ids);
  if (!deleted.ok()) return ctx.reply().Error(resp::EngineError(deleted.status()));
  if (*deleted > 0) NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xdel", ctx.arg(1));
  ctx.reply().Integer(static_cast<int64_t>(*deleted));
}

void XTrim(CommandContext& ctx) {
  auto parsed = ParseAddOrTrimArgs(ctx.args, AddOrTrim::kTrim);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error);
  bool failed;
  Stream* stream = FindStream(ctx, Lookup::kWrite, &failed);
  if (failed) return;
  if (stream == nullptr) return ctx.reply().Integer(0);
  absl::StatusOr<uint64_t> trimmed = stream->Trim(std::get<AddOrTrimArgs>(parsed).trim);
  if (!trimmed.ok()) return ctx.reply().Error(resp::EngineError(trimmed.status()));
  if (*trimmed > 0) NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xtrim", ctx.arg(1));
  ctx.reply().Integer(static_cast<int64_t>(*trimmed));
}

constexpr command::KeyPositions kFirstKey{1, 1, 1};

}  // namespace

void RegisterStreamCommands(command::CommandTable& table) {
  using namespace command;  // NOLINT: flag names
  table.Register({.name = "xadd", .arity = -5, .flags = kWrite | kDenyOom | kFast,
                  .acl_categories = kAclWrite | kAclStream | kAclFast, .keys = kFirstKey,
                  .doc = {"Appends a new message to a stream. Creates the key if it doesn't exist.", "5.0.0",
                          "stream", "O(1) when adding a new entry, O(N) when trimming where N being the number of "
                                    "entries evicted."},
                  .handler = XAdd});
  table.Register({.name = "xlen", .arity = 2, .flags = kReadOnly | kFast,
                  .acl_categories = kAclRead | kAclStream | kAclFast, .keys = kFirstKey,
                  .doc = {"Return the number of messages in a stream.", "5.0.0", "stream", "O(1)"},
                  .handler = XLen});
  table.Register({.name = "xrange", .arity = -4, .flags = kReadOnly,
                  .acl_categories = kAclRead | kAclStream | kAclSlow, .keys = kFirstKey,
                  .doc = {"Returns the messages from a stream within a range of IDs.", "5.0.0", "stream",
                          "O(N) with N being the number of elements being returned. If N is constant (e.g. always "
                          "asking for the first 10 elements with COUNT), you can consider it O(1)."},
                  .handler = XRange});
  table.Register({.name = "xrevrange", .arity = -4, .flags = kReadOnly,
                  .acl_categories = kAclRead | kAclStream | kAclSlow, .keys = kFirstKey,
                  .doc = {"Returns the messages from a stream within a range of IDs in reverse order.", "5.0.0",
                          "stream",
                          "O(N) with N being the number of elements returned. If N is constant (e.g. always asking "
                          "for the first 10 elements with COUNT), you can consider it O(1)."},
                  .handler = XRevRange});
  table.Register({.name = "xdel", .arity = -3, .flags = kWrite | kFast,
                  .acl_categories = kAclWrite | kAclStream | kAclFast, .keys = kFirstKey,
                  .doc = {"Returns the number of messages after removing them from a stream.", "5.0.0", "stream",
                          "O(1) for each single item to delete in the stream, regardless of the stream size."},
                  .handler = XDel});
  table.Register({.name = "xtrim", .arity = -4, .flags = kWrite,
                  .acl_categories = kAclWrite | kAclStream | kAclSlow, .keys = kFirstKey,
                  .doc = {"Deletes messages from the beginning of a stream.", "5.0.0", "stream",
                          "O(N), with N being the number of evicted entries. Constant times are very small however, "
                          "since entries are organized in macro nodes containing multiple entries that can be "
                          "released with a single deallocation."},
                  .handler = XTrim});
}

}  // namespace runnel
