#include "engine/stream/trim_policy.h"

#include <algorithm>

#include "engine/base/status_macros.h"

namespace runnel::stream {

absl::StatusOr<uint64_t> EntriesToTrim(const TrimSpec& spec, log::Log& log) {
  uint64_t candidates = 0;
  switch (spec.strategy) {
    case TrimSpec::Strategy::kNone:
      return 0;
    case TrimSpec::Strategy::kMaxLen:
      candidates = log.length() > spec.max_length ? log.length() - spec.max_length : 0;
      break;
    case TrimSpec::Strategy::kMinId: {
      ASSIGN_OR_RETURN(candidates, log.CountBefore(spec.min_id));
      break;
    }
  }
  if (!spec.approximate) return candidates;
  // Redis's nodes fill in order, so all but the newest are full: "~"
  // removes whole blocks, and the newest, partial one only when everything goes.
  uint64_t remove = candidates == log.length() ? candidates : candidates / kNodeEntries * kNodeEntries;
  if (spec.limit != 0 && remove > spec.limit) remove = spec.limit / kNodeEntries * kNodeEntries;
  return remove;
}

}  // namespace runnel::stream
