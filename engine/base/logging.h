// Process log in Redis's format: "pid:role dd Mon yyyy hh:mm:ss.mmm <c> text",
// where <c> is '.' debug, '-' verbose, '*' notice, '#' warning.
//
// The sink is process-wide, like stderr: it is configured once at start-up
// (and by CONFIG SET loglevel) and written from the loop thread. Writes are a
// single fwrite + fflush of a formatted line, so lines never interleave.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace runnel::base {

enum class LogSeverity : uint8_t { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

// Opens `path` for appending ("" = standard output); returns false with errno set on failure.
bool SetLogFile(const std::string& path);
// Messages below `min` are dropped; kWarning + 1 silences everything ("nothing").
void SetLogLevel(int min);
bool LogEnabled(LogSeverity severity);
void LogLine(LogSeverity severity, std::string_view text);

template <typename... Args>
void Logf(LogSeverity severity, const absl::FormatSpec<Args...>& format, const Args&... args) {
  if (LogEnabled(severity)) LogLine(severity, absl::StrFormat(format, args...));
}

}  // namespace runnel::base

#define RUNNEL_LOG_DEBUG(...) ::runnel::base::Logf(::runnel::base::LogSeverity::kDebug, __VA_ARGS__)
#define RUNNEL_LOG_VERBOSE(...) ::runnel::base::Logf(::runnel::base::LogSeverity::kVerbose, __VA_ARGS__)
#define RUNNEL_LOG_NOTICE(...) ::runnel::base::Logf(::runnel::base::LogSeverity::kNotice, __VA_ARGS__)
#define RUNNEL_LOG_WARNING(...) ::runnel::base::Logf(::runnel::base::LogSeverity::kWarning, __VA_ARGS__)
