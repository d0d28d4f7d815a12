#include "tests/fuzz/reply_checker.h"

#include <charconv>
#include <cstdint>

namespace runnel::fuzz {
namespace {

// RESP nests replies a few levels deep (XINFO STREAM FULL: about 6); far
// more means the framing has gone wrong.
constexpr int kMaxDepth = 32;

bool ParseInteger(std::string_view text, int64_t& value) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end;
}

bool IsDouble(std::string_view text) {
  if (text == "inf" || text == "-inf" || text == "nan") return true;
  if (text.empty()) return false;
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end;
}

}  // namespace

bool ReplyChecker::Feed(std::string_view bytes) {
  if (!error_.empty()) return false;
  pending_.append(bytes);
  size_t pos = 0;
  while (pos < pending_.size()) {
    size_t frame_end = pos;
    const Parse result = ParseFrame(pending_, frame_end, 0);
    if (result == Parse::kBad) return false;
    if (result == Parse::kNeedMore) break;
    pos = frame_end;
    ++frames_;
  }
  pending_.erase(0, pos);
  return true;
}

ReplyChecker::Parse ReplyChecker::Bad(std::string why) {
  error_ = std::move(why);
  return Parse::kBad;
}

ReplyChecker::Parse ReplyChecker::ParseLine(std::string_view bytes, size_t& pos, std::string_view& line) {
  const size_t cr = bytes.find('\r', pos);
  const std::string_view before = bytes.substr(pos, cr == std::string_view::npos ? cr : cr - pos);
  if (before.find('\n') != std::string_view::npos) return Bad("a line feed without a carriage return before it");
  if (cr == std::string_view::npos || cr + 1 >= bytes.size()) return Parse::kNeedMore;
  if (bytes[cr + 1] != '\n') return Bad("a carriage return not followed by a line feed");
  line = bytes.substr(pos, cr - pos);
  pos = cr + 2;
  return Parse::kDone;
}

ReplyChecker::Parse ReplyChecker::ParseFrame(std::string_view bytes, size_t& pos, int depth) {
  if (depth > kMaxDepth) return Bad("replies nested deeper than any command makes them");
  if (pos >= bytes.size()) return Parse::kNeedMore;
  const char type = bytes[pos++];
  std::string_view line;
  if (Parse p = ParseLine(bytes, pos, line); p != Parse::kDone) return p;
  int64_t n = 0;
  switch (type) {
    case '+':
    case '-':
      return Parse::kDone;
    case ':':
      return ParseInteger(line, n) ? Parse::kDone : Bad("an integer reply that is not an integer");
    case '_':
      return line.empty() ? Parse::kDone : Bad("a RESP3 null with text");
    case '#':
      return line == "t" || line == "f" ? Parse::kDone : Bad("a RESP3 boolean other than t or f");
    case ',':
      return IsDouble(line) ? Parse::kDone : Bad("a RESP3 double that is not a number");
    case '(': {
      const std::string_view digits = line.substr(line.starts_with('-') ? 1 : 0);
      return !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos
                 ? Parse::kDone
                 : Bad("a big number that is not digits");
    }
    case '$':
    case '=':
    case '!': {
      if (!ParseInteger(line, n) || n < -1 || (n == -1 && type != '$')) return Bad("a bad bulk length");
      if (n == -1) return Parse::kDone;
      const size_t length = static_cast<size_t>(n);
      if (bytes.size() - pos < length + 2) return Parse::kNeedMore;
      if (bytes.compare(pos + length, 2, "\r\n") != 0) return Bad("a bulk string longer than its length says");
      if (type == '=' && (length < 4 || bytes[pos + 3] != ':')) return Bad("a verbatim string without its format");
      pos += length + 2;
      return Parse::kDone;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      if (!ParseInteger(line, n) || n < -1 || (n == -1 && type != '*')) return Bad("a bad aggregate length");
      if (n <= 0) return Parse::kDone;
      const int64_t elements = (type == '%' || type == '|') ? 2 * n : n;
      for (int64_t i = 0; i < elements; ++i) {
        if (Parse p = ParseFrame(bytes, pos, depth + 1); p != Parse::kDone) return p;
      }
      // An attribute precedes the reply it describes.
      return type == '|' ? ParseFrame(bytes, pos, depth + 1) : Parse::kDone;
    }
    default:
      return Bad(std::string("an unknown type byte 0x") + "0123456789abcdef"[(type >> 4) & 15] +
                 "0123456789abcdef"[type & 15]);
  }
}

}  // namespace runnel::fuzz
