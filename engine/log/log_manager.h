// LogManager: the streams of a data directory. It maps (database, key) to a
// stream directory (segment_naming.h), opens every stream at start-up, and
// creates new ones. It owns the settings and the mapping cache every log
// shares; the logs themselves are owned by whoever holds the keys (the
// keyspace), so there is one index of keys, not two.
//
// Not thread-safe: the loop thread owns it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/recovery.h"

namespace runnel::log {

class SyncScheduler;

class LogManager {
 public:
  struct Options {
    std::string data_dir;
    uint64_t segment_max_bytes = 64ULL << 20;
    size_t open_segments_max = 1024;
    // OpenAll leaves each tail to be recovered on first use
    // (Log::OpenDeferred), so start-up reads headers only.
    bool defer_tail_recovery = false;
  };

  // Creates the data directory's streams root if needed. `scheduler` may be
  // null (no automatic syncs) and must outlive the manager and its logs.
  static absl::StatusOr<std::unique_ptr<LogManager>> Create(const Options& options, SyncScheduler* scheduler);
  LogManager(const LogManager&) = delete;
  LogManager& operator=(const LogManager&) = delete;

  // Opens every stream, calling `found` for each. Directories left by a
  // deletion cut short are removed, and so are streams whose TTL (meta
  // journal) passed while the server was down. Damage is reported in `report`; a stream
  // that cannot be opened at all is reported and skipped.
  using FoundLog = absl::FunctionRef<void(int db, std::string key, std::unique_ptr<Log> log)>;
  absl::Status OpenAll(FoundLog found, RecoveryReport* report);

  // Creates the (empty) log of a new stream.
  absl::StatusOr<std::unique_ptr<Log>> CreateLog(int db, std::string_view key);
  // The directory a stream's files live in.
  std::string StreamDirectory(int db, std::string_view key) const;

  void set_segment_max_bytes(uint64_t bytes) { log_options_.segment_max_bytes = bytes; }
  void set_open_segments_max(size_t count) { cache_.set_capacity(count); }
  MappingCache& mapping_cache() { return cache_; }
  const std::string& data_dir() const { return options_.data_dir; }

 private:
  LogManager(const Options& options, SyncScheduler* scheduler);
  absl::Status OpenDatabase(int db, const std::string& directory, FoundLog found, RecoveryReport* report);

  Options options_;
  MappingCache cache_;
  LogOptions log_options_;
};

}  // namespace runnel::log
