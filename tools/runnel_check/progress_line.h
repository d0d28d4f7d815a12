// ProgressLine: how far a long check has got, on stderr, out of the way of
// the report on stdout.
//
//   terminal:  "\r\033[Kverified 1.2 GiB of 3.4 GiB (35%)", redrawn in place
//              at most every 100 ms, from 100 ms into the check;
//   otherwise: "runnel-check: verified 1.2 GiB of 3.4 GiB (35%)\n" at most
//              every 10 s, so a log of a long check shows it moving and a
//              short check prints nothing.
//
// Not thread-safe; one per process.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace runnel::check {

// "1.2 GiB", "512 B": sizes for people.
std::string HumanBytes(uint64_t bytes);

class ProgressLine {
 public:
  enum class Mode : uint8_t { kTerminal, kPlain };
  using Clock = std::chrono::steady_clock;

  ProgressLine(std::FILE* out, Mode mode);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void Update(uint64_t done, uint64_t total);
  // Around other output to the same terminal: Interrupt() erases the
  // in-place line, Resume() draws it again (no blank gap until the next update).
  void Interrupt();
  void Resume();
  // Erases the in-place line for good.
  void Finish();

 private:
  void Draw();

  std::FILE* out_;
  Mode mode_;
  Clock::time_point last_;  // the start, then the last update shown
  std::string text_;        // the last update shown
  bool shown_ = false;      // an in-place line is on the terminal
  bool interrupted_ = false;
};

}  // namespace runnel::check
