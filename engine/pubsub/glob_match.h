// GlobMatch: Redis's glob matching (stringmatchlen semantics), used by
// PSUBSCRIBE, KEYS, SCAN MATCH and CONFIG GET.
//
//   *        any sequence, including empty
//   ?        any one byte
//   [abc]    one of the bytes; [^abc] none of them; [a-z] a range
//   \x       the byte x literally
//
// Binary-safe: both pattern and subject may hold any bytes, including NUL.
#pragma once

#include <string_view>

namespace runnel::pubsub {

enum class CaseSensitivity : bool { kSensitive, kInsensitive };

bool GlobMatch(std::string_view pattern, std::string_view subject,
               CaseSensitivity mode = CaseSensitivity::kSensitive);

}  // namespace runnel::pubsub
