#include "engine/pubsub/keyspace_events.h"

#include <span>

#include "absl/status/status.h"
#include "engine/base/strings.h"

namespace runnel::pubsub {
namespace {

struct ClassLetter {
  char letter;
  uint32_t flag;
};

// Class letters in the order Redis's keyspaceEventsFlagsToString prints them.
constexpr ClassLetter kClassLetters[] = {
    {'g', kNotifyGeneric}, {'$', kNotifyString}, {'l', kNotifyList},    {'s', kNotifySet},
    {'h', kNotifyHash},    {'z', kNotifyZset},   {'x', kNotifyExpired}, {'e', kNotifyEvicted},
    {'t', kNotifyStream},  {'d', kNotifyModule}, {'n', kNotifyNew},
};
// Printed after the classes, in this order.
constexpr ClassLetter kTargetLetters[] = {{'K', kNotifyKeyspace}, {'E', kNotifyKeyevent}, {'m', kNotifyKeyMiss}};

}  // namespace

absl::StatusOr<uint32_t> ParseKeyspaceEventFlags(std::string_view text) {
  uint32_t flags = 0;
  for (char c : text) {
    if (c == 'A') {
      flags |= kNotifyAll;
      continue;
    }
    bool known = false;
    for (std::span<const ClassLetter> table : {std::span<const ClassLetter>(kClassLetters), std::span<const ClassLetter>(kTargetLetters)}) {
      for (const ClassLetter& entry : table) {
        if (entry.letter == c) {
          flags |= entry.flag;
          known = true;
        }
      }
    }
    if (!known) return absl::InvalidArgumentError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
  return flags;
}

std::string FormatKeyspaceEventFlags(uint32_t flags) {
  std::string out;
  if ((flags & kNotifyAll) == kNotifyAll) {
    out += 'A';
    // n is not part of A; Redis drops it from the string all the same.
  } else {
    for (const ClassLetter& entry : kClassLetters) {
      if (flags & entry.flag) out += entry.letter;
    }
  }
  for (const ClassLetter& entry : kTargetLetters) {
    if (flags & entry.flag) out += entry.letter;
  }
  return out;
}

std::string KeyspaceChannel(int db, std::string_view key) {
  return base::StrCat("__keyspace@", db, "__:", key);
}

std::string KeyeventChannel(int db, std::string_view event) {
  return base::StrCat("__keyevent@", db, "__:", event);
}

}  // namespace runnel::pubsub
