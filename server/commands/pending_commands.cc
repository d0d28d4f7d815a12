// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]: a
// consumer group's pending entries list (engine/stream/pending_entries.h),
// summarised or listed.
//
// Summary: [count, smallest ID, largest ID, [[consumer, count-as-bulk], ...]]
// (nil, nil and a null array when nothing is pending). Extended: one
// [id, consumer, idle ms, delivery count] per entry, in ID order.
#include <algorithm>
#include <iterator>
#include <string>

#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/group_args.h"
#include "server/commands/stream_reply.h"
#include "server/resp/error_text.h"

namespace runnel {
namespace {

using command::CommandContext;
using stream::ConsumerGroup;
using stream::PendingEntry;
using stream::StreamId;

void ReplySummary(CommandContext& ctx, const ConsumerGroup& group) {
  resp::ReplyBuilder& reply = ctx.reply();
  const stream::PendingMap& pel = group.pel();
  reply.Array(4);
  reply.Integer(static_cast<int64_t>(pel.size()));
  if (pel.empty()) {
    reply.NullBulk();
    reply.NullBulk();
    return reply.NullArray();
  }
  ReplyId(reply, pel.begin()->first);
  ReplyId(reply, std::prev(pel.end())->first);
  size_t owners = 0;
  group.ForEachConsumer([&](const stream::Consumer& consumer) { owners += consumer.pending.empty() ? 0 : 1; });
  reply.Array(owners);
  group.ForEachConsumer([&](const stream::Consumer& consumer) {
    if (consumer.pending.empty()) return;
    reply.Array(2);
    reply.Bulk(consumer.name);
    reply.Bulk(std::to_string(consumer.pending.size()));  // a bulk string, as Redis sends it
  });
}

// The entries of `group` to list: in [start, end], at most `count`, idle
// for at least min_idle_ms, and only `owner`'s when given. Counted first,
// because the array's length precedes its elements.
template <typename Visit>
void ForEachListed(const ConsumerGroup& group, const PendingArgs& args, const stream::Consumer* owner,
                   int64_t now_ms, Visit visit) {
  if (args.count == 0 || args.start > args.end) return;
  uint64_t listed = 0;
  auto consider = [&](StreamId id, const PendingEntry& entry) {
    // As in Redis, IDLE 0 filters nothing.
    if (args.min_idle_ms != 0 && now_ms - entry.delivery_ms < args.min_idle_ms) return true;
    visit(id, entry);
    return ++listed < args.count;
  };
  const stream::PendingMap& pel = group.pel();
  if (owner == nullptr) {
    for (auto it = pel.lower_bound(args.start); it != pel.end() && it->first <= args.end; ++it) {
      if (!consider(it->first, it->second)) return;
    }
    return;
  }
  for (auto it = owner->pending.lower_bound(args.start); it != owner->pending.end() && *it <= args.end; ++it) {
    if (!consider(*it, *group.FindPending(*it))) return;
  }
}

void ReplyExtended(CommandContext& ctx, const ConsumerGroup& group, const PendingArgs& args) {
  const stream::Consumer* owner = nullptr;
  if (args.consumer.has_value()) {
    owner = group.FindConsumer(*args.consumer);
    if (owner == nullptr) return ctx.reply().Array(0);
  }
  const auto now_ms = static_cast<int64_t>(NowMs());
  size_t total = 0;
  ForEachListed(group, args, owner, now_ms, [&](StreamId, const PendingEntry&) { ++total; });
  ctx.reply().Array(total);
  ForEachListed(group, args, owner, now_ms, [&](StreamId id, const PendingEntry& entry) {
    resp::ReplyBuilder& reply = ctx.reply();
    reply.Array(4);
    ReplyId(reply, id);
    reply.Bulk(group.consumer(entry.owner).name);
    reply.Integer(std::max<int64_t>(now_ms - entry.delivery_ms, 0));
    reply.Integer(entry.delivery_count);
  });
}

void XPending(CommandContext& ctx) {
  // Redis parses every argument before it looks the key up.
  auto parsed = ParsePendingArgs(ctx.args);
  if (const std::string* error = std::get_if<std::string>(&parsed)) return ctx.reply().Error(*error);
  const PendingArgs& args = std::get<PendingArgs>(parsed);
  bool failed;
  stream::Stream* stream = FindStream(ctx, ctx.arg(1), Lookup::kRead, &failed);
  if (failed) return;
  const ConsumerGroup* group = stream == nullptr ? nullptr : stream->groups().Find(ctx.arg(2));
  if (group == nullptr) return ctx.reply().Error(resp::NoSuchKeyOrGroup(ctx.arg(1), ctx.arg(2)));
  if (args.summary) return ReplySummary(ctx, *group);
  ReplyExtended(ctx, *group, args);
}

}  // namespace

void RegisterPendingCommands(command::CommandTable& table) {
  using namespace command;  // NOLINT: flag names
  table.Register({.name = "xpending", .arity = -3, .flags = kReadOnly,
                  .acl_categories = kAclRead | kAclStream | kAclSlow, .keys = {1, 1, 1},
                  .doc = {"Return information and entries from a stream consumer group pending entries list, that "
                          "are messages fetched but never acknowledged.",
                          "5.0.0", "stream",
                          "O(N) with N being the number of elements returned, so asking for a small fixed number "
                          "of entries per call is O(1). O(M), where M is the total number of entries scanned when "
                          "used with the IDLE filter. When the command returns just the summary and the list of "
                          "consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for "
                          "iterating every consumer."},
                  .handler = XPending});
}

}  // namespace runnel
