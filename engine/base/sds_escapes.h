// The character rules of Redis's sdssplitargs, shared by the two places that
// split lines the way it does: inline commands (server/resp) and redis.conf
// lines (server/config).
#pragma once

namespace runnel::base {

// isspace() in the C locale: what sdssplitargs skips between words.
inline bool IsCSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// The value of a hex digit, or -1.
inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte a backslash escape stands for inside double quotes (\xHH aside).
inline char UnescapeChar(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

}  // namespace runnel::base
