#include "engine/stream/group_claims.h"

#include "absl/container/btree_map.h"
#include "engine/base/status_macros.h"
#include "engine/stream/group_reads.h"

namespace runnel::stream {
namespace {

absl::Status NoSuchGroup() { return absl::InternalError("consumer group change does not apply"); }

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
  const int64_t delivery_ms = options.delivery_ms.value_or(now_ms);

  // The command's own changes, seen by a later mention of the same ID as
  // Redis's in-place updates would be: the index of its update, or
  // kRemoved once its deleted entry left the PEL.
  constexpr size_t kRemoved = SIZE_MAX;
  absl::btree_map<StreamId, size_t> changed;
  std::vector<PendingUpdate> updates;
  std::vector<StreamId> deleted;
  std::vector<StreamId> claimed;
  for (StreamId id : ids) {
    auto seen = changed.find(id);
    const PendingEntry* stored = group->FindPending(id);
    const bool pending = seen != changed.end() ? seen->second != kRemoved : stored != nullptr;
    ASSIGN_OR_RETURN(const bool exists, EntryExists(stream, id));
    if (!exists) {
      if (pending) {
        deleted.push_back(id);
        changed[id] = kRemoved;
      }
      continue;
    }
    uint32_t count;
    if (pending) {
      const int64_t last_ms = seen != changed.end() ? updates[seen->second].delivery_ms : stored->delivery_ms;
      if (options.min_idle_ms > 0 && now_ms - last_ms < options.min_idle_ms) continue;
      count = seen != changed.end() ? updates[seen->second].delivery_count : stored->delivery_count;
    } else if (options.force) {
      count = 1;  // Redis's new NACK; FORCE skips the idle check
    } else {
      continue;
    }
    count = options.retry_count.value_or(ClaimedCount(count, options.count_mode));
    const PendingUpdate update{.id = id, .delivery_ms = delivery_ms, .delivery_count = count};
    if (seen != changed.end() && seen->second != kRemoved) {
      updates[seen->second] = update;
    } else {
      changed[id] = updates.size();
      updates.push_back(update);
    }
    claimed.push_back(id);
  }
  RETURN_IF_ERROR(ApplyClaims(groups, group_name, consumer, deleted, updates, now_ms));
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
