// Pub/sub family: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH and
// PUBSUB (CHANNELS NUMSUB NUMPAT HELP), as Redis 7's pubsub.c.
//
// Confirmations go to the caller as push frames (arrays in RESP2), one per
// channel or pattern, each with the caller's running count of channels plus
// patterns. Messages go to other connections as frames encoded once per
// PUBLISH (MessageFrames) and shared by every receiver. Which RESP2 commands
// a subscriber may run is decided by the table (kSubscribedContext) in
// Server::Execute; disconnects drop subscriptions in Server::OnClose.
#include <string>
#include <vector>

#include "engine/pubsub/glob_match.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/help_reply.h"
#include "server/commands/pubsub_frames.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;
using command::CommandSpec;
using pubsub::SubscriberId;
using pubsub::SubscriptionRegistry;

// What differs between channel and pattern subscriptions.
struct SubscriptionKind {
  SubscriptionRegistry& (pubsub::PubSub::*registry)();
  std::string_view subscribed;    // "subscribe" / "psubscribe"
  std::string_view unsubscribed;  // "unsubscribe" / "punsubscribe"
};

constexpr SubscriptionKind kChannels{&pubsub::PubSub::channels, "subscribe", "unsubscribe"};
constexpr SubscriptionKind kPatterns{&pubsub::PubSub::patterns, "psubscribe", "punsubscribe"};

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
    ReplyConfirmation(ctx.reply(), kind.subscribed, &name, state.SubscriptionCount(me));
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
      ReplyConfirmation(ctx.reply(), kind.unsubscribed, &name, state.SubscriptionCount(me));
    }
    return;
  }
  // No argument: leave all of this kind. Each frame carries the count as it
  // was after that one removal, as Redis's one-by-one loop reports it.
  std::vector<std::string> left = registry.RemoveAll(me);
  size_t count = state.SubscriptionCount(me) + left.size();
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

void Publish(CommandContext& ctx) {
  Server& server = ctx.server;
  MessageFrames frames(ctx.arg(1), ctx.arg(2));
  size_t receivers = server.pubsub().Publish(ctx.arg(1), [&](SubscriberId id, const std::string* pattern) {
    // Every subscriber is a live connection: OnClose removes a closing
    // connection's subscriptions before its slot can be reused.
    Connection* receiver = server.FindSubscriber(id);
    if (receiver != nullptr) server.DeliverShared(*receiver, frames.For(receiver->reply().protocol(), pattern));
  });
  ctx.reply().Integer(static_cast<int64_t>(receivers));
}

void PubSubChannels(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply().Error(resp::UnknownSubcommandOrArity(ctx.arg(1), "pubsub"));
    return;
  }
  std::vector<std::string_view> matching;
  ctx.server.pubsub().channels().ForEachName([&](const std::string& channel, const auto&) {
    if (ctx.argc() == 2 || pubsub::GlobMatch(ctx.arg(2), channel)) matching.push_back(channel);
  });
  ctx.reply().Array(matching.size());
  for (std::string_view channel : matching) ctx.reply().Bulk(channel);
}

void PubSubNumSub(CommandContext& ctx) {
  const SubscriptionRegistry& channels = ctx.server.pubsub().channels();
  ctx.reply().Array((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply().Bulk(ctx.arg(i));
    ctx.reply().Integer(static_cast<int64_t>(channels.SubscriberCount(ctx.arg(i))));
  }
}

void PubSubNumPat(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server.pubsub().patterns().size()));
}

void PubSubHelp(CommandContext& ctx) {
  // Redis 7.0's text, which lists the sharded subcommands too.
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
       }});
}

}  // namespace runnel
