// ReplyBuilder: each reply is framed in a stack buffer and appended to the
// OutputBuffer in as few calls as possible; replies of ordinary size build no
// std::string. Encodings follow Redis 7.2 networking.c (addReply*).

#include "server/resp/resp_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

namespace runnel::resp {
namespace {

constexpr std::string_view kCrlf = "\r\n";
// Replies up to this size are assembled on the stack and appended at once.
// A bigger bulk payload is appended from the caller's bytes; a longer simple
// line (which must be scanned for CR/LF anyway) is framed on the heap.
constexpr size_t kStackFrame = 256;
// Longest text FormatDouble() writes: "-d.dddddddddddddddde-308" is 24 bytes
// and the widest plain layouts ("-ddddddddddddddddd0000000") are 25.
constexpr size_t kMaxDoubleChars = 32;

// Frames "<type><text>\r\n" with CR and LF in `text` turned into spaces, in
// `stack` when it fits, else in `*heap` (only long lines pay an allocation).
std::string_view FrameLine(char type, std::string_view text, char (&stack)[kStackFrame],
                           std::string* heap) {
  char* frame = stack;
  if (text.size() + 3 > kStackFrame) {
    heap->resize(text.size() + 3);
    frame = heap->data();
  }
  char* p = frame;
  *p++ = type;
  for (char c : text) *p++ = (c == '\r' || c == '\n') ? ' ' : c;
  *p++ = '\r';
  *p++ = '\n';
  return std::string_view(frame, static_cast<size_t>(p - frame));
}

void AppendLine(io::OutputBuffer& out, char type, std::string_view text) {
  char stack[kStackFrame];
  std::string heap;
  out.Append(FrameLine(type, text, stack, &heap));
}

// Writes "<type><n>\r\n" into `p`, which has room for 23 bytes; returns the end.
char* FormatHeader(char* p, char type, int64_t n) {
  *p++ = type;
  p = std::to_chars(p, p + 20, n).ptr;  // int64 needs at most 20 chars
  *p++ = '\r';
  *p++ = '\n';
  return p;
}

void AppendBulk(io::OutputBuffer& out, std::string_view s) {
  char frame[kStackFrame];
  char* p = FormatHeader(frame, '$', static_cast<int64_t>(s.size()));
  if (static_cast<size_t>(p - frame) + s.size() + 2 <= sizeof(frame)) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = '\r';
    *p++ = '\n';
    out.Append(std::string_view(frame, static_cast<size_t>(p - frame)));
    return;
  }
  out.Append(std::string_view(frame, static_cast<size_t>(p - frame)));
  out.Append(s);
  out.Append(kCrlf);
}

// fpconv_dtoa's layout of shortest digits `digits` times 10^k (Redis
// deps/fpconv emit_digits): plain integer, plain decimal, or d.ddde±x with
// the exponent written without padding.
char* LayOutDigits(char* p, std::string_view digits, int k) {
  const int ndigits = static_cast<int>(digits.size());
  const int exponent = k + ndigits - 1;
  const int abs_exponent = exponent < 0 ? -exponent : exponent;
  if (k >= 0 && abs_exponent < ndigits + 7) {
    p = std::copy(digits.begin(), digits.end(), p);
    return std::fill_n(p, k, '0');
  }
  if (k < 0 && (k > -7 || abs_exponent < 4)) {
    const int int_digits = ndigits + k;  // digits before the point
    if (int_digits <= 0) {
      *p++ = '0';
      *p++ = '.';
      p = std::fill_n(p, -int_digits, '0');
      return std::copy(digits.begin(), digits.end(), p);
    }
    p = std::copy(digits.begin(), digits.begin() + int_digits, p);
    *p++ = '.';
    return std::copy(digits.begin() + int_digits, digits.end(), p);
  }
  // fpconv also caps the digits at 18 - sign here, which shortest digits
  // (at most 17) never reach.
  *p++ = digits[0];
  if (ndigits > 1) {
    *p++ = '.';
    p = std::copy(digits.begin() + 1, digits.end(), p);
  }
  *p++ = 'e';
  *p++ = exponent < 0 ? '-' : '+';
  return std::to_chars(p, p + 3, abs_exponent).ptr;
}

// Redis 7.2 d2string(): nan, inf, -inf, 0, -0; integral values within
// +-LLONG_MAX/2 as integers; anything else as fpconv_dtoa lays out the
// shortest round-trip digits. Redis gets the digits from Grisu2, which in
// rare cases yields one digit more than the shortest; std::to_chars always
// yields the shortest, so those rare values differ in their last digit.
size_t FormatDouble(double v, char* out) {
  char* p = out;
  if (std::isnan(v)) return static_cast<size_t>(std::copy_n("nan", 3, p) - out);
  if (std::isinf(v)) {
    std::string_view text = v < 0 ? "-inf" : "inf";
    return static_cast<size_t>(std::copy(text.begin(), text.end(), p) - out);
  }
  if (v == 0) {
    std::string_view text = std::signbit(v) ? "-0" : "0";
    return static_cast<size_t>(std::copy(text.begin(), text.end(), p) - out);
  }
  constexpr double kIntegerRange = static_cast<double>(INT64_MAX / 2);  // double2ll()
  if (v >= -kIntegerRange && v <= kIntegerRange) {
    const auto as_int = static_cast<int64_t>(v);
    if (static_cast<double>(as_int) == v) {
      return static_cast<size_t>(std::to_chars(p, out + kMaxDoubleChars, as_int).ptr - out);
    }
  }
  // Shortest digits in scientific form: "d[.ddd]e±xx".
  char sci[kMaxDoubleChars];
  const char* sci_end =
      std::to_chars(sci, sci + sizeof(sci), std::fabs(v), std::chars_format::scientific).ptr;
  const char* e = std::find(static_cast<const char*>(sci), sci_end, 'e');
  char digits[kMaxDoubleChars];
  char* d = digits;
  for (const char* q = sci; q < e; ++q) {
    if (*q != '.') *d++ = *q;
  }
  const char* exp_begin = e + 1;
  if (*exp_begin == '+') ++exp_begin;
  int exponent = 0;
  std::from_chars(exp_begin, sci_end, exponent);
  const std::string_view digit_view(digits, static_cast<size_t>(d - digits));
  if (v < 0) *p++ = '-';
  p = LayOutDigits(p, digit_view, exponent - static_cast<int>(digit_view.size()) + 1);
  return static_cast<size_t>(p - out);
}

}  // namespace

