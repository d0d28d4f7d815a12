#include "server/commands/stream_reply.h"

#include <charconv>

#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {

stream::Stream* FindStream(command::CommandContext& ctx, std::string_view key, bool* wrong_type) {
  keyspace::Entry* entry = ctx.server.database(ctx.conn.db).Find(key);
  *wrong_type = false;
  if (entry == nullptr) return nullptr;
  if (entry->value->type() != keyspace::ValueType::kStream) {
    ctx.reply().Error(resp::kWrongType);
    *wrong_type = true;
    return nullptr;
  }
  return static_cast<stream::Stream*>(entry->value.get());
}

void ReplyId(resp::ReplyBuilder& reply, stream::StreamId id) {
  char buffer[48];  // two 20-digit numbers and a dash
  char* end = std::to_chars(buffer, buffer + 20, id.ms).ptr;
  *end++ = '-';
  end = std::to_chars(end, buffer + sizeof(buffer), id.seq).ptr;
  reply.Bulk(std::string_view(buffer, static_cast<size_t>(end - buffer)));
}

void ReplyEntry(resp::ReplyBuilder& reply, stream::StreamId id, log::EntryView& entry) {
  reply.Array(2);
  ReplyId(reply, id);
  reply.Array(2 * entry.field_count());
  std::string_view field, value;
  while (entry.Next(&field, &value)) {
    reply.Bulk(field);
    reply.Bulk(value);
  }
}

}  // namespace runnel
