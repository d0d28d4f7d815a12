// How the crash tests read their soak settings: a count or seed from the
// environment (RUNNEL_CRASH_CYCLES, RUNNEL_DAMAGE_ROUNDS, ...), else the
// suite's default.
#pragma once

#include <algorithm>
#include <cstdlib>

namespace runnel::testing {

// The positive integer in environment variable `name`, else `fallback`.
inline unsigned SoakSetting(const char* name, unsigned fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr) return fallback;
  return static_cast<unsigned>(std::max(1ul, std::strtoul(text, nullptr, 10)));
}

}  // namespace runnel::testing
