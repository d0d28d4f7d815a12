#include "server/acl/acl_log.h"

#include <algorithm>
#include <utility>

namespace runnel::acl {
namespace {

// Redis's ACL_LOG_GROUPING_MAX_TIME_DELTA and the number of entries
// addACLLogEntry scans for a match: a bounded amount of work per event.
constexpr absl::Duration kGroupingWindow = absl::Seconds(60);
constexpr size_t kEntriesScanned = 10;

bool Similar(const AclLogEntry& existing, const AclLogEntry& event) {
  return existing.reason == event.reason && existing.context == event.context &&
         absl::AbsDuration(event.created - existing.created) <= kGroupingWindow &&
         existing.object == event.object && existing.username == event.username;
}

}  // namespace

std::string_view ReasonName(AclLogEntry::Reason reason) {
  switch (reason) {
    case AclLogEntry::Reason::kCommand:
      return "command";
    case AclLogEntry::Reason::kKey:
      return "key";
    case AclLogEntry::Reason::kChannel:
      return "channel";
    case AclLogEntry::Reason::kAuth:
      return "auth";
  }
  return "unknown";
}

std::string_view ContextName(AclLogEntry::Context context) {
  switch (context) {
    case AclLogEntry::Context::kTopLevel:
      return "toplevel";
    case AclLogEntry::Context::kMulti:
      return "multi";
  }
  return "unknown";
}

void AclLog::Add(AclLogEntry entry, size_t max_len) {
  const size_t scanned = std::min(entries_.size(), kEntriesScanned);
  for (size_t i = 0; i < scanned; ++i) {
    if (!Similar(entries_[i], entry)) continue;
    AclLogEntry merged = std::move(entries_[i]);
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    merged.count++;
    merged.created = entry.created;
    merged.client_info = std::move(entry.client_info);
    entries_.push_front(std::move(merged));
    return;
  }
  entry.count = 1;
  entries_.push_front(std::move(entry));
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace runnel::acl
