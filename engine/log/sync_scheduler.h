// SyncScheduler: group commit for every log of a server, on one sync thread.
//
// The loop thread writes; logs and group journals (Syncable, syncable.h)
// call MarkDirty(). The loop starts a batch
// (StartBatch) when it likes: under appendfsync always, at the end of every
// turn that wrote; under everysec, once a second. A batch collects every
// dirty Syncable's SyncActions (so one batch covers every write before it), hands
// them to the sync thread and gets epoch number E. The sync thread runs them
// and signals wake_fd(); the loop calls Reap(), after which completed_epoch()
// is E. A writer that must not be acknowledged before its write is durable
// remembers covering_epoch() at write time and waits until completed_epoch()
// reaches it. The loop never blocks on a sync.
//
//   loop:   write write write | StartBatch(E=7) | write write | ...  Reap -> 7 | StartBatch(8)
//   sync:                     [ msync msync fsync(dir) ........ ]  signal
//
// Thread-safety: every method except those the sync thread uses internally
// must be called on the loop thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/log/sync_action.h"
#include "engine/log/syncable.h"

namespace runnel::log {

class SyncScheduler {
 public:
  static absl::StatusOr<std::unique_ptr<SyncScheduler>> Create();
  SyncScheduler(const SyncScheduler&) = delete;
  SyncScheduler& operator=(const SyncScheduler&) = delete;
  // Waits for a running batch, then stops the sync thread.
  ~SyncScheduler();

  void MarkDirty(Syncable* syncable) { dirty_.insert(syncable); }
  // `syncable` is being destroyed; what it already handed to a batch still runs.
  void Forget(Syncable* syncable) { dirty_.erase(syncable); }
  // An action not owned by a live log (the directory of a deleted stream).
  void AddAction(SyncAction action) { orphan_actions_.push_back(std::move(action)); }

  bool has_dirty() const { return !dirty_.empty() || !orphan_actions_.empty(); }
  bool busy() const { return in_flight_; }
  // The epoch whose completion will cover every write made so far.
  uint64_t covering_epoch() const { return started_epoch_ + (has_dirty() ? 1 : 0); }
  uint64_t completed_epoch() const { return completed_epoch_; }

  // Starts a batch when something is dirty and no batch runs; true if started.
  bool StartBatch();
  // Readable when a batch finished; the loop then calls Reap().
  int wake_fd() const { return wake_fd_; }
  // Collects a finished batch (if any): advances completed_epoch(), and
  // returns the first error the batch met. A failed sync cannot be retried
  // safely (the kernel may have dropped the dirty pages), so the server
  // treats an error as fatal, as Redis does under appendfsync always.
  absl::Status Reap();
  // Blocks until the sync thread has finished the running batch, if any
  // (without reaping it: the loop's Reap() still does). For a caller about
  // to move files the batch may name (Log::MoveTo).
  void WaitForRunningBatch();
  // Syncs everything now, on the calling thread (shutdown, tests).
  absl::Status SyncAllNow();

  struct Stats {
    uint64_t batches = 0;
    uint64_t actions = 0;
    uint64_t last_batch_actions = 0;
    absl::Duration last_batch_duration;
    absl::Duration max_batch_duration;
    absl::Duration total_duration;
  };
  const Stats& stats() const { return stats_; }

 private:
  SyncScheduler() = default;
  std::vector<SyncAction> CollectActions();
  void ThreadMain();

  absl::flat_hash_set<Syncable*> dirty_;
  std::vector<SyncAction> orphan_actions_;
  uint64_t started_epoch_ = 0;
  uint64_t completed_epoch_ = 0;
  bool in_flight_ = false;
  Stats stats_;
  int wake_fd_ = -1;

  // Shared with the sync thread, under mu_.
  std::mutex mu_;
  std::condition_variable work_ready_;
  std::condition_variable batch_done_;
  std::vector<SyncAction> work_;
  bool has_work_ = false;
  bool done_ = false;
  absl::Status result_;
  absl::Duration duration_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace runnel::log
