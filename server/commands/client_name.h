// Client names (CLIENT SETNAME, HELLO SETNAME): Redis accepts only printable
// ASCII without spaces, so a name always fits on one CLIENT LIST line.
#pragma once

#include <string_view>

namespace runnel {

inline bool IsValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

}  // namespace runnel
