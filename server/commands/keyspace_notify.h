// Keyspace notifications from command handlers: an event on a key of the
// calling connection's database (Server::NotifyKeyspaceEvent). Event names
// and the order they fire in are Redis 7's, checked against redis-server.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/pubsub/keyspace_events.h"
#include "engine/stream/stream.h"
#include "server/command/command_context.h"
#include "server/connection.h"
#include "server/server.h"

namespace runnel {

inline void NotifyKeyspaceEvent(command::CommandContext& ctx, uint32_t event_class, std::string_view event,
                                std::string_view key) {
  ctx.server.NotifyKeyspaceEvent(event_class, event, key, ctx.conn.db);
}

// XREADGROUP, XCLAIM and XAUTOCLAIM create their consumer when it is new,
// which Redis announces as `xgroup-createconsumer`. Made before the
// operation; Report() after it succeeded. With stream events off (the usual
// case) it looks nothing up: these are hot paths.
class ConsumerCreation {
 public:
  ConsumerCreation(command::CommandContext& ctx, stream::Stream& stream, std::string_view group,
                   std::string_view consumer)
      : stream_(stream),
        group_(group),
        consumer_(consumer),
        watching_((ctx.server.config().notify_keyspace_events & pubsub::kNotifyStream) != 0),
        existed_(watching_ && Exists()) {}

  void Report(command::CommandContext& ctx, std::string_view key) const {
    if (watching_ && !existed_ && Exists()) {
      NotifyKeyspaceEvent(ctx, pubsub::kNotifyStream, "xgroup-createconsumer", key);
    }
  }

 private:
  bool Exists() const {
    const stream::ConsumerGroup* group = stream_.groups().Find(group_);
    return group != nullptr && group->FindConsumer(consumer_) != nullptr;
  }

  stream::Stream& stream_;
  std::string_view group_;
  std::string_view consumer_;
  bool watching_;
  bool existed_;
};

}  // namespace runnel
