#include "engine/stream/group_record_codec.h"

#include "engine/base/coding.h"
#include "engine/log/record_writer.h"

namespace runnel::stream {
namespace {

using Kind = GroupRecord::Kind;
using log::RecordType;

// kSetPending flags: which per-entry fields are stored once for all.
constexpr uint64_t kUniformDeliveryMs = 1;
constexpr uint64_t kUniformDeliveryCount = 2;
// The record also sets the group's position (GroupRecord::sets_position).
constexpr uint64_t kSetsPosition = 4;
constexpr uint64_t kKnownFlags = kUniformDeliveryMs | kUniformDeliveryCount | kSetsPosition;

uint64_t ZigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
int64_t UnZigZag(uint64_t value) { return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1); }

void PutString(std::string* out, std::string_view text) {
  base::PutVarint64(out, text.size());
  out->append(text);
}

// An ID against the previous one: the millisecond difference (zigzag,
// wrapping), then the sequence difference (zigzag) when the milliseconds are
// equal, else the sequence itself. Ascending IDs in one millisecond cost 2 bytes.
void PutIdDelta(std::string* out, StreamId previous, StreamId id) {
  const uint64_t ms_delta = id.ms - previous.ms;
  base::PutVarint64(out, ZigZag(static_cast<int64_t>(ms_delta)));
  base::PutVarint64(out, ms_delta == 0 ? ZigZag(static_cast<int64_t>(id.seq - previous.seq)) : id.seq);
}

bool GetIdDelta(std::string_view* in, StreamId previous, StreamId* id) {
  uint64_t ms_delta, seq;
  if (!base::GetVarint64(in, &ms_delta) || !base::GetVarint64(in, &seq)) return false;
  id->ms = previous.ms + static_cast<uint64_t>(UnZigZag(ms_delta));
  id->seq = id->ms == previous.ms ? previous.seq + static_cast<uint64_t>(UnZigZag(seq)) : seq;
  return true;
}

bool GetSigned(std::string_view* in, int64_t* value) {
  uint64_t raw;
  if (!base::GetVarint64(in, &raw)) return false;
  *value = UnZigZag(raw);
  return true;
}

// Kinds and record types are in the same order (DecodeGroupRecord maps back).
static_assert(static_cast<int>(RecordType::kGroupAcknowledge) - static_cast<int>(RecordType::kGroupCreate) ==
              static_cast<int>(Kind::kAcknowledge) - static_cast<int>(Kind::kCreateGroup));

RecordType TypeOf(Kind kind) {
  switch (kind) {
    case Kind::kCreateGroup: return RecordType::kGroupCreate;
    case Kind::kSetPosition: return RecordType::kGroupSetPosition;
    case Kind::kDestroyGroup: return RecordType::kGroupDestroy;
    case Kind::kCreateConsumer: return RecordType::kGroupCreateConsumer;
    case Kind::kDeleteConsumer: return RecordType::kGroupDeleteConsumer;
    case Kind::kSetPending: return RecordType::kGroupSetPending;
    case Kind::kAcknowledge: return RecordType::kGroupAcknowledge;
  }
  return RecordType::kUnused;
}

void PutPending(std::string* out, const GroupRecord& record) {
  const std::span<const PendingUpdate> pending = record.pending;
  uint64_t flags = kUniformDeliveryMs | kUniformDeliveryCount;
  for (const PendingUpdate& update : pending) {
    if (update.delivery_ms != pending.front().delivery_ms) flags &= ~kUniformDeliveryMs;
    if (update.delivery_count != pending.front().delivery_count) flags &= ~kUniformDeliveryCount;
  }
  if (record.sets_position) flags |= kSetsPosition;
  base::PutVarint64(out, ZigZag(record.time_ms));
  base::PutVarint64(out, pending.size());
  base::PutVarint64(out, flags);
  if (record.sets_position) {
    base::PutVarint64(out, record.last_delivered.ms);
    base::PutVarint64(out, record.last_delivered.seq);
    base::PutVarint64(out, ZigZag(record.entries_read));
  }
  // Delivery times are deltas: a uniform one against the record's time
  // (usually equal), each of the others against the entry before (a
  // snapshot's entries, delivered in ID order, mostly share or follow it).
  if (flags & kUniformDeliveryMs) base::PutVarint64(out, ZigZag(pending.front().delivery_ms - record.time_ms));
  if (flags & kUniformDeliveryCount) base::PutVarint64(out, pending.front().delivery_count);
  int64_t previous_ms = record.time_ms;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (i > 0) PutIdDelta(out, pending[i - 1].id, pending[i].id);
    if (!(flags & kUniformDeliveryMs)) {
      base::PutVarint64(out, ZigZag(pending[i].delivery_ms - previous_ms));
      previous_ms = pending[i].delivery_ms;
    }
    if (!(flags & kUniformDeliveryCount)) base::PutVarint64(out, pending[i].delivery_count);
  }
}

