// Consumer-group family: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER,
// DELCONSUMER, HELP) and XACK. Each handler parses (group_args.h), calls the
// stream's ConsumerGroups (engine/stream/consumer_groups.h), then replies.
// XPENDING is in pending_commands.cc, XINFO GROUPS/CONSUMERS in
// group_info_commands.cc, XREADGROUP and the claims in their own files.
#include <memory>
#include <vector>

#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/keyspace_notify.h"
#include "server/commands/group_args.h"
#include "server/commands/help_reply.h"
#include "server/commands/stream_reply.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;
using stream::ConsumerGroup;
using stream::Stream;
using stream::StreamId;

constexpr std::string_view kKeyRequired =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
    "MKSTREAM option to create an empty stream automatically.";

// What every XGROUP subcommand but HELP starts from, found in Redis's order
// (xgroupCommand): options, then the key (WRONGTYPE), then — unless
// MKSTREAM — the key must exist and, for the subcommands that need one, the
// group.
struct GroupTarget {
  GroupOptions options;
  Stream* stream = nullptr;       // null only with MKSTREAM
  ConsumerGroup* group = nullptr; // null when absent (CREATE, DESTROY)
};

enum class NeedsGroup : uint8_t { kNo, kYes };

// Returns false after replying an error.
bool FindTarget(CommandContext& ctx, GroupSubcommand subcommand, NeedsGroup needs_group, GroupTarget* out) {
  auto parsed = ParseGroupOptions(ctx.args, subcommand);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error), false;
  out->options = std::get<GroupOptions>(parsed);
  bool failed;
  out->stream = FindStream(ctx, ctx.arg(2), Lookup::kWrite, &failed);
  if (failed) return false;
  if (out->options.mkstream) return true;  // CREATE: the group's absence is checked there
  if (out->stream == nullptr) return ctx.reply().Error(kKeyRequired), false;
  out->group = out->stream->groups().Find(ctx.arg(3));
  if (out->group == nullptr && needs_group == NeedsGroup::kYes) {
    return ctx.reply().Error(resp::NoSuchGroupForKey(ctx.arg(3), ctx.arg(2))), false;
  }
  return true;
}

// The stream at the command's key, created empty (XGROUP CREATE MKSTREAM).
absl::StatusOr<Stream*> CreateStream(CommandContext& ctx) {
  absl::StatusOr<std::unique_ptr<log::Log>> log = ctx.server.storage().logs().CreateLog(ctx.conn.db, ctx.arg(2));
  if (!log.ok()) return log.status();
  auto created = std::make_unique<Stream>(*std::move(log));
  // A new stream has nothing to recover; this sets up its (empty) groups.
  if (absl::Status status = created->Prepare(); !status.ok()) {
    created->Discard();
    return status;
  }
  Stream* stream = created.get();
  ctx.server.database(ctx.conn.db).Set(ctx.arg(2), std::move(created));
  return stream;
}

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]
void XGroupCreate(CommandContext& ctx) {
  GroupTarget target;
  if (!FindTarget(ctx, GroupSubcommand::kCreate, NeedsGroup::kNo, &target)) return;
  // Options may repeat; Redis takes at most three words of them.
  if (ctx.argc() > 8) return ctx.reply().Error(resp::UnknownSubcommandOrArity(ctx.arg(1), "xgroup"));
  StreamId id = stream::kMinId;  // "$" of a stream MKSTREAM is about to create
  if (ctx.arg(4) == "$") {
    if (target.stream != nullptr) id = target.stream->last_id();
  } else {
    absl::StatusOr<stream::ParsedId> parsed = stream::ParseId(ctx.arg(4), stream::IdSyntax::kStrict);
    if (!parsed.ok()) return ctx.reply().Error(resp::EngineError(parsed.status()));
    id = parsed->id;
  }
  if (target.stream != nullptr && target.stream->groups().Find(ctx.arg(3)) != nullptr) {
    return ctx.reply().Error(resp::kBusyGroup);
  }
  if (target.stream == nullptr) {
    absl::StatusOr<Stream*> created = CreateStream(ctx);
    if (!created.ok()) return ctx.reply().Error(resp::EngineError(created.status()));
    target.stream = *created;
  }
  absl::Status status = target.stream->groups().CreateGroup(ctx.arg(3), id, target.options.entries_read);
  if (!status.ok()) return ctx.reply().Error(resp::EngineError(status));
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xgroup-create", ctx.arg(2));
  ctx.reply().Ok();
}

