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
#include <optional>
#include <span>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/keyspace/keyspace.h"
#include "engine/log/log.h"
#include "engine/stream/consumer_groups.h"
#include "engine/stream/stream_id.h"
#include "engine/stream/trim_policy.h"

namespace runnel::stream {

class Stream final : public keyspace::Value {
 public:
  explicit Stream(std::unique_ptr<log::Log> log);
  ~Stream() override;

  keyspace::ValueType type() const override { return keyspace::ValueType::kStream; }
  std::string_view encoding() const override { return "stream"; }
  void Discard() override;
  // The TTL is journaled with the log (meta journal), so it survives a
  // restart and moves with the directory on RENAME.
  int64_t stored_expire_at_ms() const override { return log_->expire_at_ms(); }
  absl::Status PersistExpireAt(int64_t expire_at_ms) override { return log_->SetExpireAt(expire_at_ms); }
  absl::Status MoveTo(std::string_view key) override;

  // Finishes the log's recovery if start-up deferred it (Log::OpenDeferred)
  // and, the first time, loads the consumer groups from their journal (file
  // "groups" in the log's directory), syncing it in the log's scheduler's
  // batches. Callers run it before anything else, a newly created stream
  // included: length(), last_id() and groups() need it. Should the journal
  // know of a delivered ID above the log's last ID (a crash kept the
  // journal's write and lost the log's), the last ID is raised to it, so new
  // entries still sort after everything a group has delivered.
  absl::Status Prepare();

  // The stream's consumer groups (consumer_groups.h); Prepare() first.
  ConsumerGroups& groups() { return *groups_; }

  // Redis 7's consumer-group counters (t_stream.c), which XREADGROUP and
  // XINFO share:
  // Whether an entry deleted by XDEL may lie at or after `start` (Redis's
  // streamRangeHasTombstones(s, start, NULL)); the largest deleted ID tells.
  absl::StatusOr<bool> MayHaveTombstonesFrom(StreamId start);
  // The number of entries added up to and including `id`, when it can be
  // known without counting (streamEstimateDistanceFromFirstEverEntry);
  // kEntriesReadUnknown otherwise.
  absl::StatusOr<int64_t> EstimateEntriesRead(StreamId id);
  // XINFO's lag of `group`: entries added and not yet read by it; nullopt
  // when unknown (streamReplyWithCGLag).
  absl::StatusOr<std::optional<int64_t>> Lag(const ConsumerGroup& group);

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

  // XSETID's settings: the new last ID; entries-added and the largest
  // deleted ID stay as they are when not given.
  struct IdSettings {
    StreamId last_id;
    std::optional<uint64_t> entries_added;
    std::optional<StreamId> max_deleted;
  };
  // XSETID, with Redis 7.0's rules: while the stream has entries, the ID may
  // not be below the last one and entries-added not below the length
  // (FailedPrecondition with Redis's texts); an empty stream takes any ID,
  // lower ones too. Entries deleted from the end above the new ID leave the
  // log, so new entries can take their IDs, as in Redis.
  absl::Status SetId(const IdSettings& settings);

  // The newest live entry's ID, if any (a short scan).
  absl::StatusOr<std::optional<StreamId>> LastEntryId();

  uint64_t length() const { return log_->length(); }
  StreamId last_id() const { return log_->last_id(); }
  uint64_t entries_added() const { return log_->entries_added(); }
  StreamId max_deleted_id() const { return log_->max_deleted_id(); }
  // XINFO's stand-ins for Redis's radix tree (docs/commands.md): the
  // segment files, and the sparse index points held in memory for them.
  uint64_t segment_count() const { return log_->segment_count(); }
  uint64_t index_points() const;
  log::Log& log() { return *log_; }

 private:
  // Raises the log's last ID and entries-added to what `groups` have read.
  absl::Status CatchUpWithGroups(const ConsumerGroups& groups);

  std::unique_ptr<log::Log> log_;
  std::unique_ptr<ConsumerGroups> groups_;  // null until Prepare() loads them
};

}  // namespace runnel::stream