bool GetPending(std::string_view* in, StreamId first, DecodedGroupRecord* out) {
  uint64_t count, flags, delivery_count = 0;
  int64_t delivery_delta = 0;
  if (!GetSigned(in, &out->record.time_ms) || !base::GetVarint64(in, &count) || !base::GetVarint64(in, &flags)) {
    return false;
  }
  // Each entry takes at least one byte: refuse a count the payload cannot
  // hold before reserving memory for it.
  if (count == 0 || count > in->size() + 1 || (flags & ~kKnownFlags) != 0) return false;
  if (flags & kSetsPosition) {
    GroupRecord& record = out->record;
    record.sets_position = true;
    if (!base::GetVarint64(in, &record.last_delivered.ms) || !base::GetVarint64(in, &record.last_delivered.seq) ||
        !GetSigned(in, &record.entries_read)) {
      return false;
    }
  }
  if ((flags & kUniformDeliveryMs) && !GetSigned(in, &delivery_delta)) return false;
  if ((flags & kUniformDeliveryCount) && !base::GetVarint64(in, &delivery_count)) return false;
  out->pending.resize(count);
  const int64_t uniform_ms = out->record.time_ms + delivery_delta;
  int64_t previous_ms = out->record.time_ms;
  for (size_t i = 0; i < count; ++i) {
    PendingUpdate& update = out->pending[i];
    update.id = first;
    if (i > 0 && !GetIdDelta(in, out->pending[i - 1].id, &update.id)) return false;
    if (flags & kUniformDeliveryMs) {
      update.delivery_ms = uniform_ms;
    } else {
      if (!GetSigned(in, &delivery_delta)) return false;
      update.delivery_ms = previous_ms = previous_ms + delivery_delta;
    }
    if (!(flags & kUniformDeliveryCount) && !base::GetVarint64(in, &delivery_count)) return false;
    if (delivery_count > UINT32_MAX) return false;
    update.delivery_count = static_cast<uint32_t>(delivery_count);
  }
  out->record.pending = out->pending;
  return true;
}

bool GetIds(std::string_view* in, StreamId first, DecodedGroupRecord* out) {
  uint64_t count;
  if (!base::GetVarint64(in, &count) || count == 0 || count > in->size() / 2 + 1) return false;
  out->ids.resize(count);
  out->ids[0] = first;
  for (size_t i = 1; i < count; ++i) {
    if (!GetIdDelta(in, out->ids[i - 1], &out->ids[i])) return false;
  }
  out->record.ids = out->ids;
  return true;
}

}  // namespace

void AppendGroupRecord(std::string* out, const GroupRecord& record) {
  std::string payload;
  PutString(&payload, record.group);
  StreamId frame_id;
  switch (record.kind) {
    case Kind::kCreateGroup:
    case Kind::kSetPosition:
      frame_id = record.last_delivered;
      base::PutVarint64(&payload, ZigZag(record.entries_read));
      break;
    case Kind::kDestroyGroup:
      break;
    case Kind::kCreateConsumer:
      PutString(&payload, record.consumer);
      base::PutVarint64(&payload, ZigZag(record.time_ms));
      base::PutVarint64(&payload, ZigZag(record.active_ms));
      break;
    case Kind::kDeleteConsumer:
      PutString(&payload, record.consumer);
      break;
    case Kind::kSetPending:
      PutString(&payload, record.consumer);
      frame_id = record.pending.empty() ? StreamId{} : record.pending.front().id;
      PutPending(&payload, record);
      break;
    case Kind::kAcknowledge:
      frame_id = record.ids.empty() ? StreamId{} : record.ids.front();
      base::PutVarint64(&payload, record.ids.size());
      for (size_t i = 1; i < record.ids.size(); ++i) PutIdDelta(&payload, record.ids[i - 1], record.ids[i]);
      break;
  }
  log::AppendRecord(out, TypeOf(record.kind), frame_id, payload);
}

bool DecodeGroupRecord(const log::RecordView& frame, DecodedGroupRecord* out) {
  if (!log::IsGroupRecordType(frame.type)) return false;
  *out = DecodedGroupRecord{};
  GroupRecord& record = out->record;
  record.kind = static_cast<Kind>(static_cast<uint8_t>(frame.type) - static_cast<uint8_t>(RecordType::kGroupCreate) + 1);
  std::string_view in = frame.payload;
  if (!base::GetLengthPrefixed(&in, &record.group)) return false;
  bool ok = true;
  switch (record.kind) {
    case Kind::kCreateGroup:
    case Kind::kSetPosition:
      record.last_delivered = frame.id;
      ok = GetSigned(&in, &record.entries_read);
      break;
    case Kind::kDestroyGroup:
      break;
    case Kind::kCreateConsumer:
      ok = base::GetLengthPrefixed(&in, &record.consumer) && GetSigned(&in, &record.time_ms) &&
           GetSigned(&in, &record.active_ms);
      break;
    case Kind::kDeleteConsumer:
      ok = base::GetLengthPrefixed(&in, &record.consumer);
      break;
    case Kind::kSetPending:
      ok = base::GetLengthPrefixed(&in, &record.consumer) && GetPending(&in, frame.id, out);
      break;
    case Kind::kAcknowledge:
      ok = GetIds(&in, frame.id, out);
      break;
  }
  return ok && in.empty();
}

}  // namespace runnel::stream
