// A port of Redis's stringmatchlen_impl (util.c, Redis 7) over string_views.
//
// Redis walks NUL-terminated buffers and sometimes reads the byte just past
// the pattern (pattern[1] after the last byte, `*pattern` once the pattern is
// used up), relying on the terminator not being '*', '^' or ']'. Here every
// such read is bounds-checked and treated as "no such byte", which gives the
// same answers without the terminator and keeps NUL an ordinary byte.
//
// Two Redis 7 details bound the work on hostile patterns ("a*a*a*...b"):
//   - skip_longer: once the rest of the pattern after some '*' has failed to
//     match at every remaining offset of the subject, no earlier '*' can help
//     by consuming more bytes (that would only start the rest even later), so
//     the whole search stops. This turns exponential backtracking into
//     O(pattern * subject).
//   - kMaxNesting: each non-final '*' recurses once; past 1000 levels Redis
//     answers "no match" rather than grow the stack, so a pattern with more
//     than 1000 separated stars never matches. Kept for identical results.
#include "engine/pubsub/glob_match.h"

#include <cstddef>
#include <string_view>
#include <utility>

namespace runnel::pubsub {
namespace {

constexpr int kMaxNesting = 1000;

// ASCII-only folding, as tolower() in the C locale that Redis runs under.
int Fold(int c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

bool SameByte(char a, char b, bool nocase) {
  return nocase ? Fold(static_cast<unsigned char>(a)) == Fold(static_cast<unsigned char>(b))
                : a == b;
}

// Matches `c` against the class that starts at pattern[p] == '['. On return
// p indexes the class's closing ']' (or, for an unterminated class, the last
// byte of the pattern) so the caller's common one-byte advance steps past it.
// Range ends compare as signed chars, exactly as Redis built for x86-64 does
// (`int start = pattern[0]` on a signed char), so [a-\xff] is the range
// [-1, 'a'] after the swap; ranges between ASCII bytes are unaffected.
bool MatchClass(std::string_view pattern, size_t& p, char c, bool nocase) {
  const size_t n = pattern.size();
  ++p;  // past '['
  const bool negate = p < n && pattern[p] == '^';
  if (negate) ++p;
  bool match = false;
  while (true) {
    const size_t left = n - p;
    if (left >= 2 && pattern[p] == '\\') {
      ++p;
      if (pattern[p] == c) match = true;  // escapes compare exactly, even with nocase
    } else if (left >= 1 && pattern[p] == ']') {
      break;
    } else if (left == 0) {
      --p;  // unterminated: the rest of the pattern was the class
      break;
    } else if (left >= 3 && pattern[p + 1] == '-') {
      int start = static_cast<signed char>(pattern[p]);
      int end = static_cast<signed char>(pattern[p + 2]);
      int ch = static_cast<signed char>(c);
      if (start > end) std::swap(start, end);
      if (nocase) {
        start = Fold(start);
        end = Fold(end);
        ch = Fold(ch);
      }
      p += 2;
      if (ch >= start && ch <= end) match = true;
    } else if (SameByte(pattern[p], c, nocase)) {
      match = true;
    }
    ++p;
  }
  return negate ? !match : match;
}

class Matcher {
 public:
  explicit Matcher(bool nocase) : nocase_(nocase) {}

  bool Match(std::string_view pattern, std::string_view subject, int nesting) {
    if (nesting > kMaxNesting) return false;
    size_t p = 0;
    size_t s = 0;
    while (p < pattern.size() && s < subject.size()) {
      switch (pattern[p]) {
        case '*':
          return MatchStar(pattern.substr(p), subject.substr(s), nesting);
        case '?':
          break;
        case '[':
          if (!MatchClass(pattern, p, subject[s], nocase_)) return false;
          break;
        case '\\':
          if (pattern.size() - p >= 2) ++p;
          [[fallthrough]];
        default:
          if (!SameByte(pattern[p], subject[s], nocase_)) return false;
          break;
      }
      ++p;
      ++s;
      if (s == subject.size()) {
        // Trailing stars match the empty rest of the subject.
        while (p < pattern.size() && pattern[p] == '*') ++p;
        break;
      }
    }
    // Note an empty subject never enters the loop: "*" does not match "".
    return p == pattern.size() && s == subject.size();
  }

 private:
  // `pattern` starts with '*' and `subject` is not empty.
  bool MatchStar(std::string_view pattern, std::string_view subject, int nesting) {
    size_t p = 0;
    while (p + 1 < pattern.size() && pattern[p + 1] == '*') ++p;
    if (p + 1 == pattern.size()) return true;  // a final star matches everything left
    const std::string_view rest = pattern.substr(p + 1);
    for (size_t s = 0; s < subject.size(); ++s) {
      if (Match(rest, subject.substr(s), nesting + 1)) return true;
      if (skip_longer_) return false;
    }
    // `rest` matches no suffix of `subject`; see skip_longer in the file comment.
    skip_longer_ = true;
    return false;
  }

  const bool nocase_;
  bool skip_longer_ = false;
};

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view subject, CaseSensitivity mode) {
  // The common PSUBSCRIBE/KEYS pattern; same answer as the general path.
  if (pattern == "*") return !subject.empty();
  return Matcher(mode == CaseSensitivity::kInsensitive).Match(pattern, subject, 0);
}

}  // namespace runnel::pubsub
