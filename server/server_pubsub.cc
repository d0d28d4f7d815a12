// The server's side of pub/sub: fanning a message out to the receivers the
// registries name, keyspace notifications, and the output limits that keep
// a subscriber who does not read from holding unbounded memory.
//
// A push meant for the connection whose command is running (a RESP3 client
// publishing to a channel it is subscribed to, or causing a keyspace event
// it listens to) is held until that command's reply is complete, as Redis
// 7.2 does: a push inside a multi-part reply (MGET meeting expired keys,
// EXEC's array) would corrupt it.
#include "engine/base/logging.h"
#include "engine/pubsub/keyspace_events.h"
#include "server/commands/pubsub_frames.h"
#include "server/server.h"

namespace runnel {
namespace {

// Redis does not count its 16 KiB static reply buffer against the limits;
// the first block of our output stands in for it.
size_t OutputLimitBytes(const Connection& conn) {
  const size_t held = conn.output().memory_bytes();
  return held > io::OutputBuffer::kBlockSize ? held - io::OutputBuffer::kBlockSize : 0;
}

}  // namespace

template <typename PublishFn>
size_t Server::Fanout(MessageFrames& frames, PublishFn&& publish) {
  return publish([&](pubsub::SubscriberId id, const std::string* pattern) {
    // Every subscriber is a live connection: OnClose removes a closing
    // connection's subscriptions before its slot can be reused.
    Connection* receiver = FindSubscriber(id);
    if (receiver != nullptr) DeliverShared(*receiver, frames.For(receiver->reply().protocol(), pattern));
  });
}

size_t Server::Publish(std::string_view channel, std::string_view message) {
  MessageFrames frames(channel, message);
  return Fanout(frames, [&](pubsub::PubSub::Deliver deliver) { return pubsub_.Publish(channel, deliver); });
}

size_t Server::ShardPublish(std::string_view channel, std::string_view message) {
  MessageFrames frames(channel, message, "smessage");
  return Fanout(frames, [&](pubsub::PubSub::Deliver deliver) { return pubsub_.ShardPublish(channel, deliver); });
}

void Server::NotifyKeyspaceEvent(uint32_t event_class, std::string_view event, std::string_view key, int db) {
  const uint32_t enabled = config_.notify_keyspace_events;
  if (!(enabled & event_class)) return;
  if (enabled & pubsub::kNotifyKeyspace) Publish(pubsub::KeyspaceChannel(db, key), event);
  if (enabled & pubsub::kNotifyKeyevent) Publish(pubsub::KeyeventChannel(db, event), key);
}

// By reference: a fan-out to N subscribers then costs no reference count
// changes for the (usual) small frames, which AppendShared copies.
void Server::DeliverShared(Connection& conn, const std::shared_ptr<const std::string>& frame) {
  if (conn.close_requested || conn.output_limit_reached) return;
  if (&conn == calling_) {
    calling_pushes_.push_back(frame);
    return;
  }
  stats_.total_net_output_bytes += frame->size();
  conn.output().AppendShared(frame);
  // Only subscribers receive shared frames: no need to look the class up
  // (three registry lookups) once per delivered message.
  if (OutputLimitReached(conn, config::ClientClass::kPubSub)) return;
  // Output held for a group commit (appendfsync always) is sent by
  // ReleaseSyncedReplies, after the fsync: flushing here would send the held
  // reply early.
  if (conn.sync_epoch > storage_->scheduler().completed_epoch()) return;
  loop_->Flush(conn.id());
}

void Server::DeliverHeldPushes(Connection& conn) {
  std::vector<std::shared_ptr<const std::string>> pushes;
  pushes.swap(calling_pushes_);
  for (const auto& frame : pushes) DeliverShared(conn, frame);
}

void Server::OnKeyChange(int db, keyspace::KeyChange change, std::string_view key, const keyspace::Value& value) {
  using keyspace::KeyChange;
  // A stream that leaves its key wakes the clients blocked on it.
  if (change != KeyChange::kAdded && value.type() == keyspace::ValueType::kStream) SignalKeyReady(db, key);
  if (change == KeyChange::kExpired) NotifyKeyspaceEvent(pubsub::kNotifyExpired, "expired", key, db);
  if (change == KeyChange::kEvicted) NotifyKeyspaceEvent(pubsub::kNotifyEvicted, "evicted", key, db);
  if (change == KeyChange::kAdded) NotifyKeyspaceEvent(pubsub::kNotifyNew, "new", key, db);
}

bool Server::OutputLimitReached(Connection& conn, config::ClientClass client_class) {
  const config::OutputBufferLimit& limit = config_.client_output_buffer_limit[static_cast<size_t>(client_class)];
  const auto used = static_cast<int64_t>(OutputLimitBytes(conn));
  bool over = limit.hard_bytes > 0 && used >= limit.hard_bytes;
  // The soft limit must hold for longer than soft_seconds, measured from the
  // first time it is seen exceeded (Redis's obuf_soft_limit_reached_time).
  if (limit.soft_bytes > 0 && used >= limit.soft_bytes) {
    const absl::Time now = absl::Now();
    if (conn.soft_limit_since == absl::InfiniteFuture()) {
      conn.soft_limit_since = now;
    } else if (now - conn.soft_limit_since > absl::Seconds(limit.soft_seconds)) {
      over = true;
    }
  } else {
    conn.soft_limit_since = absl::InfiniteFuture();
  }
  if (!over) return false;
  // Closed at the end of the turn, its output dropped; its subscriptions go
  // with it in OnClose (not here: a PUBLISH may be walking them).
  conn.output_limit_reached = true;
  ++stats_.client_output_buffer_limit_disconnections;
  RUNNEL_LOG_WARNING("Client id=%d addr=%s closed for overcoming of output buffer limits.", conn.client_id(),
                     conn.peer().address);
  loop_->Close(conn.id(), io::CloseMode::kNow);
  return true;
}

}  // namespace runnel
