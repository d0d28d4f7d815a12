// RespParser: a state machine over offsets into the caller's buffer. The
// grammar and every error text follow Redis 7 networking.c
// (processMultibulkBuffer, processInlineBuffer) and sds.c (sdssplitargs);
// integers are read like util.c string2ll.
//
// Where Redis's behaviour depends on how reads happened to split the bytes,
// the parser picks the deterministic reading, so any split of a stream yields
// the same commands and the same error:
// - A header or inline line may hold kMaxLineLength bytes before its
//   terminator, however it arrived. Redis checks the length only when its
//   buffer holds no terminator, so a longer line that lands in one read passes
//   there (and fails later on its integer, for a header).
// - NUL is an ordinary byte of an inline line. Redis's C-string scans stop at
//   it, so such a line waits there until the length limit.

#include "server/resp/resp_parser.h"

#include "engine/base/sds_escapes.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace runnel::resp {
namespace {

// Redis refuses bigger headers from clients that have not authenticated, so an
// anonymous peer cannot make the server buffer much (networking.c).
constexpr int64_t kUnauthenticatedMaxMultibulk = 10;
constexpr int64_t kUnauthenticatedMaxBulk = 16384;
// Room reserved for a new multibulk's arguments: enough for most commands and
// small enough that a claimed count costs nothing before its bulks arrive.
constexpr size_t kInitialArgReserve = 64;
// Past this capacity the argument vectors are released before the next
// command, so one huge command does not pin memory for the connection's life.
constexpr size_t kMaxRetainedArgs = 4096;
// string2ll refuses strings this long or longer (LONG_STR_SIZE).
constexpr size_t kMaxIntegerChars = 21;

// Redis's string2ll: an optional '-', then "0" or digits without a leading
// zero; no '+', no spaces, no overflow. "-0" is refused, as there.
bool ParseStrictInt(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() >= kMaxIntegerChars) return false;
  if (s == "0") {
    *out = 0;
    return true;
  }
  const bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s[0] < '1' || s[0] > '9') return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  const uint64_t max_magnitude = negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX};
  if (v > max_magnitude) return false;
  // Modular negation is exact for every magnitude up to 2^63 (C++20).
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

