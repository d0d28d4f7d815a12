#include "server/command/command_keys.h"

#include "engine/base/strings.h"

namespace runnel::command {

bool ForEachKey(const CommandSpec& spec, std::span<const std::string_view> args,
                absl::FunctionRef<bool(std::string_view)> fn) {
  const KeyPositions& keys = spec.keys;
  const int argc = static_cast<int>(args.size());
  if (keys.not_key) return true;
  if (keys.first == 0) {
    if (keys.keyword.empty()) return true;
    for (int i = 1; i < argc; ++i) {
      if (!base::EqualsIgnoreCase(args[i], keys.keyword)) continue;
      // STREAMS k1 k2 id1 id2: the first half of what follows.
      int count = (argc - i - 1) / 2;
      for (int k = i + 1; k <= i + count; ++k) {
        if (!fn(args[k])) return false;
      }
      return true;
    }
    return true;
  }
  int last = keys.last < 0 ? argc + keys.last : keys.last;
  for (int i = keys.first; i <= last && i < argc; i += keys.step) {
    if (!fn(args[i])) return false;
  }
  return true;
}

}  // namespace runnel::command