void ReplyBuilder::Header(char type, int64_t n) {
  char frame[32];
  char* end = FormatHeader(frame, type, n);
  out_->Append(std::string_view(frame, static_cast<size_t>(end - frame)));
}

void ReplyBuilder::SimpleString(std::string_view s) {
  if (muted_) return;
  AppendLine(*out_, '+', s);
}

void ReplyBuilder::Error(std::string_view text) {
  // Counted and observed even when muted: Redis counts the error replies it
  // does not send too.
  ++errors_written_;
  if (muted_ && error_observer_ == nullptr) return;
  char stack[kStackFrame];
  std::string heap;
  const std::string_view line = FrameLine('-', text, stack, &heap);
  if (error_observer_ != nullptr) {
    error_observer_->OnErrorReply(line.substr(1, line.size() - 3));  // without '-' and CRLF
  }
  if (!muted_) out_->Append(line);
}

void ReplyBuilder::Integer(int64_t v) {
  if (muted_) return;
  Header(':', v);
}

void ReplyBuilder::Bulk(std::string_view s) {
  if (muted_) return;
  AppendBulk(*out_, s);
}

void ReplyBuilder::BulkReferenced(std::string_view s, const std::shared_ptr<const void>& owner) {
  if (muted_) return;
  if (s.size() < kReferenceBytes || owner == nullptr) return AppendBulk(*out_, s);
  Header('$', static_cast<int64_t>(s.size()));
  out_->AppendReferenced(s, owner);
  out_->Append("\r\n");
}

void ReplyBuilder::NullBulk() {
  if (muted_) return;
  out_->Append(resp3() ? std::string_view("_\r\n") : std::string_view("$-1\r\n"));
}

void ReplyBuilder::NullArray() {
  if (muted_) return;
  out_->Append(resp3() ? std::string_view("_\r\n") : std::string_view("*-1\r\n"));
}

void ReplyBuilder::Array(size_t n) {
  if (muted_) return;
  Header('*', static_cast<int64_t>(n));
}

void ReplyBuilder::Map(size_t n) {
  if (muted_) return;
  if (resp3()) {
    Header('%', static_cast<int64_t>(n));
  } else {
    Header('*', static_cast<int64_t>(2 * n));
  }
}

void ReplyBuilder::Set(size_t n) {
  if (muted_) return;
  Header(resp3() ? '~' : '*', static_cast<int64_t>(n));
}

void ReplyBuilder::Push(size_t n) {
  if (muted_) return;
  Header(resp3() ? '>' : '*', static_cast<int64_t>(n));
}

void ReplyBuilder::Double(double v) {
  if (muted_) return;
  char text[kMaxDoubleChars];
  const size_t len = FormatDouble(v, text);
  if (!resp3()) {
    AppendBulk(*out_, std::string_view(text, len));
    return;
  }
  char frame[kMaxDoubleChars + 3];
  frame[0] = ',';
  std::memcpy(frame + 1, text, len);
  frame[len + 1] = '\r';
  frame[len + 2] = '\n';
  out_->Append(std::string_view(frame, len + 3));
}

void ReplyBuilder::Bool(bool v) {
  if (muted_) return;
  if (resp3()) {
    out_->Append(v ? std::string_view("#t\r\n") : std::string_view("#f\r\n"));
  } else {
    out_->Append(v ? std::string_view(":1\r\n") : std::string_view(":0\r\n"));
  }
}

void ReplyBuilder::BigNumber(std::string_view digits) {
  if (muted_) return;
  if (resp3()) {
    AppendLine(*out_, '(', digits);
  } else {
    AppendBulk(*out_, digits);
  }
}

void ReplyBuilder::Verbatim(std::string_view format, std::string_view text) {
  if (muted_) return;
  if (!resp3()) {
    AppendBulk(*out_, text);
    return;
  }
  // As addReplyVerbatim: the format is exactly three bytes, padded with
  // spaces or cut, and the length counts "fmt:" too.
  char frame[32];
  char* p = FormatHeader(frame, '=', static_cast<int64_t>(text.size() + 4));
  for (size_t i = 0; i < 3; ++i) *p++ = i < format.size() ? format[i] : ' ';
  *p++ = ':';
  out_->Append(std::string_view(frame, static_cast<size_t>(p - frame)));
  out_->Append(text);
  out_->Append(kCrlf);
}

void ReplyBuilder::BulkArray(std::initializer_list<std::string_view> items) {
  if (muted_) return;
  Header('*', static_cast<int64_t>(items.size()));
  for (std::string_view item : items) AppendBulk(*out_, item);
}

}  // namespace runnel::resp
