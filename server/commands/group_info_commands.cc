// XINFO GROUPS key and XINFO CONSUMERS key group, and XINFO STREAM's groups,
// with Redis 7.2's fields in its order (maps in RESP3, flat arrays in RESP2).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/commands/group_info.h"
#include "server/commands/stream_reply.h"
#include "server/resp/error_text.h"

namespace runnel {
namespace {

using command::CommandContext;
using stream::ConsumerGroup;
using stream::Stream;

// entries-read: nil while the group's read counter is unknown.
void ReplyEntriesRead(resp::ReplyBuilder& reply, const ConsumerGroup& group) {
  if (group.entries_read() == stream::kEntriesReadUnknown) return reply.NullBulk();
  reply.Integer(group.entries_read());
}

void ReplyLag(resp::ReplyBuilder& reply, const std::optional<int64_t>& lag) {
  if (!lag.has_value()) return reply.NullBulk();
  reply.Integer(*lag);
}

void XInfoGroups(CommandContext& ctx) {
  bool failed;
  Stream* stream = FindStream(ctx, ctx.arg(2), Lookup::kRead, &failed);
  if (failed) return;
  if (stream == nullptr) return ctx.reply().Error(resp::kNoSuchKey);
  // Lags may read the stream; they are computed before the reply begins so
  // that a read error is an error reply.
  std::vector<std::optional<int64_t>> lags;
  absl::Status status;
  stream->groups().ForEach([&](const std::string&, const ConsumerGroup& group) {
    if (!status.ok()) return;
    absl::StatusOr<std::optional<int64_t>> lag = stream->Lag(group);
    if (!lag.ok()) status = lag.status();
    lags.push_back(lag.value_or(std::nullopt));
  });
  if (!status.ok()) return ctx.reply().Error(resp::EngineError(status));
  resp::ReplyBuilder& reply = ctx.reply();
  reply.Array(lags.size());
  size_t i = 0;
  stream->groups().ForEach([&](const std::string& name, const ConsumerGroup& group) {
    reply.Map(6);
    reply.Bulk("name");
    reply.Bulk(name);
    reply.Bulk("consumers");
    reply.Integer(static_cast<int64_t>(group.consumer_count()));
    reply.Bulk("pending");
    reply.Integer(static_cast<int64_t>(group.pel().size()));
    reply.Bulk("last-delivered-id");
    ReplyId(reply, group.last_delivered());
    reply.Bulk("entries-read");
    ReplyEntriesRead(reply, group);
    reply.Bulk("lag");
    ReplyLag(reply, lags[i++]);
  });
}

// Redis 7.2: "idle" is the time since the consumer was last seen (any
// attempted interaction), "inactive" since its last successful read or
// claim, -1 if it never had one.
void XInfoConsumers(CommandContext& ctx) {
  bool failed;
  Stream* stream = FindStream(ctx, ctx.arg(2), Lookup::kRead, &failed);
  if (failed) return;
  if (stream == nullptr) return ctx.reply().Error(resp::kNoSuchKey);
  const ConsumerGroup* group = stream->groups().Find(ctx.arg(3));
  if (group == nullptr) return ctx.reply().Error(resp::NoSuchGroupForKey(ctx.arg(3), ctx.arg(2)));
  const auto now_ms = static_cast<int64_t>(NowMs());
  resp::ReplyBuilder& reply = ctx.reply();
  reply.Array(group->consumer_count());
  group->ForEachConsumer([&](const stream::Consumer& consumer) {
    reply.Map(4);
    reply.Bulk("name");
    reply.Bulk(consumer.name);
    reply.Bulk("pending");
    reply.Integer(static_cast<int64_t>(consumer.pending.size()));
    reply.Bulk("idle");
    reply.Integer(std::max<int64_t>(now_ms - consumer.seen_ms, 0));
    reply.Bulk("inactive");
    reply.Integer(consumer.active_ms == -1 ? -1 : now_ms - consumer.active_ms);
  });
}

// The group's PEL in XINFO STREAM FULL: [id, consumer, delivery time,
// delivery count], at most `count` (0: all).
void ReplyGroupPel(resp::ReplyBuilder& reply, const ConsumerGroup& group, uint64_t count) {
  const stream::PendingMap& pel = group.pel();
  const uint64_t total = count == 0 ? pel.size() : std::min<uint64_t>(count, pel.size());
  reply.Array(total);
  uint64_t sent = 0;
  for (auto it = pel.begin(); sent < total; ++it, ++sent) {
    reply.Array(4);
    ReplyId(reply, it->first);
    reply.Bulk(group.consumer(it->second.owner).name);
    reply.Integer(it->second.delivery_ms);
    reply.Integer(it->second.delivery_count);
  }
}

// One consumer in XINFO STREAM FULL (7.2: with active-time), its PEL as
// [id, delivery time, delivery count], at most `count` (0: all).
void ReplyFullConsumer(resp::ReplyBuilder& reply, const ConsumerGroup& group, const stream::Consumer& consumer,
                       uint64_t count) {
  reply.Map(5);
  reply.Bulk("name");
  reply.Bulk(consumer.name);
  reply.Bulk("seen-time");
  reply.Integer(consumer.seen_ms);
  reply.Bulk("active-time");
  reply.Integer(consumer.active_ms);
  reply.Bulk("pel-count");
  reply.Integer(static_cast<int64_t>(consumer.pending.size()));
  reply.Bulk("pending");
  const uint64_t total =
      count == 0 ? consumer.pending.size() : std::min<uint64_t>(count, consumer.pending.size());
  reply.Array(total);
  uint64_t sent = 0;
  for (auto it = consumer.pending.begin(); sent < total; ++it, ++sent) {
    const stream::PendingEntry* entry = group.FindPending(*it);
    reply.Array(3);
    ReplyId(reply, *it);
    reply.Integer(entry->delivery_ms);
    reply.Integer(entry->delivery_count);
  }
}

}  // namespace

void ReplyGroupCount(resp::ReplyBuilder& reply, Stream& stream) {
  reply.Integer(static_cast<int64_t>(stream.groups().size()));
}

absl::Status ReplyGroupsFull(resp::ReplyBuilder& reply, Stream& stream, uint64_t count) {
  reply.Array(stream.groups().size());
  absl::Status status;
  stream.groups().ForEach([&](const std::string& name, const ConsumerGroup& group) {
    if (!status.ok()) return;
    absl::StatusOr<std::optional<int64_t>> lag = stream.Lag(group);
    if (!lag.ok()) {
      status = lag.status();
      return;
    }
    reply.Map(7);
    reply.Bulk("name");
    reply.Bulk(name);
    reply.Bulk("last-delivered-id");
    ReplyId(reply, group.last_delivered());
    reply.Bulk("entries-read");
    ReplyEntriesRead(reply, group);
    reply.Bulk("lag");
    ReplyLag(reply, *lag);
    reply.Bulk("pel-count");
    reply.Integer(static_cast<int64_t>(group.pel().size()));
    reply.Bulk("pending");
    ReplyGroupPel(reply, group, count);
    reply.Bulk("consumers");
    reply.Array(group.consumer_count());
    group.ForEachConsumer(
        [&](const stream::Consumer& consumer) { ReplyFullConsumer(reply, group, consumer, count); });
  });
  return status;
}

std::vector<command::CommandSpec> GroupInfoSubcommands() {
  using namespace command;  // NOLINT: flag names
  std::vector<CommandSpec> rows;
  rows.push_back({.name = "groups", .arity = 3, .flags = kReadOnly,
                  .acl_categories = kAclRead | kAclStream | kAclSlow, .keys = {2, 2, 1},
                  .doc = {"Get a list of consumer groups of a stream.", "5.0.0", "stream", "O(1)"},
                  .handler = XInfoGroups});
  rows.push_back({.name = "consumers", .arity = 4, .flags = kReadOnly,
                  .acl_categories = kAclRead | kAclStream | kAclSlow, .keys = {2, 2, 1},
                  .doc = {"Get a list of the consumers in a consumer group.", "5.0.0", "stream", "O(1)"},
                  .handler = XInfoConsumers});
  return rows;
}

}  // namespace runnel
