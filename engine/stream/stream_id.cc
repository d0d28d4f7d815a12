#include "engine/stream/stream_id.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "absl/strings/str_format.h"

namespace runnel::stream {
namespace {

constexpr char kInvalidId[] = "Invalid stream ID specified as stream command argument";
constexpr char kExhausted[] = "The stream has exhausted the last possible ID, unable to add more items";
constexpr char kNotGreater[] =
    "The ID specified in XADD is equal or smaller than the target stream top item";
constexpr char kZeroId[] = "The ID specified in XADD must be greater than 0-0";

absl::Status Invalid() { return absl::InvalidArgumentError(kInvalidId); }

// Redis's string2ull, faithfully: a strict signed parse first (rejecting
// negatives), then strtoull, which also takes leading zeros, blanks and a
// '+' sign ("+5" and "007" are valid sequence numbers in Redis).
bool ParseUnsigned(std::string_view text, uint64_t* value) {
  if (text.empty() || text.size() >= 128) return false;
  char buffer[128];
  text.copy(buffer, text.size());
  buffer[text.size()] = '\0';
  long long signed_value;
  auto [end, error] = std::from_chars(buffer, buffer + text.size(), signed_value);
  const bool canonical = error == std::errc() && end == buffer + text.size() &&
                         (text.size() == 1 || (text[0] != '0' && !(text[0] == '-' && text[1] == '0')));
  if (canonical) {
    if (signed_value < 0) return false;
    *value = static_cast<uint64_t>(signed_value);
    return true;
  }
  errno = 0;
  char* parse_end = nullptr;
  *value = std::strtoull(buffer, &parse_end, 10);
  return errno != EINVAL && errno != ERANGE && *parse_end == '\0';
}

}  // namespace

std::string FormatId(StreamId id) { return absl::StrFormat("%d-%d", id.ms, id.seq); }

void AppendId(std::string* out, StreamId id) { absl::StrAppendFormat(out, "%d-%d", id.ms, id.seq); }

absl::StatusOr<ParsedId> ParseId(std::string_view text, IdSyntax syntax, uint64_t missing_seq) {
  ParsedId parsed;
  if (syntax == IdSyntax::kExclusiveRangeBound && text.size() > 1 && text[0] == '(') {
    parsed.exclusive = true;
    text.remove_prefix(1);
  }
  const bool range = syntax == IdSyntax::kRangeBound || syntax == IdSyntax::kExclusiveRangeBound;
  // After "(" the ID is strict, as streamParseIntervalIDOrReply parses it:
  // "(-" and "(+" are invalid.
  const bool dash_and_plus = range && !parsed.exclusive;
  if (dash_and_plus && text == "-") {
    parsed.id = kMinId;
    return parsed;
  }
  if (dash_and_plus && text == "+") {
    parsed.id = kMaxId;
    return parsed;
  }
  if (syntax == IdSyntax::kAdd && text == "*") {
    parsed.auto_all = true;
    return parsed;
  }
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseUnsigned(text, &parsed.id.ms)) return Invalid();
    parsed.id.seq = range ? missing_seq : 0;
    parsed.seq_given = false;
    return parsed;
  }
  if (!ParseUnsigned(text.substr(0, dash), &parsed.id.ms)) return Invalid();
  const std::string_view seq = text.substr(dash + 1);
  if (syntax == IdSyntax::kAdd && seq == "*") {
    parsed.auto_seq = true;
    return parsed;
  }
  if (!ParseUnsigned(seq, &parsed.id.seq)) return Invalid();
  return parsed;
}

std::optional<StreamId> Successor(StreamId id) {
  if (id.seq != UINT64_MAX) return StreamId{id.ms, id.seq + 1};
  if (id.ms != UINT64_MAX) return StreamId{id.ms + 1, 0};
  return std::nullopt;
}

std::optional<StreamId> Predecessor(StreamId id) {
  if (id.seq != 0) return StreamId{id.ms, id.seq - 1};
  if (id.ms != 0) return StreamId{id.ms - 1, UINT64_MAX};
  return std::nullopt;
}

absl::StatusOr<StreamId> NextId(const ParsedId& requested, StreamId last, uint64_t now_ms) {
  if (requested.auto_all) {
    if (now_ms > last.ms) return StreamId{now_ms, 0};
    std::optional<StreamId> next = Successor(last);
    if (!next.has_value()) return absl::FailedPreconditionError(kExhausted);
    return *next;
  }
  if (requested.auto_seq) {
    const uint64_t ms = requested.id.ms;
    if (ms > last.ms) return StreamId{ms, 0};
    if (ms < last.ms) return absl::FailedPreconditionError(kNotGreater);
    if (last.seq == UINT64_MAX) return absl::FailedPreconditionError(kNotGreater);
    return StreamId{ms, last.seq + 1};
  }
  if (requested.id == kMinId) return absl::InvalidArgumentError(kZeroId);
  if (requested.id <= last) return absl::FailedPreconditionError(kNotGreater);
  return requested.id;
}

}  // namespace runnel::stream
