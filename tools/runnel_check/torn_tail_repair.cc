#include "tools/runnel_check/torn_tail_repair.h"

#include <memory>
#include <vector>

#include "engine/base/file.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "engine/log/segment_naming.h"
#include "engine/log/sync_action.h"

namespace runnel::check {
namespace {

// Recovery maps the tail segment only; sealed ones are not touched.
constexpr size_t kRepairMappings = 4;

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
  return base::SyncDirectory(directory);
}

}  // namespace runnel::check
