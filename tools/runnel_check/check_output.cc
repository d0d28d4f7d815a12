#include "tools/runnel_check/check_output.h"

#include "absl/strings/str_format.h"
#include "engine/base/strings.h"
#include "tools/runnel_check/progress_line.h"

namespace runnel::check {
namespace {

using log::RecoveryProblem;
using Status = log::StreamReport::Status;

const char* StatusName(Status status) {
  switch (status) {
    case Status::kOk:
      return "OK";
    case Status::kTornTail:
      return "TORN TAIL";
    case Status::kCorrupt:
      return "CORRUPT";
  }
  return "?";
}

// "1 stream", "2 streams".
std::string Count(uint64_t n, std::string_view one, std::string_view many) {
  return absl::StrFormat("%d %s", n, n == 1 ? one : many);
}

enum class Repair : uint8_t { kPending, kDone };

// DescribeProblem's text for corruption; for a torn tail, what --fix will
// drop or has dropped (DescribeProblem says "dropped", true of recovery only).
std::string FormatProblem(const RecoveryProblem& problem, Repair repair) {
  if (problem.kind == RecoveryProblem::Kind::kCorruption) return log::DescribeProblem(problem);
  std::string text = absl::StrFormat("torn tail in %s at offset %d: %s", problem.path, problem.offset, problem.reason);
  if (problem.bytes_dropped > 0) {
    const char* verb = repair == Repair::kDone ? "dropped" : "--fix drops";
    absl::StrAppendFormat(&text, "; %s %d bytes", verb, problem.bytes_dropped);
  }
  return text;
}

}  // namespace

std::string QuoteKey(std::string_view key) {
  std::string quoted = "\"";
  for (const char c : key) {
    switch (c) {
      case '\\':
      case '"':
        base::StrAppend(&quoted, "\\", std::string_view(&c, 1));
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\r':
        quoted += "\\r";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          quoted += c;
        } else {
          absl::StrAppendFormat(&quoted, "\\x%02x", static_cast<unsigned char>(c));
        }
    }
  }
  return quoted + "\"";
}

std::string FormatStream(const log::StreamReport& report, const FixOutcome& fix) {
  const log::StreamLocation& where = report.location;
  std::string text =
      absl::StrFormat("key=%s db=%s segments=%d entries=%d bytes=%d status=%s\n",
                      where.key ? QuoteKey(*where.key) : "?", where.db >= 0 ? std::to_string(where.db) : "?",
                      report.segments, report.entries, report.bytes, StatusName(report.status()));
  for (const RecoveryProblem& problem : fix.repaired) {
    base::StrAppend(&text, "  fixed: ", FormatProblem(problem, Repair::kDone), "\n");
  }
  for (const RecoveryProblem& problem : report.problems) {
    base::StrAppend(&text, "  ", FormatProblem(problem, Repair::kPending), "\n");
  }
  if (fix.kind == FixOutcome::Kind::kFailed) base::StrAppend(&text, "  --fix failed: ", fix.error, "\n");
  if (fix.kind == FixOutcome::Kind::kRefused) {
    text += "  not fixed: the stream has corruption, which --fix never touches\n";
  }
  return text;
}

void CheckSummary::Add(const log::StreamReport& report, const FixOutcome& fix) {
  ++streams_;
  switch (report.status()) {
    case Status::kOk:
      ++ok_;
      break;
    case Status::kTornTail:
      ++torn_;
      break;
    case Status::kCorrupt:
      ++corrupt_;
      break;
  }
  segments_ += report.segments;
  entries_ += report.entries;
  bytes_ += report.bytes;
  if (fix.kind == FixOutcome::Kind::kRepaired) {
    ++fixed_streams_;
    fixed_tails_ += fix.repaired.size();
  }
}

std::string CheckSummary::Format() const {
  std::string text = absl::StrFormat(
      "checked %s: %d OK, %d TORN TAIL, %d CORRUPT (%s, %s, %s)\n", Count(streams_, "stream", "streams"), ok_, torn_,
      corrupt_, Count(segments_, "segment", "segments"), Count(entries_, "entry", "entries"), HumanBytes(bytes_));
  if (fixed_tails_ > 0) {
    absl::StrAppendFormat(&text, "fixed %s in %s\n", Count(fixed_tails_, "torn tail", "torn tails"),
                          Count(fixed_streams_, "stream", "streams"));
  }
  if (corrupt_ > 0) {
    text += "corruption found: runnel-check does not repair it (see docs/runnel-check.md)\n";
  } else if (torn_ > 0) {
    text += "torn tails are writes cut short by a crash: the server drops them at start-up; --fix drops them now\n";
  } else {
    text += "all streams are valid\n";
  }
  return text;
}

}  // namespace runnel::check
