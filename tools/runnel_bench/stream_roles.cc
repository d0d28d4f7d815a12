#include "tools/runnel_bench/stream_roles.h"

#include "tools/runnel_bench/template_sender_role.h"

#include <string>

namespace runnel::bench {
namespace {

// The entries array of an XREADGROUP reply for one stream (RESP2:
// [[name, entries]], RESP3: {name: entries}); 0 (the root) when there is none.
size_t EntriesNode(const Reply& reply) {
  const ReplyNode& root = reply.root();
  if (root.children == 0) return 0;  // null (nothing to read) or empty
  if (root.type == ReplyType::kMap) return reply.NextSibling(Reply::FirstChild(0));
  const size_t pair = Reply::FirstChild(0);
  if (reply.node(pair).children < 2) return 0;
  return reply.NextSibling(Reply::FirstChild(pair));
}

}  // namespace

CommandTemplate XaddTemplate(const BenchOptions& options, std::string_view stream, EntryTimestamp timestamp) {
  CommandTemplate::Builder builder;
  builder.Arg("XADD").Arg(stream);
  if (options.maxlen > 0) {
    builder.Arg("MAXLEN").Arg(options.maxlen_approximate ? "~" : "=").Arg(std::to_string(options.maxlen));
  }
  builder.Arg("*");
  if (timestamp == EntryTimestamp::kIntendedSendTime) builder.Arg("ts").Slot("", kTimestampDigits);
  const std::string value(options.value_size, 'v');
  for (int i = 0; i < options.fields; ++i) builder.Arg("f" + std::to_string(i)).Arg(value);
  return builder.Build();
}

ConsumerRole::ConsumerRole(Mode mode, std::string stream, std::string group, std::string consumer, int count)
    : mode_(mode), stream_(std::move(stream)), group_(std::move(group)) {
  const std::string count_text = std::to_string(count);
  read_ = mode == Mode::kEndToEnd
              ? EncodeCommand({"XREADGROUP", "GROUP", group_, consumer, "COUNT", count_text, "BLOCK", "100",
                               "STREAMS", stream_, ">"})
              : EncodeCommand({"XREADGROUP", "GROUP", group_, consumer, "COUNT", count_text, "STREAMS", stream_, ">"});
}

void ConsumerRole::Start(RoleContext& context) { SendRead(context); }

void ConsumerRole::SendRead(RoleContext& context) {
  context.out()->append(read_);
  context.Track(kRead);
}

void ConsumerRole::OnReply(const Reply& reply, const InFlight* answered, RoleContext& context) {
  if (answered->tag == kAck) return;
  if (mode_ == Mode::kDrain) context.RecordRequest(*answered);
  const size_t entries = TakeEntries(reply, context);
  if (entries == 0 && (mode_ == Mode::kDrain || context.stopping())) {
    drained_ = true;
    return;
  }
  if (mode_ == Mode::kDrain && context.stopping()) return;
  SendRead(context);
}

size_t ConsumerRole::TakeEntries(const Reply& reply, RoleContext& context) {
  const size_t entries = EntriesNode(reply);
  if (entries == 0 || reply.node(entries).children == 0) return 0;
  const uint32_t count = reply.node(entries).children;
  std::string* out = context.out();
  AppendArrayHeader(out, 3 + count);
  AppendBulk(out, "XACK");
  AppendBulk(out, stream_);
  AppendBulk(out, group_);
  for (size_t entry = Reply::FirstChild(entries); entry < reply.node(entries).end; entry = reply.NextSibling(entry)) {
    const size_t id = Reply::FirstChild(entry);
    AppendBulk(out, reply.node(id).text);
    if (mode_ != Mode::kEndToEnd) continue;
    // The first field is "ts", its value the producer's intended send time.
    const size_t fields = reply.NextSibling(id);
    uint64_t produced_ns = 0;
    if (reply.node(fields).children >= 2 &&
        ReadFixedDecimal(reply.node(Reply::FirstChild(fields) + 1).text, &produced_ns)) {
      context.RecordDelivery(static_cast<int64_t>(produced_ns));
    }
  }
  if (mode_ == Mode::kDrain) context.CountDeliveries(count);
  context.Track(kAck);
  return count;
}

}  // namespace runnel::bench
