// Stream: a Redis stream as a keyspace value. Its entries live in a
// log::Log (on disk, read in place); this class adds Redis's semantics on
// top: ID generation for XADD, trimming policies, ranges with COUNT, and
// deletion of several IDs at once. It never formats replies.
//
// Owned by the Keyspace; Discard() (DEL, FLUSHDB, overwrite) removes the
// files, while plain destruction (shutdown) leaves them for the next start.
// Not thread-safe: the loop thread owns it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/keyspace/keyspace.h"
#include "engine/log/log.h"
#include "engine/stream/stream_id.h"
#include "engine/stream/trim_policy.h"

namespace runnel::stream {

class Stream final : public keyspace::Value {
 public:
  explicit Stream(std::unique_ptr<log::Log> log) : log_(std::move(log)) {}

  keyspace::ValueType type() const override { return keyspace::ValueType::kStream; }
  void Discard() override;

  // Finishes the log's recovery if start-up deferred it (Log::OpenDeferred).
  // Callers run it before anything else: length() and last_id() need it.
  absl::Status Prepare() { return log_->Recover(); }

  // XADD: appends an entry under the ID `requested` resolves to (see
  // NextId) and returns that ID. Errors as NextId's, or the log's
  // (ResourceExhausted when the disk is full).
  absl::StatusOr<StreamId> Add(const ParsedId& requested, std::span<const log::FieldValue> fields, uint64_t now_ms);
  // XTRIM, and XADD's trimming: returns the entries removed.
  absl::StatusOr<uint64_t> Trim(const TrimSpec& spec);
  // XDEL: returns how many of `ids` were live entries (and are now deleted).
  absl::StatusOr<uint64_t> Delete(std::span<const StreamId> ids);
  // XRANGE / XREVRANGE: visits at most `count` entries (0 = all) in [start, end].
  absl::Status Range(StreamId start, StreamId end, log::ScanDirection direction, uint64_t count,
                     log::EntryVisitor visitor);

  uint64_t length() const { return log_->length(); }
  StreamId last_id() const { return log_->last_id(); }
  log::Log& log() { return *log_; }

 private:
  std::unique_ptr<log::Log> log_;
};

}  // namespace runnel::stream
