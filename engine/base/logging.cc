#include "engine/base/logging.h"

#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>

namespace runnel::base {
namespace {

// Process-wide by nature (see header); atomics so a later multi-loop server
// can log from several threads without a data race on the settings.
std::atomic<int> g_min_level{static_cast<int>(LogSeverity::kNotice)};
std::atomic<FILE*> g_sink{nullptr};

FILE* Sink() {
  FILE* f = g_sink.load(std::memory_order_acquire);
  return f ? f : stdout;
}

}  // namespace

bool SetLogFile(const std::string& path) {
  if (path.empty()) {
    g_sink.store(nullptr, std::memory_order_release);
    return true;
  }
  FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return false;
  FILE* old = g_sink.exchange(f, std::memory_order_acq_rel);
  if (old != nullptr) std::fclose(old);
  return true;
}

void SetLogLevel(int min) { g_min_level.store(min, std::memory_order_relaxed); }

bool LogEnabled(LogSeverity severity) {
  return static_cast<int>(severity) >= g_min_level.load(std::memory_order_relaxed);
}

void LogLine(LogSeverity severity, std::string_view text) {
  static constexpr char kMarks[] = {'.', '-', '*', '#'};
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm local;
  localtime_r(&tv.tv_sec, &local);
  char when[64];
  size_t n = strftime(when, sizeof(when), "%d %b %Y %H:%M:%S", &local);
  std::string line = absl::StrFormat("%d:M %s.%03d %c %s\n", getpid(), std::string_view(when, n),
                                     static_cast<int>(tv.tv_usec / 1000),
                                     kMarks[static_cast<int>(severity)], text);
  FILE* f = Sink();
  std::fwrite(line.data(), 1, line.size(), f);
  std::fflush(f);
}

}  // namespace runnel::base
