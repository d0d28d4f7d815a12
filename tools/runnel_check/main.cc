// runnel-check [--fix] DIR: verifies the logs of a Runnel data directory, or
// of one stream directory, like redis-check-aof (docs/runnel-check.md). Glue
// only: the checks are engine/log/log_verifier.h, the repair
// torn_tail_repair.h, the text check_output.h. Never interactive.
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "engine/log/log_verifier.h"
#include "tools/runnel_check/check_output.h"
#include "tools/runnel_check/progress_line.h"
#include "tools/runnel_check/torn_tail_repair.h"

namespace runnel::check {
namespace {

// Exit statuses: valid (after --fix, when given), or anything else.
constexpr int kValid = 0;
constexpr int kInvalid = 1;

constexpr char kUsage[] =
    "Usage: runnel-check [--fix] DIR\n"
    "Verifies every segment, meta journal and consumer-group journal under DIR,\n"
    "a Runnel data directory (the one holding streams/) or a single stream\n"
    "directory. Read-only unless --fix is given, which drops torn tails as the\n"
    "server's start-up does;\n"
    "corruption is reported, never repaired. Exit status 0 when every stream is\n"
    "valid, 1 otherwise.\n";

enum class FixMode : uint8_t { kCheckOnly, kFixTornTails };

struct Arguments {
  FixMode fix = FixMode::kCheckOnly;
  std::string directory;
  bool help = false;
};

std::optional<Arguments> ParseArguments(int argc, char** argv) {
  Arguments arguments;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!options_done && arg == "--fix") {
      arguments.fix = FixMode::kFixTornTails;
    } else if (!options_done && (arg == "-h" || arg == "--help")) {
      arguments.help = true;
    } else if (!options_done && arg == "--") {
      options_done = true;
    } else if (!options_done && arg.starts_with("-")) {
      absl::FPrintF(stderr, "runnel-check: unknown option %s\n", arg);
      return std::nullopt;
    } else if (arguments.directory.empty()) {
      arguments.directory = std::string(arg);
    } else {
      absl::FPrintF(stderr, "runnel-check: one directory only\n");
      return std::nullopt;
    }
  }
  if (arguments.directory.empty() && !arguments.help) return std::nullopt;
  return arguments;
}

// Repairs a stream that is torn and nothing worse, then verifies it again.
FixOutcome FixStream(log::StreamReport& report) {
  switch (report.status()) {
    case log::StreamReport::Status::kOk:
      return FixOutcome{};
    case log::StreamReport::Status::kCorrupt:
      return FixOutcome{.kind = FixOutcome::Kind::kRefused};
    case log::StreamReport::Status::kTornTail:
      break;
  }
  if (const absl::Status status = RepairTornTails(report.location.directory); !status.ok()) {
    return FixOutcome{.kind = FixOutcome::Kind::kFailed, .error = status.ToString()};
  }
  FixOutcome outcome{.kind = FixOutcome::Kind::kRepaired, .repaired = std::move(report.problems)};
  report = log::VerifyStream(report.location, nullptr);
  return outcome;
}

int Run(const Arguments& arguments) {
  absl::StatusOr<std::vector<log::StreamLocation>> streams = log::FindStreams(arguments.directory);
  if (!streams.ok()) {
    absl::FPrintF(stderr, "runnel-check: %s\n", streams.status().message());
    return kInvalid;
  }
  uint64_t total = 0;
  for (const log::StreamLocation& location : *streams) total += log::StreamBytes(location);
  ProgressLine progress(stderr, isatty(STDERR_FILENO) ? ProgressLine::Mode::kTerminal : ProgressLine::Mode::kPlain);
  const bool shared_terminal = isatty(STDERR_FILENO) && isatty(STDOUT_FILENO);
  uint64_t done = 0;
  CheckSummary summary;
  for (const log::StreamLocation& location : *streams) {
    log::StreamReport report = log::VerifyStream(location, [&](uint64_t bytes) {
      done += bytes;
      progress.Update(done, total);
    });
    const FixOutcome fix = arguments.fix == FixMode::kFixTornTails ? FixStream(report) : FixOutcome{};
    if (shared_terminal) progress.Interrupt();
    std::fputs(FormatStream(report, fix).c_str(), stdout);
    std::fflush(stdout);
    if (shared_terminal) progress.Resume();
    summary.Add(report, fix);
  }
  progress.Finish();
  std::fputs(summary.Format().c_str(), stdout);
  return summary.valid() ? kValid : kInvalid;
}

}  // namespace
}  // namespace runnel::check

int main(int argc, char** argv) {
  const std::optional<runnel::check::Arguments> arguments = runnel::check::ParseArguments(argc, argv);
  if (!arguments.has_value()) {
    std::fputs(runnel::check::kUsage, stderr);
    return runnel::check::kInvalid;
  }
  if (arguments->help) {
    std::fputs(runnel::check::kUsage, stdout);
    return runnel::check::kValid;
  }
  return runnel::check::Run(*arguments);
}
