// StringMap / StringSet: hash containers keyed by std::string that can be
// probed with a std::string_view without building a std::string.
//
// Debian's abseil is built with its own absl::string_view (not an alias of
// std::string_view), so absl's default transparent string hash does not take
// std::string_view; these functors give heterogeneous lookup back.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace runnel::base {

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct StringViewEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

template <typename V>
using StringMap = absl::flat_hash_map<std::string, V, StringViewHash, StringViewEq>;
using StringSet = absl::flat_hash_set<std::string, StringViewHash, StringViewEq>;

}  // namespace runnel::base
