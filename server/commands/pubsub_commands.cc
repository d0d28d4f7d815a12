// Pub/sub family: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH,
// the sharded SSUBSCRIBE SUNSUBSCRIBE SPUBLISH, and PUBSUB (CHANNELS NUMSUB
// NUMPAT SHARDCHANNELS SHARDNUMSUB HELP), as Redis 7's pubsub.c on a
// standalone server.
//
// Confirmations go to the caller as push frames (arrays in RESP2), one per
// channel or pattern, each with the caller's running count: channels plus
// patterns, or shard channels alone for the sharded commands (Redis 7.0).
// Messages go out through Server::Publish (server_pubsub.cc), as frames
// encoded once per PUBLISH and shared by every receiver. Which RESP2 commands
// a subscriber may run is decided by the table (kSubscribedContext) in
// Server::Execute; disconnects drop subscriptions in Server::OnClose.
#include <string>
#include <vector>

#include "engine/pubsub/glob_match.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/help_reply.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;
using command::CommandSpec;
using pubsub::SubscriberId;
using pubsub::SubscriptionRegistry;

// What differs between channel, pattern and shard channel subscriptions.
struct SubscriptionKind {
  SubscriptionRegistry& (pubsub::PubSub::*registry)();
  // The running count confirmations carry.
  size_t (pubsub::PubSub::*count)(SubscriberId) const;
  std::string_view subscribed;    // "subscribe" / "psubscribe" / "ssubscribe"
  std::string_view unsubscribed;  // "unsubscribe" / "punsubscribe" / "sunsubscribe"
};

constexpr SubscriptionKind kChannels{&pubsub::PubSub::channels, &pubsub::PubSub::SubscriptionCount, "subscribe",
                                     "unsubscribe"};
constexpr SubscriptionKind kPatterns{&pubsub::PubSub::patterns, &pubsub::PubSub::SubscriptionCount, "psubscribe",
                                     "punsubscribe"};
constexpr SubscriptionKind kShardChannels{&pubsub::PubSub::shard_channels, &pubsub::PubSub::ShardSubscriptionCount,
                                          "ssubscribe", "sunsubscribe"};

// One confirmation frame; a null `name` (nothing was subscribed) is nil.
void ReplyConfirmation(resp::ReplyBuilder& reply, std::string_view kind, const std::string_view* name,
                       size_t count) {
  reply.Push(3);
  reply.Bulk(kind);
  if (name != nullptr) {
    reply.Bulk(*name);
  } else {
    reply.NullBulk();
  }
  reply.Integer(static_cast<int64_t>(count));
}

void SubscribeTo(CommandContext& ctx, const SubscriptionKind& kind) {
  pubsub::PubSub& state = ctx.server.pubsub();
  const SubscriberId me = Server::SubscriberOf(ctx.conn);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view name = ctx.arg(i);
    (state.*kind.registry)().Add(me, name);
    ReplyConfirmation(ctx.reply(), kind.subscribed, &name, (state.*kind.count)(me));
  }
}

void UnsubscribeFrom(CommandContext& ctx, const SubscriptionKind& kind) {
  pubsub::PubSub& state = ctx.server.pubsub();
  SubscriptionRegistry& registry = (state.*kind.registry)();
  const SubscriberId me = Server::SubscriberOf(ctx.conn);
  if (ctx.argc() > 1) {
    for (size_t i = 1; i < ctx.argc(); ++i) {
      std::string_view name = ctx.arg(i);
      registry.Remove(me, name);
      ReplyConfirmation(ctx.reply(), kind.unsubscribed, &name, (state.*kind.count)(me));
    }
    return;
  }
  // No argument: leave all of this kind. Each frame carries the count as it
  // was after that one removal, as Redis's one-by-one loop reports it.
  std::vector<std::string> left = registry.RemoveAll(me);
  size_t count = (state.*kind.count)(me) + left.size();
  for (const std::string& name : left) {
    std::string_view view = name;
    ReplyConfirmation(ctx.reply(), kind.unsubscribed, &view, --count);
  }
  // Subscribed to nothing: Redis still answers, with a nil name.
  if (left.empty()) ReplyConfirmation(ctx.reply(), kind.unsubscribed, nullptr, count);
}

