#include "server/durability/storage.h"

#include <unistd.h>

#include <algorithm>

#include "engine/base/logging.h"
#include "engine/base/status_macros.h"

namespace runnel::durability {

absl::StatusOr<std::unique_ptr<Storage>> Storage::Open(const config::ServerConfig& config,
                                                       log::LogManager::FoundLog found) {
  std::unique_ptr<Storage> storage(new Storage());
  ASSIGN_OR_RETURN(storage->scheduler_, log::SyncScheduler::Create());
  const log::LogManager::Options options{
      .data_dir = config.dir,
      .segment_max_bytes = static_cast<uint64_t>(config.segment_max_bytes),
      .open_segments_max = static_cast<size_t>(config.open_segments_max),
      // Tails are verified on first use, so PING answers in milliseconds
      // whatever the data's size (docs/durability.md).
      .defer_tail_recovery = true,
  };
  ASSIGN_OR_RETURN(storage->manager_, log::LogManager::Create(options, storage->scheduler_.get()));

  const absl::Time start = absl::Now();
  log::RecoveryReport report;
  RETURN_IF_ERROR(storage->manager_->OpenAll(found, &report));
  for (const log::RecoveryProblem& problem : report.problems) {
    if (problem.kind == log::RecoveryProblem::Kind::kCorruption) {
      RUNNEL_LOG_WARNING("%s", log::DescribeProblem(problem));
    } else {
      RUNNEL_LOG_NOTICE("%s", log::DescribeProblem(problem));
    }
  }
  if (report.expired_streams > 0) {
    RUNNEL_LOG_NOTICE("%d streams removed: their TTL passed while the server was down", report.expired_streams);
  }
  // Repairs made by recovery (zeroed torn tails) become durable with the first batch.
  RUNNEL_LOG_NOTICE("DB loaded from disk: %d streams, %d problems, %.3f seconds "
                    "(each stream's segments are opened and its tail verified on first use)",
                    report.streams, report.problems.size(),
                    absl::ToDoubleSeconds(absl::Now() - start));
  return storage;
}

void Storage::Reap() {
  if (!scheduler_->busy()) return;
  absl::Status status = scheduler_->Reap();
  if (!scheduler_->busy()) {
    last_sync_time_ = absl::Now();
    in_flight_oldest_ = absl::InfiniteFuture();
  }
  if (status.ok()) return;
  last_sync_ok_ = false;
  RUNNEL_LOG_WARNING("Can't persist the stream log (%s): the kernel may have dropped the unsynced pages, "
                     "so nothing written since the last successful sync can be promised. Exiting...",
                     status.message());
  // Like Redis under appendfsync always: exit rather than acknowledge writes
  // that may never reach the disk. Recovery on restart keeps what verifies.
  _exit(1);
}

void Storage::NoteDirty(absl::Time now) {
  if (dirty_since_ == absl::InfiniteFuture() && scheduler_->has_dirty()) dirty_since_ = now;
}

void Storage::StartBatch(absl::Time now) {
  NoteDirty(now);
  if (!scheduler_->StartBatch()) return;
  in_flight_oldest_ = dirty_since_;
  dirty_since_ = absl::InfiniteFuture();
}

void Storage::BeforeSleep(config::AppendFsync policy) {
  Reap();
  const absl::Time now = absl::Now();
  if (policy == config::AppendFsync::kAlways) {
    StartBatch(now);
  } else {
    NoteDirty(now);
  }
}

void Storage::Cron(config::AppendFsync policy, absl::Time now) {
  if (policy != config::AppendFsync::kEverysec || now - last_everysec_batch_ < absl::Seconds(1)) return;
  if (!scheduler_->has_dirty() || scheduler_->busy()) return;
  StartBatch(now);
  last_everysec_batch_ = now;
}

absl::Duration Storage::UnsyncedAge(absl::Time now) const {
  const absl::Time oldest = std::min(dirty_since_, in_flight_oldest_);
  return oldest == absl::InfiniteFuture() ? absl::ZeroDuration() : std::max(now - oldest, absl::ZeroDuration());
}

void Storage::ApplyConfig(const config::ServerConfig& config) {
  manager_->set_segment_max_bytes(static_cast<uint64_t>(config.segment_max_bytes));
  manager_->set_open_segments_max(static_cast<size_t>(config.open_segments_max));
}

absl::Status Storage::SyncAll() {
  absl::Status status = scheduler_->SyncAllNow();
  if (status.ok()) last_sync_time_ = absl::Now();
  return status;
}

}  // namespace runnel::durability
