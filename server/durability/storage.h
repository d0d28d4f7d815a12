// Storage: the server's side of the log engine. It owns the group-commit
// SyncScheduler and the LogManager of the data directory, opens (recovers)
// every stream at start-up, and drives syncs by the appendfsync policy:
//
//   always    a batch starts at the end of every loop turn that wrote
//             (BeforeSleep), so a write waits at most one batch;
//   everysec  the cron starts a batch once a second;
//   no        only shutdown syncs.
//
// Batches complete on the sync thread, which wakes the loop through
// sync_wake_fd(); Reap() then advances completed_epoch(). A failed sync is
// fatal (see docs/durability.md): the process logs it and exits, as Redis
// does when it cannot fsync its AOF under appendfsync always.
//
// Not thread-safe: the loop thread owns it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/log/log.h"
#include "engine/log/log_manager.h"
#include "engine/log/sync_scheduler.h"
#include "server/config/server_config.h"

namespace runnel::durability {

class Storage {
 public:
  // Opens the data directory `config.dir` and recovers every stream in it,
  // handing each to `found` and logging what recovery found. Fails on I/O
  // errors (an unwritable data directory), never on damaged streams (they
  // are reported and skipped).
  static absl::StatusOr<std::unique_ptr<Storage>> Open(const config::ServerConfig& config,
                                                       log::LogManager::FoundLog found);
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage() = default;

  int sync_wake_fd() const { return scheduler_->wake_fd(); }
  // Once per loop turn: collect a finished batch; under `always` start the next.
  void BeforeSleep(config::AppendFsync policy);
  // Once per cron tick: under `everysec` start a batch each second.
  void Cron(config::AppendFsync policy, absl::Time now);
  // Applies CONFIG SET of segment-max-bytes and open-segments-max.
  void ApplyConfig(const config::ServerConfig& config);
  // Makes everything written durable before the process exits.
  absl::Status SyncAll();

  log::SyncScheduler& scheduler() { return *scheduler_; }
  log::LogManager& logs() { return *manager_; }
  // How long the oldest write not yet durable has waited (zero when every
  // write is durable): the window a power loss would lose, which INFO
  // reports so the everysec promise can be watched (docs/durability.md).
  absl::Duration UnsyncedAge(absl::Time now) const;
  bool last_sync_ok() const { return last_sync_ok_; }
  absl::Time last_sync_time() const { return last_sync_time_; }

 private:
  Storage() = default;
  void Reap();
  // Notes when writes first waited outside any batch, then starts a batch.
  void NoteDirty(absl::Time now);
  void StartBatch(absl::Time now);

  std::unique_ptr<log::SyncScheduler> scheduler_;
  std::unique_ptr<log::LogManager> manager_;
  absl::Time last_everysec_batch_ = absl::InfinitePast();
  absl::Time last_sync_time_ = absl::InfinitePast();
  bool last_sync_ok_ = true;
  // The loop turn that first left writes outside any batch, and the same
  // for the writes of the batch in flight; InfiniteFuture when none.
  absl::Time dirty_since_ = absl::InfiniteFuture();
  absl::Time in_flight_oldest_ = absl::InfiniteFuture();
};

}  // namespace runnel::durability