void Subscribe(CommandContext& ctx) { SubscribeTo(ctx, kChannels); }
void Unsubscribe(CommandContext& ctx) { UnsubscribeFrom(ctx, kChannels); }
void PSubscribe(CommandContext& ctx) { SubscribeTo(ctx, kPatterns); }
void PUnsubscribe(CommandContext& ctx) { UnsubscribeFrom(ctx, kPatterns); }
void SUnsubscribe(CommandContext& ctx) { UnsubscribeFrom(ctx, kShardChannels); }

void SSubscribe(CommandContext& ctx) {
  // Redis 7.0 refuses it to a client that must not block, which EXEC makes
  // every client (SUBSCRIBE and PSUBSCRIBE are let through for history).
  if (ctx.conn.in_exec) {
    ctx.reply().Error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    return;
  }
  SubscribeTo(ctx, kShardChannels);
}

void Publish(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server.Publish(ctx.arg(1), ctx.arg(2))));
}

void SPublish(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server.ShardPublish(ctx.arg(1), ctx.arg(2))));
}

// PUBSUB CHANNELS / SHARDCHANNELS [pattern].
void ReplyActiveNames(CommandContext& ctx, const SubscriptionRegistry& registry) {
  if (ctx.argc() > 3) {
    ctx.reply().Error(resp::UnknownSubcommandOrArity(ctx.arg(1), "pubsub"));
    return;
  }
  std::vector<std::string_view> matching;
  registry.ForEachName([&](const std::string& channel, const auto&) {
    if (ctx.argc() == 2 || pubsub::GlobMatch(ctx.arg(2), channel)) matching.push_back(channel);
  });
  ctx.reply().Array(matching.size());
  for (std::string_view channel : matching) ctx.reply().Bulk(channel);
}

// PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: a flat array in RESP3 too.
void ReplySubscriberCounts(CommandContext& ctx, const SubscriptionRegistry& channels) {
  ctx.reply().Array((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply().Bulk(ctx.arg(i));
    ctx.reply().Integer(static_cast<int64_t>(channels.SubscriberCount(ctx.arg(i))));
  }
}

void PubSubChannels(CommandContext& ctx) { ReplyActiveNames(ctx, ctx.server.pubsub().channels()); }
void PubSubShardChannels(CommandContext& ctx) { ReplyActiveNames(ctx, ctx.server.pubsub().shard_channels()); }
void PubSubNumSub(CommandContext& ctx) { ReplySubscriberCounts(ctx, ctx.server.pubsub().channels()); }
void PubSubShardNumSub(CommandContext& ctx) { ReplySubscriberCounts(ctx, ctx.server.pubsub().shard_channels()); }

void PubSubNumPat(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server.pubsub().patterns().size()));
}

void PubSubHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply(), "pubsub",
            {"CHANNELS [<pattern>]",
             "    Return the currently active channels matching a <pattern> (default: '*').",
             "NUMPAT",
             "    Return number of subscriptions to patterns.",
             "NUMSUB [<channel> ...]",
             "    Return the number of subscribers for the specified channels, excluding",
             "    pattern subscriptions(default: no channels).",
             "SHARDCHANNELS [<pattern>]",
             "    Return the currently active shard level channels matching a <pattern> (default: '*').",
             "SHARDNUMSUB [<shardchannel> ...]",
             "    Return the number of subscribers for the specified shard level channel(s)"});
}

}  // namespace

