#include "engine/log/log_manager.h"

#include <charconv>

#include "absl/time/clock.h"

#include "engine/base/file.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/segment_naming.h"
#include "engine/log/stream_directory.h"

namespace runnel::log {

LogManager::LogManager(const Options& options, SyncScheduler* scheduler)
    : options_(options), cache_(options.open_segments_max) {
  log_options_ = LogOptions{.segment_max_bytes = options.segment_max_bytes, .cache = &cache_, .scheduler = scheduler};
}

absl::StatusOr<std::unique_ptr<LogManager>> LogManager::Create(const Options& options, SyncScheduler* scheduler) {
  RETURN_IF_ERROR(base::CreateDirectories(StreamsRoot(options.data_dir)));
  return std::unique_ptr<LogManager>(new LogManager(options, scheduler));
}

std::string LogManager::StreamDirectory(int db, std::string_view key) const {
  return base::StrCat(DatabaseDirectory(options_.data_dir, db), "/", EncodeKeyName(key));
}

absl::StatusOr<std::unique_ptr<Log>> LogManager::CreateLog(int db, std::string_view key) {
  const std::string name = EncodeKeyName(key);
  const std::string directory = base::StrCat(DatabaseDirectory(options_.data_dir, db), "/", name);
  ASSIGN_OR_RETURN(std::unique_ptr<Log> log, Log::Create(directory, log_options_));
  if (IsHashedKeyName(name)) {
    // Rare (keys over 200 bytes once escaped); written synchronously.
    RETURN_IF_ERROR(base::WriteFileAtomically(base::StrCat(directory, "/", kKeyFileName), key));
  }
  return log;
}

absl::Status LogManager::OpenAll(FoundLog found, RecoveryReport* report) {
  const std::string root = StreamsRoot(options_.data_dir);
  ASSIGN_OR_RETURN(std::vector<std::string> databases, base::ListDirectory(root));
  for (const std::string& name : databases) {
    int db = -1;
    auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), db);
    if (error != std::errc() || end != name.data() + name.size() || db < 0) continue;
    RETURN_IF_ERROR(OpenDatabase(db, base::StrCat(root, "/", name), found, report));
  }
  return absl::OkStatus();
}

absl::Status LogManager::OpenDatabase(int db, const std::string& directory, FoundLog found,
                                      RecoveryReport* report) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, base::ListDirectory(directory));
  for (const std::string& name : names) {
    const std::string path = base::StrCat(directory, "/", name);
    if (name.starts_with(".")) {
      // A deletion (Log::Destroy) cut short by a crash.
      RETURN_IF_ERROR(base::RemoveTree(path));
      continue;
    }
    std::optional<std::string> key = KeyOfStreamDirectory(path, name);
    absl::StatusOr<std::unique_ptr<Log>> log = absl::DataLossError("not a stream directory name");
    if (key.has_value()) {
      log = options_.defer_tail_recovery ? Log::OpenDeferred(path, log_options_, report)
                                         : Log::Open(path, log_options_, report);
    }
    if (!log.ok()) {
      if (report != nullptr) {
        report->problems.push_back(RecoveryProblem{.kind = RecoveryProblem::Kind::kCorruption, .path = path,
                                                   .reason = std::string(log.status().message())});
      }
      continue;
    }
    const int64_t expire_at_ms = (*log)->expire_at_ms();
    if (expire_at_ms != 0 && expire_at_ms <= absl::ToUnixMillis(absl::Now())) {
      // Its TTL passed while the server was down: gone, as Redis drops
      // expired keys while loading.
      RETURN_IF_ERROR((*log)->Destroy());
      if (report != nullptr) ++report->expired_streams;
      continue;
    }
    found(db, *std::move(key), *std::move(log));
  }
  return absl::OkStatus();
}

}  // namespace runnel::log
