// RespParser: incremental parser of client commands, RESP multibulk
// ("*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n") and inline ("ECHO hi\r\n", telnet style).
//
// The parser does not own the bytes. The caller keeps the unconsumed input in
// one contiguous buffer and passes it again, with any new bytes appended, after
// Parse() returned kNeedMore; the parser resumes where it stopped, so a command
// split over many reads is scanned once. Arguments are views into the caller's
// buffer (no copy of bulk payloads), valid until the caller drops or moves the
// bytes. Inline commands with quotes are unescaped into parser-owned storage.
//
// Limits follow Redis: a bulk longer than max_bulk_len, a multibulk count above
// max_multibulk_len, or a header line with no CRLF within 64 KiB is a protocol
// error. Nothing is allocated from a length a header claims before its bytes
// arrive. After kError the connection must be closed; the parser is spent.
//
// Not thread-safe; one per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::resp {

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  int64_t max_multibulk_len = INT32_MAX;       // as Redis: counts above INT_MAX are refused
  // While the client is not authenticated Redis refuses big headers early, so
  // an anonymous peer cannot make the server buffer much.
  bool unauthenticated = false;
};

class RespParser {
 public:
  enum class Result : uint8_t {
    kCommand,   // args() holds one command; consumed() bytes of input belong to it
    kNeedMore,  // no complete command yet; call again with the same input plus more
    kError,     // protocol error; error() holds Redis's text; close the connection
  };

  explicit RespParser(ParserLimits limits = {});

  // Parses the next command from `input`, which starts at the first byte not
  // yet consumed. Empty inline lines and multibulks of count <= 0 are skipped
  // as Redis does (they count toward consumed()).
  Result Parse(std::string_view input);

  // Valid after kCommand until the next Parse() or until `input` changes.
  std::span<const std::string_view> args() const { return args_; }
  // Bytes of `input` that the returned command (and skipped empty ones) used.
  // After kNeedMore it is non-zero only when `input` held nothing but skipped
  // empty commands; the caller may drop those bytes or pass them again.
  size_t consumed() const { return consumed_; }
  // After kError: the text after "-" that Redis sends, e.g.
  // "ERR Protocol error: invalid bulk length".
  std::string_view error() const { return error_; }
  // Bytes the parser expects before it can make progress (for buffer sizing
  // of large bulks); 0 when unknown.
  size_t bytes_wanted() const { return bytes_wanted_; }

  void set_limits(const ParserLimits& limits) { limits_ = limits; }

  // Longest header or inline line Redis accepts (PROTO_INLINE_MAX_SIZE).
  static constexpr size_t kMaxLineLength = 64 * 1024;

 private:
  // Where the parser stands in the current command. The next step reads from
  // pos_; all positions are offsets into `input`, never pointers, because the
  // caller may move its buffer between calls.
  enum class State : uint8_t {
    kCommandStart,    // at the first byte of a command
    kMultibulkCount,  // pos_ is at '*'; waiting for the count line
    kBulkHeader,      // waiting for a "$<len>" line
    kBulkPayload,     // header parsed; waiting for bulk_len_ + 2 bytes
    kInline,          // waiting for the '\n' ending an inline line
    kFailed,          // protocol error reported; the parser is spent
  };
  // One argument before it is handed out as a view: in `input`, or in
  // unescaped_ for quoted inline words.
  struct ArgRef {
    size_t offset;
    size_t size;
    bool unescaped;
  };
  // Outcome of a state's step; kContinue means "run the next state now".
  enum class Step : uint8_t { kContinue, kCommand, kNeedMore, kError };
  enum class LineScan : uint8_t { kFound, kNeedMore, kTooLong };

  // Runs the step for state_.
  Step Advance(std::string_view input);
  Step StartCommand(std::string_view input);
  Step ParseMultibulkCount(std::string_view input);
  Step ParseBulkHeader(std::string_view input);
  Step ParseBulkPayload(std::string_view input);
  Step ParseInline(std::string_view input);
  // Appends the words of one inline line to refs_ (sdssplitargs rules).
  // Returns false on unbalanced quotes.
  bool SplitInline(std::string_view input, size_t begin, size_t end);
  // The word at `word` whose first quote is at *pos; advances *pos past it.
  bool SplitQuotedWord(std::string_view input, size_t word, size_t* pos, size_t end);
  // Finds `terminator` in the line starting at pos_, resuming at scan_.
  LineScan ScanLine(std::string_view input, char terminator, size_t* at);
  Step CompleteCommand(std::string_view input, size_t end);
  Step SkipCommand(size_t end);
  Step Fail(std::string_view text);
  void ResetCommand();

  ParserLimits limits_;
  std::vector<std::string_view> args_;
  size_t consumed_ = 0;
  size_t bytes_wanted_ = 0;
  std::string error_;

  State state_ = State::kCommandStart;
  size_t pos_ = 0;   // next byte to parse
  size_t scan_ = 0;  // [pos_, scan_) is known to hold no line terminator
  int64_t args_left_ = 0;  // bulks still expected by the current multibulk
  int64_t bulk_len_ = 0;   // length of the bulk being read (kBulkPayload)
  std::vector<ArgRef> refs_;  // arguments of the current command so far
  std::string unescaped_;     // quoted inline words, unescaped
};

}  // namespace runnel::resp