// XGROUP SETID key group id|$ [ENTRIESREAD n]. Without ENTRIESREAD the
// group's read counter becomes unknown, as in Redis.
void XGroupSetId(CommandContext& ctx) {
  GroupTarget target;
  if (!FindTarget(ctx, GroupSubcommand::kSetId, NeedsGroup::kYes, &target)) return;
  if (ctx.argc() != 5 && ctx.argc() != 7) {
    return ctx.reply().Error(resp::UnknownSubcommandOrArity(ctx.arg(1), "xgroup"));
  }
  StreamId id = target.stream->last_id();
  if (ctx.arg(4) != "$") {
    // Unlike CREATE, SETID takes "-" and "+" (streamParseIDOrReply).
    absl::StatusOr<stream::ParsedId> parsed = stream::ParseId(ctx.arg(4), stream::IdSyntax::kRangeBound, 0);
    if (!parsed.ok()) return ctx.reply().Error(resp::EngineError(parsed.status()));
    id = parsed->id;
  }
  absl::Status status = target.stream->groups().SetPosition(ctx.arg(3), id, target.options.entries_read);
  if (!status.ok()) return ctx.reply().Error(resp::EngineError(status));
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xgroup-setid", ctx.arg(2));
  ctx.reply().Ok();
}

// XGROUP DESTROY key group: 1 when the group existed, else 0.
void XGroupDestroy(CommandContext& ctx) {
  GroupTarget target;
  if (!FindTarget(ctx, GroupSubcommand::kOther, NeedsGroup::kNo, &target)) return;
  if (target.group == nullptr) return ctx.reply().Integer(0);
  if (absl::Status status = target.stream->groups().DestroyGroup(ctx.arg(3)); !status.ok()) {
    return ctx.reply().Error(resp::EngineError(status));
  }
  // Clients blocked in XREADGROUP on this group re-run and get NOGROUP.
  ctx.server.SignalKeyReady(ctx.conn.db, ctx.arg(2));
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xgroup-destroy", ctx.arg(2));
  ctx.reply().Integer(1);
}

// XGROUP CREATECONSUMER key group consumer: 1 when created, 0 when it existed.
void XGroupCreateConsumer(CommandContext& ctx) {
  GroupTarget target;
  if (!FindTarget(ctx, GroupSubcommand::kOther, NeedsGroup::kYes, &target)) return;
  if (target.group->FindConsumer(ctx.arg(4)) != nullptr) return ctx.reply().Integer(0);
  absl::Status status =
      target.stream->groups().CreateConsumer(ctx.arg(3), ctx.arg(4), static_cast<int64_t>(NowMs()));
  if (!status.ok()) return ctx.reply().Error(resp::EngineError(status));
  NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xgroup-createconsumer", ctx.arg(2));
  ctx.reply().Integer(1);
}

// XGROUP DELCONSUMER key group consumer: the consumer's pending count, its
// entries leaving the PEL; 0 for a consumer that does not exist.
void XGroupDelConsumer(CommandContext& ctx) {
  GroupTarget target;
  if (!FindTarget(ctx, GroupSubcommand::kOther, NeedsGroup::kYes, &target)) return;
  const bool existed = target.group->FindConsumer(ctx.arg(4)) != nullptr;
  absl::StatusOr<uint64_t> pending = target.stream->groups().DeleteConsumer(ctx.arg(3), ctx.arg(4));
  if (!pending.ok()) return ctx.reply().Error(resp::EngineError(pending.status()));
  if (existed) NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xgroup-delconsumer", ctx.arg(2));
  ctx.reply().Integer(static_cast<int64_t>(*pending));
}

void XGroupHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply(), "xgroup",
            {"CREATE <key> <groupname> <id|$> [option]",
             "    Create a new consumer group. Options are:",
             "    * MKSTREAM",
             "      Create the empty stream if it does not exist.",
             "    * ENTRIESREAD entries_read",
             "      Set the group's entries_read counter (internal use).",
             "CREATECONSUMER <key> <groupname> <consumer>",
             "    Create a new consumer in the specified group.",
             "DELCONSUMER <key> <groupname> <consumer>",
             "    Remove the specified consumer.",
             "DESTROY <key> <groupname>",
             "    Remove the specified group.",
             "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
             "    Set the current group ID and entries_read counter."});
}

