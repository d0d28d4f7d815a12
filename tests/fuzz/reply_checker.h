// ReplyChecker: tells whether what a server sent one client is well-formed
// RESP2/RESP3, frame after frame, as the bytes arrive.
//
// The command fuzzer's oracle beyond the sanitizers: a reply whose length
// prefix disagrees with its body, an array that announces more elements than
// follow, a bare line break inside a simple string, or an unknown type byte
// would desynchronise every real client, so it is a bug even when nothing
// crashed. Checks framing, not meaning.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace runnel::fuzz {

class ReplyChecker {
 public:
  // Takes the next bytes sent; false (with error() set) at the first byte
  // that cannot belong to a well-formed frame. A frame may be split across
  // calls.
  bool Feed(std::string_view bytes);
  // Frames completed so far.
  size_t frames() const { return frames_; }
  const std::string& error() const { return error_; }

 private:
  enum class Parse { kDone, kNeedMore, kBad };
  Parse ParseFrame(std::string_view bytes, size_t& pos, int depth);
  Parse ParseLine(std::string_view bytes, size_t& pos, std::string_view& line);
  Parse Bad(std::string why);

  std::string pending_;  // bytes of the frame not yet complete
  size_t frames_ = 0;
  std::string error_;
};

}  // namespace runnel::fuzz
