// The consumer-group journal's records on disk: a GroupRecord
// (group_journal.h) <-> one framed record (record_format.h, types
// kGroupCreate..kGroupAcknowledge). The payloads are documented in
// docs/storage-format.md ("Consumer-group journal"); change both together.
//
// Compact because XREADGROUP + XACK write one record each per call: names
// are length-prefixed, integers varints (signed ones zigzag), and the IDs of
// a kSetPending / kAcknowledge are deltas against the one before (the first
// is the frame's ID), so consecutive IDs cost 2 bytes; a kSetPending whose
// entries share one delivery time and count (every XREADGROUP '>') stores
// them once.
#pragma once

#include <string>
#include <vector>

#include "engine/log/record_reader.h"
#include "engine/stream/group_journal.h"

namespace runnel::stream {

// Appends `record` framed to `out`.
void AppendGroupRecord(std::string* out, const GroupRecord& record);

// A decoded record: `record`'s views point into the frame's payload and
// into the vectors here, so it lives as long as both.
struct DecodedGroupRecord {
  GroupRecord record;
  std::vector<PendingUpdate> pending;
  std::vector<StreamId> ids;
};

// Decodes a framed group record; false when its type is not a group
// record's or its payload does not parse.
bool DecodeGroupRecord(const log::RecordView& frame, DecodedGroupRecord* out);

}  // namespace runnel::stream