// isspace() in the C locale: what sdssplitargs skips between words.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// What ends an unquoted word in sdssplitargs: a narrower set than IsSpace(),
// so "a\vb" is one word while a leading '\v' is skipped.
bool EndsWord(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

RespParser::RespParser(ParserLimits limits) : limits_(limits) {}

RespParser::Result RespParser::Parse(std::string_view input) {
  consumed_ = 0;
  bytes_wanted_ = 0;
  args_.clear();
  if (state_ == State::kFailed) return Result::kError;
  // The contract is "same bytes plus more". A shorter input means the caller
  // dropped bytes it was never told were consumed; the saved offsets are then
  // meaningless, so restart the command rather than read past `input`.
  assert(input.size() >= std::max(pos_, scan_));
  if (input.size() < std::max(pos_, scan_)) ResetCommand();
  for (;;) {
    switch (Advance(input)) {
      case Step::kContinue:
        break;
      case Step::kCommand:
        return Result::kCommand;
      case Step::kNeedMore:
        return Result::kNeedMore;
      case Step::kError:
        return Result::kError;
    }
  }
}

RespParser::Step RespParser::Advance(std::string_view input) {
  switch (state_) {
    case State::kCommandStart:
      return StartCommand(input);
    case State::kMultibulkCount:
      return ParseMultibulkCount(input);
    case State::kBulkHeader:
      return ParseBulkHeader(input);
    case State::kBulkPayload:
      return ParseBulkPayload(input);
    case State::kInline:
      return ParseInline(input);
    case State::kFailed:
      break;
  }
  return Step::kError;
}

RespParser::Step RespParser::StartCommand(std::string_view input) {
  if (pos_ == input.size()) {
    // Only skipped empty commands so far (or nothing): report their bytes and
    // forget them, so a stream of blank lines cannot pile up in the caller.
    // A caller that passes them again just skips them again.
    consumed_ = pos_;
    pos_ = 0;
    scan_ = 0;
    return Step::kNeedMore;
  }
  if (refs_.capacity() > kMaxRetainedArgs) {
    std::vector<ArgRef>().swap(refs_);
    std::vector<std::string_view>().swap(args_);
  }
  state_ = input[pos_] == '*' ? State::kMultibulkCount : State::kInline;
  scan_ = pos_;
  return Step::kContinue;
}

RespParser::LineScan RespParser::ScanLine(std::string_view input, char terminator, size_t* at) {
  // Invariant: pos_ <= scan_ <= input.size(), and [pos_, scan_) holds no
  // terminator, so each byte of a line is searched once however many reads
  // it takes. Redis fails once more than kMaxLineLength bytes lack one.
  const size_t limit = std::min(input.size(), pos_ + kMaxLineLength + 1);
  if (scan_ < limit) {
    const void* hit = std::memchr(input.data() + scan_, terminator, limit - scan_);
    if (hit != nullptr) {
      *at = static_cast<size_t>(static_cast<const char*>(hit) - input.data());
      scan_ = *at;
      return LineScan::kFound;
    }
    scan_ = limit;
  }
  return limit - pos_ > kMaxLineLength ? LineScan::kTooLong : LineScan::kNeedMore;
}

RespParser::Step RespParser::ParseMultibulkCount(std::string_view input) {
  size_t cr = 0;
  switch (ScanLine(input, '\r', &cr)) {
    case LineScan::kTooLong:
      return Fail("ERR Protocol error: too big mbulk count string");
    case LineScan::kNeedMore:
      return Step::kNeedMore;
    case LineScan::kFound:
      break;
  }
  // As in Redis, a header line ends at its '\r' and the next byte is skipped
  // unchecked; it only has to be there.
  if (cr + 1 >= input.size()) return Step::kNeedMore;
  int64_t count = 0;
  // pos_ is at '*', so the digits are (pos_, cr).
  if (!ParseStrictInt(input.substr(pos_ + 1, cr - pos_ - 1), &count) ||
      count > limits_.max_multibulk_len) {
    return Fail("ERR Protocol error: invalid multibulk length");
  }
  if (limits_.unauthenticated && count > kUnauthenticatedMaxMultibulk) {
    return Fail("ERR Protocol error: unauthenticated multibulk length");
  }
  pos_ = cr + 2;
  if (count <= 0) return SkipCommand(pos_);
  args_left_ = count;
  refs_.clear();
  refs_.reserve(std::min(static_cast<size_t>(count), kInitialArgReserve));
  state_ = State::kBulkHeader;
  scan_ = pos_;
  return Step::kContinue;
}

RespParser::Step RespParser::ParseBulkHeader(std::string_view input) {
  size_t cr = 0;
  switch (ScanLine(input, '\r', &cr)) {
    case LineScan::kTooLong:
      return Fail("ERR Protocol error: too big bulk count string");
    case LineScan::kNeedMore:
      return Step::kNeedMore;
    case LineScan::kFound:
      break;
  }
  if (cr + 1 >= input.size()) return Step::kNeedMore;
  if (input[pos_] != '$') {
    // Redis formats the byte with %c and then turns CR/LF into spaces.
    const char got = input[pos_] == '\r' || input[pos_] == '\n' ? ' ' : input[pos_];
    error_ = "ERR Protocol error: expected '$', got '";
    error_ += got;
    error_ += '\'';
    state_ = State::kFailed;
    return Step::kError;
  }
  int64_t len = 0;
  if (!ParseStrictInt(input.substr(pos_ + 1, cr - pos_ - 1), &len) || len < 0 ||
      len > limits_.max_bulk_len) {
    return Fail("ERR Protocol error: invalid bulk length");
  }
  if (limits_.unauthenticated && len > kUnauthenticatedMaxBulk) {
    return Fail("ERR Protocol error: unauthenticated bulk length");
  }
  pos_ = cr + 2;
  bulk_len_ = len;
  state_ = State::kBulkPayload;
  return Step::kContinue;
}

RespParser::Step RespParser::ParseBulkPayload(std::string_view input) {
  const size_t available = input.size() - pos_;
  // The payload and the two bytes after it; Redis skips those without
  // checking that they are CRLF, and so do we, but they must have arrived.
  const uint64_t needed = static_cast<uint64_t>(bulk_len_) + 2;
  if (available < needed) {
    bytes_wanted_ = needed - available;
    return Step::kNeedMore;
  }
  refs_.push_back({pos_, static_cast<size_t>(bulk_len_), false});
  pos_ += needed;
  if (--args_left_ > 0) {
    state_ = State::kBulkHeader;
    scan_ = pos_;
    return Step::kContinue;
  }
  return CompleteCommand(input, pos_);
}

RespParser::Step RespParser::ParseInline(std::string_view input) {
  size_t lf = 0;
  switch (ScanLine(input, '\n', &lf)) {
    case LineScan::kTooLong:
      return Fail("ERR Protocol error: too big inline request");
    case LineScan::kNeedMore:
      return Step::kNeedMore;
    case LineScan::kFound:
      break;
  }
  size_t end = lf;
  if (end > pos_ && input[end - 1] == '\r') --end;
  refs_.clear();
  unescaped_.clear();
  if (!SplitInline(input, pos_, end)) {
    return Fail("ERR Protocol error: unbalanced quotes in request");
  }
  if (refs_.empty()) return SkipCommand(lf + 1);
  return CompleteCommand(input, lf + 1);
}

bool RespParser::SplitInline(std::string_view input, size_t begin, size_t end) {
  size_t p = begin;
  for (;;) {
    while (p < end && IsSpace(input[p])) ++p;
    if (p == end) return true;
    const size_t word = p;
    while (p < end && !EndsWord(input[p]) && input[p] != '"' && input[p] != '\'') ++p;
    if (p == end || EndsWord(input[p])) {
      // The common case: a word without quotes is a view of the input.
      refs_.push_back({word, p - word, false});
      continue;
    }
    // A quote, possibly after plain bytes ("foo\"bar\"" is one word).
    if (!SplitQuotedWord(input, word, &p, end)) return false;
  }
}

bool RespParser::SplitQuotedWord(std::string_view input, size_t word, size_t* pos, size_t end) {
  const size_t offset = unescaped_.size();
  size_t p = *pos;
  unescaped_.append(input.substr(word, p - word));
  const char quote = input[p++];
  for (;;) {
    if (p == end) return false;  // unterminated quotes
    const char c = input[p];
    if (quote == '"' && c == '\\' && p + 3 < end && input[p + 1] == 'x' &&
        base::HexValue(input[p + 2]) >= 0 && base::HexValue(input[p + 3]) >= 0) {
      unescaped_ += static_cast<char>(base::HexValue(input[p + 2]) * 16 + base::HexValue(input[p + 3]));
      p += 4;
    } else if (quote == '"' && c == '\\' && p + 1 < end) {
      unescaped_ += base::UnescapeChar(input[p + 1]);
      p += 2;
    } else if (quote == '\'' && c == '\\' && p + 1 < end && input[p + 1] == '\'') {
      unescaped_ += '\'';
      p += 2;
    } else if (c == quote) {
      ++p;
      break;
    } else {
      unescaped_ += c;
      ++p;
    }
  }
  // The closing quote ends the word and must be followed by a space or the
  // end of the line.
  if (p < end && !IsSpace(input[p])) return false;
  refs_.push_back({offset, unescaped_.size() - offset, true});
  *pos = p;
  return true;
}

RespParser::Step RespParser::CompleteCommand(std::string_view input, size_t end) {
  // Views are made only now: unescaped_ may have moved while words were added.
  const std::string_view unescaped = unescaped_;
  for (const ArgRef& ref : refs_) {
    args_.push_back((ref.unescaped ? unescaped : input).substr(ref.offset, ref.size));
  }
  consumed_ = end;
  ResetCommand();
  return Step::kCommand;
}

RespParser::Step RespParser::SkipCommand(size_t end) {
  // The next command starts at `end`; consumed() will count the skipped bytes.
  state_ = State::kCommandStart;
  pos_ = end;
  return Step::kContinue;
}

RespParser::Step RespParser::Fail(std::string_view text) {
  error_.assign(text);
  state_ = State::kFailed;
  return Step::kError;
}

void RespParser::ResetCommand() {
  state_ = State::kCommandStart;
  pos_ = 0;
  scan_ = 0;
  args_left_ = 0;
  bulk_len_ = 0;
  refs_.clear();
}

}  // namespace runnel::resp
