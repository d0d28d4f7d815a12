// Stream: a Redis stream as a keyspace value. Its entries live in a
// log::Log (on disk, read in place); this class adds Redis's semantics on
// top: ID generation for XADD, trimming policies, ranges with COUNT, and
// deletion of several IDs at once. It never formats replies.
//
// Owned by the Keyspace; Discard() (DEL, FLUSHDB, overwrite, expiry)
// removes the files, while plain destruction (shutdown) leaves them for the next start.
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
  std::string_view encoding() const override { return "stream"; }
  void Discard() override;
  // The TTL is journaled with the log (meta journal), so it survives a
  // restart and moves with the directory on RENAME.
  int64_t stored_expire_at_ms() const override { return log_->expire_at_ms(); }
  absl::Status PersistExpireAt(int64_t expire_at_ms) override { return log_->SetExpireAt(expire_at_ms); }
  absl::Status MoveTo(std::string_view key) override;

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
