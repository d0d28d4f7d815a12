#include "tools/runnel_check/progress_line.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace runnel::check {
namespace {

// ~10 redraws a second look live without costing the check anything.
constexpr std::chrono::milliseconds kTerminalInterval{100};
constexpr std::chrono::seconds kPlainInterval{10};

std::string Describe(uint64_t done, uint64_t total) {
  done = std::min(done, total);  // a file may grow while it is checked
  const uint64_t percent = total == 0 ? 100 : done * 100 / total;
  return absl::StrFormat("verified %s of %s (%d%%)", HumanBytes(done), HumanBytes(total), percent);
}

}  // namespace

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return absl::StrFormat("%d B", bytes);
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

ProgressLine::ProgressLine(std::FILE* out, Mode mode) : out_(out), mode_(mode), last_(Clock::now()) {}

void ProgressLine::Update(uint64_t done, uint64_t total) {
  const Clock::time_point now = Clock::now();
  if (now - last_ < (mode_ == Mode::kTerminal ? Clock::duration(kTerminalInterval) : kPlainInterval)) return;
  last_ = now;
  text_ = Describe(done, total);
  if (mode_ == Mode::kPlain) {
    absl::FPrintF(out_, "runnel-check: %s\n", text_);
  } else if (!interrupted_) {
    Draw();
  }
  std::fflush(out_);
}

void ProgressLine::Draw() {
  absl::FPrintF(out_, "\r\033[K%s", text_);
  shown_ = true;
}

void ProgressLine::Interrupt() {
  if (!shown_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  shown_ = false;
  interrupted_ = true;
}

void ProgressLine::Resume() {
  if (!interrupted_) return;
  interrupted_ = false;
  Draw();
  std::fflush(out_);
}

void ProgressLine::Finish() {
  Interrupt();
  interrupted_ = false;
  text_.clear();
}

}  // namespace runnel::check
