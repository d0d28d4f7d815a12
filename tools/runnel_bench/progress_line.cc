#include "tools/runnel_bench/progress_line.h"

namespace runnel::bench {

void ProgressLine::Show(const std::string& text) {
  switch (mode_) {
    case Mode::kTerminal:
      std::fprintf(out_, "\r\033[K%s", text.c_str());
      shown_ = true;
      break;
    case Mode::kPlain:
      std::fprintf(out_, "runnel-bench: %s\n", text.c_str());
      break;
    case Mode::kOff:
      return;
  }
  std::fflush(out_);
}

void ProgressLine::Finish() {
  if (!shown_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  shown_ = false;
}

}  // namespace runnel::bench
