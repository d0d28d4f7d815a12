#include "engine/stream/consumer_groups.h"

#include <algorithm>
#include <vector>

#include "engine/base/status_macros.h"
#include "engine/stream/group_journal.h"

namespace runnel::stream {

ConsumerGroups::ConsumerGroups() = default;
ConsumerGroups::~ConsumerGroups() = default;

absl::StatusOr<std::unique_ptr<ConsumerGroups>> ConsumerGroups::Open(const std::string& directory,
                                                                     log::SyncScheduler* scheduler,
                                                                     log::RecoveryReport* report) {
  auto groups = std::make_unique<ConsumerGroups>();
  ASSIGN_OR_RETURN(groups->journal_, GroupJournal::Open(directory, scheduler, groups.get(), report));
  return groups;
}

ConsumerGroup* ConsumerGroups::Find(std::string_view name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

const ConsumerGroup* ConsumerGroups::Find(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

void ConsumerGroups::ForEach(
    absl::FunctionRef<void(const std::string& name, const ConsumerGroup& group)> visit) const {
  for (const auto& [name, group] : groups_) visit(name, group);
}

bool ConsumerGroups::Apply(const GroupRecord& record) {
  using Kind = GroupRecord::Kind;
  if (record.kind == Kind::kCreateGroup) {
    return groups_.try_emplace(std::string(record.group), record.last_delivered, record.entries_read).second;
  }
  auto it = groups_.find(record.group);
  if (it == groups_.end()) return false;
  ConsumerGroup& group = it->second;
  switch (record.kind) {
    case Kind::kCreateGroup:
      return false;  // handled above
    case Kind::kSetPosition:
      group.SetPosition(record.last_delivered, record.entries_read);
      return true;
    case Kind::kDestroyGroup:
      groups_.erase(it);
      return true;
    case Kind::kCreateConsumer: {
      const ConsumerNumber number = group.AddConsumer(record.consumer, record.time_ms);
      group.SetTimes(number, record.time_ms, record.active_ms);
      return true;
    }
    case Kind::kDeleteConsumer:
      return group.DeleteConsumer(record.consumer).has_value();
    case Kind::kSetPending: {
      const ConsumerNumber owner = group.AddConsumer(record.consumer, record.time_ms);
      for (const PendingUpdate& update : record.pending) {
        group.SetPending(update.id, owner, update.delivery_ms, update.delivery_count);
      }
      if (record.sets_position) group.SetPosition(record.last_delivered, record.entries_read);
      group.MarkActive(owner, record.time_ms);
      return true;
    }
    case Kind::kAcknowledge:
      for (StreamId id : record.ids) group.Acknowledge(id);
      return true;
  }
  return false;
}

bool ConsumerGroups::Applies(const GroupRecord& record) const {
  const ConsumerGroup* group = Find(record.group);
  switch (record.kind) {
    case GroupRecord::Kind::kCreateGroup:
      return group == nullptr;
    case GroupRecord::Kind::kDeleteConsumer:
      return group != nullptr && group->FindConsumer(record.consumer) != nullptr;
    default:
      return group != nullptr;
  }
}

absl::Status ConsumerGroups::Mutate(const GroupRecord& record) {
  // Checked before journaling: a record that does not apply would stop
  // every later replay at it (GroupJournal::Open treats it as corruption).
  if (!Applies(record)) return absl::InternalError("consumer group change does not apply");
  if (journal_ != nullptr) RETURN_IF_ERROR(journal_->Append(record));
  if (!Apply(record)) return absl::InternalError("consumer group change does not apply");
  return journal_ == nullptr ? absl::OkStatus() : journal_->MaybeCompact(*this);
}

absl::Status ConsumerGroups::CreateGroup(std::string_view group, StreamId last_delivered, int64_t entries_read) {
  const GroupRecord record{.kind = GroupRecord::Kind::kCreateGroup,
                           .group = group,
                           .last_delivered = last_delivered,
                           .entries_read = entries_read};
  return Mutate(record);
}

absl::Status ConsumerGroups::SetPosition(std::string_view group, StreamId last_delivered, int64_t entries_read) {
  const GroupRecord record{.kind = GroupRecord::Kind::kSetPosition,
                           .group = group,
                           .last_delivered = last_delivered,
                           .entries_read = entries_read};
  return Mutate(record);
}

absl::Status ConsumerGroups::DestroyGroup(std::string_view group) {
  const GroupRecord record{.kind = GroupRecord::Kind::kDestroyGroup, .group = group};
  return Mutate(record);
}

absl::Status ConsumerGroups::CreateConsumer(std::string_view group, std::string_view consumer, int64_t now_ms) {
  const GroupRecord record{.kind = GroupRecord::Kind::kCreateConsumer,
                           .group = group,
                           .consumer = consumer,
                           .time_ms = now_ms,
                           .active_ms = -1};
  return Mutate(record);
}

absl::StatusOr<uint64_t> ConsumerGroups::DeleteConsumer(std::string_view group, std::string_view consumer) {
  const ConsumerGroup* found = Find(group);
  const Consumer* existing = found == nullptr ? nullptr : found->FindConsumer(consumer);
  if (existing == nullptr) return 0;
  const uint64_t pending = existing->pending.size();
  const GroupRecord record{.kind = GroupRecord::Kind::kDeleteConsumer, .group = group, .consumer = consumer};
  RETURN_IF_ERROR(Mutate(record));
  return pending;
}

absl::Status ConsumerGroups::SetPending(std::string_view group, std::string_view consumer, int64_t now_ms,
                                        std::span<const PendingUpdate> updates) {
  if (updates.empty()) {
    ConsumerGroup* found = Find(group);
    if (found == nullptr) return absl::InternalError("consumer group change does not apply");
    if (std::optional<ConsumerNumber> number = found->ConsumerNumberOf(consumer)) {
      found->Touch(*number, now_ms);
      return absl::OkStatus();
    }
    return CreateConsumer(group, consumer, now_ms);
  }
  const GroupRecord record{.kind = GroupRecord::Kind::kSetPending,
                           .group = group,
                           .consumer = consumer,
                           .time_ms = now_ms,
                           .pending = updates};
  return Mutate(record);
}

absl::Status ConsumerGroups::Deliver(std::string_view group, std::string_view consumer, int64_t now_ms,
                                     std::span<const PendingUpdate> updates, StreamId last_delivered,
                                     int64_t entries_read) {
  if (updates.empty()) {
    RETURN_IF_ERROR(SetPending(group, consumer, now_ms, updates));
    return SetPosition(group, last_delivered, entries_read);
  }
  const GroupRecord record{.kind = GroupRecord::Kind::kSetPending,
                           .group = group,
                           .consumer = consumer,
                           .last_delivered = last_delivered,
                           .entries_read = entries_read,
                           .time_ms = now_ms,
                           .pending = updates,
                           .sets_position = true};
  return Mutate(record);
}

absl::StatusOr<uint64_t> ConsumerGroups::Acknowledge(std::string_view group, std::span<const StreamId> ids) {
  const ConsumerGroup* found = Find(group);
  if (found == nullptr) return absl::InternalError("consumer group change does not apply");
  // Journal only what changes: an XACK of IDs no longer pending (a retried
  // acknowledgement) writes nothing.
  std::vector<StreamId> pending;
  for (StreamId id : ids) {
    if (found->FindPending(id) != nullptr) pending.push_back(id);
  }
  std::sort(pending.begin(), pending.end());
  pending.erase(std::unique(pending.begin(), pending.end()), pending.end());
  if (pending.empty()) return 0;
  const GroupRecord record{.kind = GroupRecord::Kind::kAcknowledge, .group = group, .ids = pending};
  RETURN_IF_ERROR(Mutate(record));
  return pending.size();
}

void ConsumerGroups::SetDirectory(const std::string& directory) {
  if (journal_ != nullptr) journal_->SetDirectory(directory);
}

void ConsumerGroups::Discard() {
  if (journal_ != nullptr) journal_->Discard();
  groups_.clear();
}

}  // namespace runnel::stream
