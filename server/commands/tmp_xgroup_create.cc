// TEMPORARY: minimal XGROUP CREATE key group id|$ [MKSTREAM] and DESTROY, XACK, and
// XPENDING's extended form, so the XREADGROUP/XCLAIM/XAUTOCLAIM tests run
// before the real ones (group_commands.cc, pending_commands.cc) land;
// deleted when they do.
#include <algorithm>
#include <vector>

#include "engine/base/strings.h"
#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/stream_reply.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

void XGroupCreate(command::CommandContext& ctx) {
  const bool mkstream = ctx.argc() == 6 && base::EqualsIgnoreCase(ctx.arg(5), "MKSTREAM");
  if (ctx.argc() != 5 && !mkstream) return ctx.reply().Error(resp::kSyntaxError);
  bool failed;
  stream::Stream* stream = FindStream(ctx, ctx.arg(2), &failed);
  if (failed) return;
  stream::StreamId id = stream::kMinId;
  if (ctx.arg(4) == "$") {
    if (stream != nullptr) id = stream->last_id();
  } else {
    absl::StatusOr<stream::ParsedId> parsed = stream::ParseId(ctx.arg(4), stream::IdSyntax::kStrict);
    if (!parsed.ok()) return ctx.reply().Error(resp::EngineError(parsed.status()));
    id = parsed->id;
  }
  if (stream == nullptr) {
    if (!mkstream) return ctx.reply().Error("ERR The XGROUP subcommand requires the key to exist.");
    auto log = ctx.server.storage().logs().CreateLog(ctx.conn.db, ctx.arg(2));
    if (!log.ok()) return ctx.reply().Error(resp::EngineError(log.status()));
    auto created = std::make_unique<stream::Stream>(*std::move(log));
    stream = created.get();
    ctx.server.database(ctx.conn.db).Set(ctx.arg(2), std::move(created));
  }
  if (stream->groups().Find(ctx.arg(3)) != nullptr) {
    return ctx.reply().Error("BUSYGROUP Consumer Group name already exists");
  }
  absl::Status status = stream->groups().CreateGroup(ctx.arg(3), id, stream::kEntriesReadUnknown);
  if (!status.ok()) return ctx.reply().Error(resp::EngineError(status));
  ctx.reply().SimpleString("OK");
}

void XGroupDestroy(command::CommandContext& ctx) {
  bool failed;
  stream::Stream* stream = FindStream(ctx, ctx.arg(2), &failed);
  if (failed) return;
  if (stream == nullptr || stream->groups().Find(ctx.arg(3)) == nullptr) return ctx.reply().Integer(0);
  absl::Status status = stream->groups().DestroyGroup(ctx.arg(3));
  if (!status.ok()) return ctx.reply().Error(resp::EngineError(status));
  ctx.server.SignalKeyReady(ctx.conn.db, ctx.arg(2));
  ctx.reply().Integer(1);
}

stream::ConsumerGroup* FindGroup(command::CommandContext& ctx, stream::Stream** out) {
  bool failed;
  *out = FindStream(ctx, ctx.arg(1), &failed);
  if (failed || *out == nullptr) return nullptr;
  return (*out)->groups().Find(ctx.arg(2));
}

void XAck(command::CommandContext& ctx) {
  stream::Stream* stream;
  if (FindGroup(ctx, &stream) == nullptr) return ctx.reply().Integer(0);
  std::vector<stream::StreamId> ids;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    auto id = stream::ParseId(ctx.arg(i), stream::IdSyntax::kStrict);
    if (!id.ok()) return ctx.reply().Error(resp::EngineError(id.status()));
    ids.push_back(id->id);
  }
  auto acked = stream->groups().Acknowledge(ctx.arg(2), ids);
  if (!acked.ok()) return ctx.reply().Error(resp::EngineError(acked.status()));
  ctx.reply().Integer(static_cast<int64_t>(*acked));
}

// XPENDING key group - + count [consumer] only.
void XPending(command::CommandContext& ctx) {
  stream::Stream* stream;
  const stream::ConsumerGroup* group = FindGroup(ctx, &stream);
  if (group == nullptr || ctx.argc() < 6) return ctx.reply().Error("NOGROUP tmp");
  const int64_t now = static_cast<int64_t>(NowMs());
  std::vector<std::pair<stream::StreamId, stream::PendingEntry>> rows;
  for (const auto& [id, entry] : group->pel()) {
    if (ctx.argc() == 7 && group->consumer(entry.owner).name != ctx.arg(6)) continue;
    rows.emplace_back(id, entry);
  }
  ctx.reply().Array(rows.size());
  for (const auto& [id, entry] : rows) {
    ctx.reply().Array(4);
    ReplyId(ctx.reply(), id);
    ctx.reply().Bulk(group->consumer(entry.owner).name);
    ctx.reply().Integer(std::max<int64_t>(0, now - entry.delivery_ms));
    ctx.reply().Integer(entry.delivery_count);
  }
}

}  // namespace

void RegisterTmpXGroupCreate(command::CommandTable& table) {
  using namespace command;  // NOLINT: flag names
  table.Register({.name = "xgroup", .arity = -2, .doc = {"Temporary.", "5.0.0", "stream", ""},
                  .subcommands = {{.name = "create", .arity = -5, .flags = kWrite | kDenyOom,
                                   .acl_categories = kAclWrite | kAclStream | kAclSlow, .keys = {2, 2, 1},
                                   .doc = {"Temporary.", "5.0.0", "stream", ""},
                                   .handler = XGroupCreate},
                                  {.name = "destroy", .arity = 4, .flags = kWrite,
                                   .acl_categories = kAclWrite | kAclStream | kAclSlow, .keys = {2, 2, 1},
                                   .doc = {"Temporary.", "5.0.0", "stream", ""},
                                   .handler = XGroupDestroy}}});
  table.Register({.name = "xack", .arity = -4, .flags = kWrite | kFast, .keys = {1, 1, 1},
                  .doc = {"Temporary.", "5.0.0", "stream", ""}, .handler = XAck});
  table.Register({.name = "xpending", .arity = -3, .flags = kReadOnly, .keys = {1, 1, 1},
                  .doc = {"Temporary.", "5.0.0", "stream", ""}, .handler = XPending});
}

}  // namespace runnel
