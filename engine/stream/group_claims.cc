#include "engine/stream/group_claims.h"

#include "absl/container/btree_map.h"
#include "engine/base/status_macros.h"
#include "engine/stream/group_reads.h"

namespace runnel::stream {
namespace {

uint32_t ClaimedCount(uint32_t count, ClaimCount mode) {
  return mode == ClaimCount::kIncrement ? NextDeliveryCount(count) : count;
}

// Journals what a claim decided: the deleted entries leave the PEL, then the
// claimed ones become `consumer`'s (with none, the consumer is only created
// or touched).
absl::Status ApplyClaims(ConsumerGroups& groups, std::string_view group, std::string_view consumer,
                         std::span<const StreamId> deleted, std::span<const PendingUpdate> claimed,
                         int64_t now_ms) {
  if (!deleted.empty()) RETURN_IF_ERROR(groups.Acknowledge(group, deleted).status());
  return groups.SetPending(group, consumer, now_ms, claimed);
}

// XCLAIM's changes while it runs. An ID named twice is claimed twice, the
// second time seeing the first claim (as Redis's in-place updates would),
// so each ID's state is this command's latest word on it, else the PEL's.
class ClaimBatch {
 public:
  explicit ClaimBatch(const ConsumerGroup& group) : group_(group) {}

  // The delivery time and count of `id` if it is pending now; nullopt if not.
  std::optional<PendingUpdate> Current(StreamId id) const {
    if (auto it = changed_.find(id); it != changed_.end()) {
      if (it->second == kRemoved) return std::nullopt;
      return updates_[it->second];
    }
    const PendingEntry* stored = group_.FindPending(id);
    if (stored == nullptr) return std::nullopt;
    return PendingUpdate{.id = id, .delivery_ms = stored->delivery_ms, .delivery_count = stored->delivery_count};
  }
  void Claim(const PendingUpdate& update) {
    auto [it, inserted] = changed_.try_emplace(update.id, updates_.size());
    if (!inserted && it->second != kRemoved) {
      updates_[it->second] = update;
      return;
    }
    it->second = updates_.size();
    updates_.push_back(update);
  }
  // `id`'s entry is gone from the stream: it leaves the PEL.
  void Remove(StreamId id) {
    changed_[id] = kRemoved;
    deleted_.push_back(id);
  }
  std::span<const PendingUpdate> updates() const { return updates_; }
  std::span<const StreamId> deleted() const { return deleted_; }

 private:
  static constexpr size_t kRemoved = SIZE_MAX;
  const ConsumerGroup& group_;
  absl::btree_map<StreamId, size_t> changed_;  // ID -> index in updates_, or kRemoved
  std::vector<PendingUpdate> updates_;
  std::vector<StreamId> deleted_;
};

}  // namespace

absl::StatusOr<std::vector<StreamId>> Claim(Stream& stream, std::string_view group_name, std::string_view consumer,
                                            std::span<const StreamId> ids, const ClaimOptions& options,
                                            int64_t now_ms) {
  ConsumerGroups& groups = stream.groups();
  const ConsumerGroup* group = groups.Find(group_name);
  if (group == nullptr) return NoSuchGroup();
  if (options.last_id.has_value() && *options.last_id > group->last_delivered()) {
    RETURN_IF_ERROR(groups.SetPosition(group_name, *options.last_id, group->entries_read()));
    group = groups.Find(group_name);
  }
  ClaimBatch batch(*group);
  std::vector<StreamId> claimed;
  for (StreamId id : ids) {
    const std::optional<PendingUpdate> current = batch.Current(id);
    ASSIGN_OR_RETURN(const bool exists, EntryExists(stream, id));
    if (!exists) {
      if (current.has_value()) batch.Remove(id);
      continue;
    }
    uint32_t count = 1;  // FORCE: Redis's new NACK, which skips the idle check
    if (current.has_value()) {
      if (options.min_idle_ms > 0 && now_ms - current->delivery_ms < options.min_idle_ms) continue;
      count = current->delivery_count;
    } else if (!options.force) {
      continue;
    }
    batch.Claim({.id = id,
                 .delivery_ms = options.delivery_ms.value_or(now_ms),
                 .delivery_count = options.retry_count.value_or(ClaimedCount(count, options.count_mode))});
    claimed.push_back(id);
  }
  RETURN_IF_ERROR(ApplyClaims(groups, group_name, consumer, batch.deleted(), batch.updates(), now_ms));
  return claimed;
}

absl::StatusOr<AutoClaimResult> AutoClaim(Stream& stream, std::string_view group_name, std::string_view consumer,
                                          StreamId start, uint64_t count, int64_t min_idle_ms,
                                          ClaimCount count_mode, int64_t now_ms) {
  ConsumerGroups& groups = stream.groups();
  const ConsumerGroup* group = groups.Find(group_name);
  if (group == nullptr) return NoSuchGroup();
  AutoClaimResult result;
  std::vector<PendingUpdate> updates;
  // Redis bounds the work by the PEL entries it visits, claimable or not.
  uint64_t attempts = count * 10;
  uint64_t room = count;  // deleted entries take room in the reply too
  auto it = group->pel().lower_bound(start);
  for (; attempts > 0 && room > 0 && it != group->pel().end(); ++it, --attempts) {
    const auto& [id, pending] = *it;
    ASSIGN_OR_RETURN(const bool exists, EntryExists(stream, id));
    if (!exists) {
      result.deleted.push_back(id);
      --room;
      continue;
    }
    if (min_idle_ms > 0 && now_ms - pending.delivery_ms < min_idle_ms) continue;
    updates.push_back(
        {.id = id, .delivery_ms = now_ms, .delivery_count = ClaimedCount(pending.delivery_count, count_mode)});
    result.claimed.push_back(id);
    --room;
  }
  result.next_start = it == group->pel().end() ? kMinId : it->first;
  RETURN_IF_ERROR(ApplyClaims(groups, group_name, consumer, result.deleted, updates, now_ms));
  return result;
}

}  // namespace runnel::stream
