#include "server/commands/stream_reply.h"

#include <charconv>

#include "absl/time/clock.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {

stream::Stream* FindStream(command::CommandContext& ctx, std::string_view key, Lookup lookup, bool* failed) {
  keyspace::Entry* entry = LookupKey(ctx, key, lookup);
  *failed = false;
  if (entry == nullptr) return nullptr;
  if (entry->value->type() != keyspace::ValueType::kStream) {
    ctx.reply().Error(resp::kWrongType);
    *failed = true;
    return nullptr;
  }
  auto* stream = static_cast<stream::Stream*>(entry->value.get());
  if (absl::Status prepared = stream->Prepare(); !prepared.ok()) {
    ctx.reply().Error(resp::EngineError(prepared));
    *failed = true;
    return nullptr;
  }
  return stream;
}

void ReplyId(resp::ReplyBuilder& reply, stream::StreamId id) {
  char buffer[48];
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
    // A large value is sent from the segment's mapping, not copied: the
    // reply holds the mapping until it is sent (docs/architecture.md).
    if (value.size() >= resp::ReplyBuilder::kReferenceBytes && entry.mapping() != nullptr) {
      reply.BulkReferenced(value, *entry.mapping());
    } else {
      reply.Bulk(value);
    }
  }
}

bool ReplyEntryAt(resp::ReplyBuilder& reply, stream::Stream& stream, stream::StreamId id) {
  bool sent = false;
  absl::Status status =
      stream.Range(id, id, log::ScanDirection::kForward, 1, [&](stream::StreamId found, log::EntryView& entry) {
        ReplyEntry(reply, found, entry);
        sent = true;
        return false;
      });
  return status.ok() && sent;
}

uint64_t NowMs() { return static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())); }

}  // namespace runnel