// XACK key group id [id ...]: how many of the IDs were pending. A missing
// key or group acknowledges nothing (0, before the IDs are even parsed);
// otherwise every ID is parsed before any is acknowledged, so a bad one
// changes nothing.
void XAck(CommandContext& ctx) {
  bool failed;
  Stream* stream = FindStream(ctx, ctx.arg(1), Lookup::kRead, &failed);
  if (failed) return;
  if (stream == nullptr || stream->groups().Find(ctx.arg(2)) == nullptr) return ctx.reply().Integer(0);
  std::vector<StreamId> ids;
  ids.reserve(ctx.argc() - 3);
  for (size_t i = 3; i < ctx.argc(); ++i) {
    absl::StatusOr<stream::ParsedId> id = stream::ParseId(ctx.arg(i), stream::IdSyntax::kStrict);
    if (!id.ok()) return ctx.reply().Error(resp::EngineError(id.status()));
    ids.push_back(id->id);
  }
  absl::StatusOr<uint64_t> acknowledged = stream->groups().Acknowledge(ctx.arg(2), ids);
  if (!acknowledged.ok()) return ctx.reply().Error(resp::EngineError(acknowledged.status()));
  ctx.reply().Integer(static_cast<int64_t>(*acknowledged));
}

}  // namespace

void RegisterGroupCommands(command::CommandTable& table) {
  using namespace command;  // NOLINT: flag names
  constexpr uint32_t kGroupWrite = kAclWrite | kAclStream | kAclSlow;
  constexpr KeyPositions kSecondKey{2, 2, 1};
  table.Register({
      .name = "xgroup",
      .arity = -2,
      .acl_categories = kAclSlow,
      .doc = {"A container for consumer groups commands", "5.0.0", "stream", "Depends on subcommand."},
      .subcommands = {
          {.name = "create", .arity = -5, .flags = kWrite | kDenyOom, .acl_categories = kGroupWrite,
           .keys = kSecondKey, .doc = {"Create a consumer group.", "5.0.0", "stream", "O(1)"},
           .handler = XGroupCreate},
          {.name = "setid", .arity = -5, .flags = kWrite, .acl_categories = kGroupWrite, .keys = kSecondKey,
           .doc = {"Set a consumer group to an arbitrary last delivered ID value.", "5.0.0", "stream", "O(1)"},
           .handler = XGroupSetId},
          {.name = "destroy", .arity = 4, .flags = kWrite, .acl_categories = kGroupWrite, .keys = kSecondKey,
           .doc = {"Destroy a consumer group.", "5.0.0", "stream",
                   "O(N) where N is the number of entries in the group's pending entries list (PEL)."},
           .handler = XGroupDestroy},
          {.name = "createconsumer", .arity = 5, .flags = kWrite | kDenyOom, .acl_categories = kGroupWrite,
           .keys = kSecondKey,
           .doc = {"Create a consumer in a consumer group.", "6.2.0", "stream", "O(1)"},
           .handler = XGroupCreateConsumer},
          {.name = "delconsumer", .arity = 5, .flags = kWrite, .acl_categories = kGroupWrite, .keys = kSecondKey,
           .doc = {"Delete a consumer from a consumer group.", "5.0.0", "stream", "O(1)"},
           .handler = XGroupDelConsumer},
          {.name = "help", .arity = 2, .flags = kLoading | kStale, .acl_categories = kAclStream | kAclSlow,
           .doc = {"Show helpful text about the different subcommands", "5.0.0", "stream", "O(1)"},
           .handler = XGroupHelp},
      }});
  table.Register({.name = "xack", .arity = -4, .flags = kWrite | kFast,
                  .acl_categories = kAclWrite | kAclStream | kAclFast, .keys = {1, 1, 1},
                  .doc = {"Marks a pending message as correctly processed, effectively removing it from the "
                          "pending entries list of the consumer group. Return value of the command is the number "
                          "of messages successfully acknowledged, that is, the IDs we were actually able to "
                          "resolve in the PEL.",
                          "5.0.0", "stream", "O(1) for each message ID processed."},
                  .handler = XAck});
}

}  // namespace runnel
