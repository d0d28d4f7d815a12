// ProgressLine: how a run is going, on stderr (stdout keeps the result,
// which may be JSON):
//
//   terminal:  "\r\033[K  3.2 s / 10 s  142,311 req/s  p99 412 us  ...", redrawn
//              in place about 4 times a second and erased at the end;
//   otherwise: the same text as one plain line a second, for logs.
//
// Not thread-safe; the main thread draws it.
#pragma once

#include <cstdio>
#include <string>

namespace runnel::bench {

class ProgressLine {
 public:
  enum class Mode : uint8_t { kTerminal, kPlain, kOff };
  ProgressLine(std::FILE* out, Mode mode) : out_(out), mode_(mode) {}

  // How often Show() should be called.
  double interval_s() const { return mode_ == Mode::kTerminal ? 0.25 : 1.0; }
  void Show(const std::string& text);
  void Finish();

 private:
  std::FILE* out_;
  Mode mode_;
  bool shown_ = false;
};

}  // namespace runnel::bench
