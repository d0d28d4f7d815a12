#include "server/commands/client_description.h"

#include "engine/base/strings.h"
#include "engine/pubsub/pubsub.h"
#include "server/connection.h"
#include "server/server.h"

namespace runnel {

void AppendClientDescription(const Connection& conn, const pubsub::PubSub& pubsub, absl::Time now,
                             std::string& out) {
  const Transaction& tx = conn.transaction;
  const pubsub::SubscriberId subscriber = Server::SubscriberOf(conn);
  const size_t channels = pubsub.channels().CountOf(subscriber);
  const size_t patterns = pubsub.patterns().CountOf(subscriber);
  const size_t shard_channels = pubsub.shard_channels().CountOf(subscriber);
  char flag_chars[5];
  size_t n = 0;
  // Redis's order: P (pub/sub) before x (MULTI) and b (blocked).
  if (channels + patterns + shard_channels > 0) flag_chars[n++] = 'P';
  if (tx.active) flag_chars[n++] = 'x';
  if (conn.block.active) flag_chars[n++] = 'b';
  if (conn.close_requested) flag_chars[n++] = 'c';
  if (n == 0) flag_chars[n++] = 'N';
  std::string_view flags(flag_chars, n);
  size_t qbuf = conn.input_buffered();
  size_t omem = conn.output().memory_bytes();
  base::StrAppend(&out, "id=", conn.client_id(), " addr=", conn.peer().address,
                  " laddr=", conn.peer().local_address, " fd=", conn.peer().fd,
                  " name=", conn.name, " age=", absl::ToInt64Seconds(now - conn.created_at),
                  " idle=", absl::ToInt64Seconds(now - conn.last_interaction), " flags=", flags,
                  " db=", conn.db);
  base::StrAppend(&out, " sub=", channels, " psub=", patterns, " ssub=", shard_channels, " multi=", tx.active ? static_cast<int64_t>(tx.queued.size()) : -1,
                  " qbuf=", qbuf, " qbuf-free=", conn.input_capacity() - qbuf,
                  " argv-mem=0 multi-mem=", tx.queued_bytes, " rbs=", conn.input_capacity(),
                  " rbp=", qbuf, " obl=0 oll=0 omem=", omem,
                  " tot-mem=", conn.memory_bytes());
  base::StrAppend(&out, " events=", conn.output().empty() ? "r" : "rw",
                  " cmd=", conn.last_command.empty() ? "NULL" : conn.last_command,
                  " user=", conn.user->name(), " redir=-1 resp=", static_cast<int>(conn.reply().protocol()),
                  " lib-name=", conn.lib_name, " lib-ver=", conn.lib_version);
}

}  // namespace runnel
