// Scaffold until the journal lands (issue #5, in progress): streams keep
// their groups in memory only, and Open is refused.
#include "engine/stream/group_journal.h"

namespace runnel::stream {

struct GroupJournal::State {};

absl::StatusOr<std::unique_ptr<GroupJournal>> GroupJournal::Open(std::string, log::SyncScheduler*, ConsumerGroups*,
                                                                  log::RecoveryReport*) {
  return absl::UnimplementedError("consumer group journal not built yet");
}
GroupJournal::~GroupJournal() = default;
absl::Status GroupJournal::Append(const GroupRecord&) { return absl::UnimplementedError("no journal"); }
absl::Status GroupJournal::MaybeCompact(const ConsumerGroups&) { return absl::OkStatus(); }
void GroupJournal::SetDirectory(std::string) {}
void GroupJournal::Discard() {}
void GroupJournal::CollectSync(std::vector<log::SyncAction>*) {}

}  // namespace runnel::stream