void RegisterPubSubCommands(command::CommandTable& table) {
  using namespace command;  // NOLINT: flag names
  constexpr uint32_t kSubscribeFlags = kPubSub | kNoScript | kLoading | kStale | kSubscribedContext;
  table.Register({.name = "subscribe", .arity = -2, .flags = kSubscribeFlags, .acl_categories = kAclPubSub,
                  .doc = {"Listen for messages published to the given channels", "2.0.0", "pubsub",
                          "O(N) where N is the number of channels to subscribe to."},
                  .handler = Subscribe});
  table.Register({.name = "unsubscribe", .arity = -1, .flags = kSubscribeFlags, .acl_categories = kAclPubSub,
                  .doc = {"Stop listening for messages posted to the given channels", "2.0.0", "pubsub",
                          "O(N) where N is the number of clients already subscribed to a channel."},
                  .handler = Unsubscribe});
  table.Register({.name = "psubscribe", .arity = -2, .flags = kSubscribeFlags, .acl_categories = kAclPubSub,
                  .doc = {"Listen for messages published to channels matching the given patterns", "2.0.0",
                          "pubsub", "O(N) where N is the number of patterns the client is already subscribed to."},
                  .handler = PSubscribe});
  table.Register({.name = "punsubscribe", .arity = -1, .flags = kSubscribeFlags, .acl_categories = kAclPubSub,
                  .doc = {"Stop listening for messages posted to channels matching the given patterns", "2.0.0",
                          "pubsub",
                          "O(N+M) where N is the number of patterns the client is already subscribed and M is the "
                          "number of total patterns subscribed in the system (by any client)."},
                  .handler = PUnsubscribe});
  table.Register({.name = "publish", .arity = 3, .flags = kPubSub | kLoading | kStale | kFast,
                  .acl_categories = kAclPubSub | kAclFast,
                  .doc = {"Post a message to a channel", "2.0.0", "pubsub",
                          "O(N+M) where N is the number of clients subscribed to the receiving channel and M is "
                          "the total number of subscribed patterns (by any client)."},
                  .handler = Publish});
  table.Register({.name = "ssubscribe", .arity = -2, .flags = kSubscribeFlags, .acl_categories = kAclPubSub,
                  .keys = {1, -1, 1, /*not_key=*/true},
                  .doc = {"Listen for messages published to the given shard channels", "7.0.0", "pubsub",
                          "O(N) where N is the number of shard channels to subscribe to."},
                  .handler = SSubscribe});
  table.Register({.name = "sunsubscribe", .arity = -1, .flags = kSubscribeFlags, .acl_categories = kAclPubSub,
                  .keys = {1, -1, 1, /*not_key=*/true},
                  .doc = {"Stop listening for messages posted to the given shard channels", "7.0.0", "pubsub",
                          "O(N) where N is the number of clients already subscribed to a shard channel."},
                  .handler = SUnsubscribe});
  table.Register({.name = "spublish", .arity = 3, .flags = kPubSub | kLoading | kStale | kFast,
                  .acl_categories = kAclPubSub | kAclFast, .keys = {1, 1, 1, /*not_key=*/true},
                  .doc = {"Post a message to a shard channel", "7.0.0", "pubsub",
                          "O(N) where N is the number of clients subscribed to the receiving shard channel."},
                  .handler = SPublish});
  constexpr uint32_t kIntrospection = kPubSub | kLoading | kStale;
  table.Register(
      {.name = "pubsub",
       .arity = -2,
       .doc = {"A container for Pub/Sub commands", "2.8.0", "pubsub", "Depends on subcommand."},
       .subcommands = {
           {.name = "help", .arity = 2, .flags = kLoading | kStale,
            .doc = {"Show helpful text about the different subcommands", "6.2.0", "pubsub", "O(1)"},
            .handler = PubSubHelp},
           {.name = "numpat", .arity = 2, .flags = kIntrospection, .acl_categories = kAclPubSub,
            .doc = {"Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub", "O(1)"},
            .handler = PubSubNumPat},
           {.name = "channels", .arity = -2, .flags = kIntrospection, .acl_categories = kAclPubSub,
            .doc = {"List active channels", "2.8.0", "pubsub",
                    "O(N) where N is the number of active channels, and assuming constant time pattern matching "
                    "(relatively short channels and patterns)"},
            .handler = PubSubChannels},
           {.name = "numsub", .arity = -2, .flags = kIntrospection, .acl_categories = kAclPubSub,
            .doc = {"Get the count of subscribers for channels", "2.8.0", "pubsub",
                    "O(N) for the NUMSUB subcommand, where N is the number of requested channels"},
            .handler = PubSubNumSub},
           {.name = "shardchannels", .arity = -2, .flags = kIntrospection, .acl_categories = kAclPubSub,
            .doc = {"List active shard channels", "7.0.0", "pubsub",
                    "O(N) where N is the number of active shard channels, and assuming constant time pattern "
                    "matching (relatively short shard channels)."},
            .handler = PubSubShardChannels},
           {.name = "shardnumsub", .arity = -2, .flags = kIntrospection, .acl_categories = kAclPubSub,
            .doc = {"Get the count of subscribers for shard channels", "7.0.0", "pubsub",
                    "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels"},
            .handler = PubSubShardNumSub},
       }});
}

}  // namespace runnel
