#include "engine/log/sync_scheduler.h"

#include <algorithm>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

#include "engine/base/file.h"

namespace runnel::log {

absl::StatusOr<std::unique_ptr<SyncScheduler>> SyncScheduler::Create() {
  std::unique_ptr<SyncScheduler> scheduler(new SyncScheduler());
  scheduler->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (scheduler->wake_fd_ < 0) return base::ErrnoStatus(errno, "eventfd", "sync scheduler");
  scheduler->thread_ = std::thread([raw = scheduler.get()] { raw->ThreadMain(); });
  return scheduler;
}

SyncScheduler::~SyncScheduler() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_ready_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) close(wake_fd_);
}

std::vector<SyncAction> SyncScheduler::CollectActions() {
  std::vector<SyncAction> actions = std::move(orphan_actions_);
  orphan_actions_.clear();
  for (Syncable* syncable : dirty_) syncable->CollectSync(&actions);
  dirty_.clear();
  return actions;
}

bool SyncScheduler::StartBatch() {
  if (in_flight_ || !has_dirty()) return false;
  std::vector<SyncAction> actions = CollectActions();
  ++started_epoch_;
  in_flight_ = true;
  stats_.last_batch_actions = actions.size();
  {
    std::lock_guard<std::mutex> lock(mu_);
    work_ = std::move(actions);
    has_work_ = true;
  }
  work_ready_.notify_one();
  return true;
}

void SyncScheduler::ThreadMain() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_ready_.wait(lock, [this] { return has_work_ || stopping_; });
    if (!has_work_) return;
    std::vector<SyncAction> actions = std::move(work_);
    has_work_ = false;
    lock.unlock();
    const absl::Time start = absl::Now();
    absl::Status status;
    for (const SyncAction& action : actions) {
      absl::Status one = action.Run();
      if (status.ok()) status = one;
    }
    actions.clear();  // drop mapping references on this thread, before signalling
    const absl::Duration took = absl::Now() - start;
    lock.lock();
    result_ = status;
    duration_ = took;
    done_ = true;
    const uint64_t one = 1;
    // A full eventfd counter is impossible here (one write per batch).
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
    batch_done_.notify_all();
  }
}

void SyncScheduler::WaitForRunningBatch() {
  if (!in_flight_) return;
  std::unique_lock<std::mutex> lock(mu_);
  batch_done_.wait(lock, [this] { return done_; });
}

absl::Status SyncScheduler::Reap() {
  uint64_t count;
  [[maybe_unused]] ssize_t n = read(wake_fd_, &count, sizeof(count));
  absl::Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!done_) return absl::OkStatus();
    done_ = false;
    status = result_;
    stats_.last_batch_duration = duration_;
    stats_.max_batch_duration = std::max(stats_.max_batch_duration, duration_);
    stats_.total_duration += duration_;
  }
  in_flight_ = false;
  completed_epoch_ = started_epoch_;
  ++stats_.batches;
  stats_.actions += stats_.last_batch_actions;
  return status;
}

absl::Status SyncScheduler::SyncAllNow() {
  // Let a running batch finish first, so epochs complete in order.
  while (in_flight_) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!done_) {
        lock.unlock();
        usleep(100);
        continue;
      }
    }
    if (absl::Status status = Reap(); !status.ok()) return status;
  }
  std::vector<SyncAction> actions = CollectActions();
  ++started_epoch_;
  absl::Status status;
  for (const SyncAction& action : actions) {
    absl::Status one = action.Run();
    if (status.ok()) status = one;
  }
  completed_epoch_ = started_epoch_;
  return status;
}

}  // namespace runnel::log
