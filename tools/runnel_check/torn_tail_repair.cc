#include "tools/runnel_check/torn_tail_repair.h"

#include <memory>
#include <vector>

#include "engine/base/file.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/journal_scan.h"
#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/segment_naming.h"
#include "engine/log/sync_action.h"

namespace runnel::check {
namespace {

// Recovery maps the tail segment only; sealed ones are not touched.
constexpr size_t kRepairMappings = 4;

// Cuts a torn tail off the consumer-group journal as GroupJournal::Open
// does (the same ScanJournal classification); anything but a torn tail is
// left for the verifier to report.
absl::Status RepairGroupsJournal(const std::string& path) {
  if (!base::PathExists(path)) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::string data, base::ReadSmallFile(path));
  const log::JournalScan scan = log::ScanJournal(data, log::kGroupsMagic, [](const log::RecordView& record) {
    return log::IsGroupRecordType(record.type) ? nullptr : "not a consumer-group record";
  });
  uint64_t keep = data.size();
  if (scan.header == log::JournalScan::Header::kEmpty) keep = 0;
  if (scan.header == log::JournalScan::Header::kValid && scan.stop_reason != nullptr && scan.torn) keep = scan.valid_end;
  if (keep == data.size()) return absl::OkStatus();
  RETURN_IF_ERROR(base::TruncateFile(path, keep));
  return base::SyncFile(path);
}

}  // namespace

absl::Status RepairTornTails(const std::string& directory) {
  log::MappingCache cache(kRepairMappings);
  const log::LogOptions options{.cache = &cache};
  ASSIGN_OR_RETURN(std::unique_ptr<log::Log> log, log::Log::Open(directory, options, nullptr));
  std::vector<log::SyncAction> actions;
  log->CollectSync(&actions);  // the directory, when a segment was removed
  for (const log::SyncAction& action : actions) RETURN_IF_ERROR(action.Run());
  log.reset();
  // The zeroed bytes are synced by the scan itself; a truncated journal is
  // not (the server syncs it with its next write): sync it here.
  const std::string meta = base::StrCat(directory, "/", log::kMetaFileName);
  if (base::PathExists(meta)) RETURN_IF_ERROR(base::SyncFile(meta));
  RETURN_IF_ERROR(RepairGroupsJournal(base::StrCat(directory, "/", log::kGroupsFileName)));
  return base::SyncDirectory(directory);
}

}  // namespace runnel::check
