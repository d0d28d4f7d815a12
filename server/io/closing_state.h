// Where a connection is on its way out; the one definition both event loops
// use for their per-connection state.
#pragma once

#include <cstdint>

namespace runnel::io {

enum class Closing : uint8_t {
  kNo,          // open
  kAfterFlush,  // close once queued output is sent (QUIT, protocol error, peer EOF)
  kNow,         // pending output dropped; close as soon as nothing is in flight
  kFinished,    // fd closed and OnClose delivered; calls on the id are no-ops
};

// Whether Flush() may still queue output for a connection in this state.
inline bool AcceptsOutput(Closing closing) {
  return closing == Closing::kNo || closing == Closing::kAfterFlush;
}

}  // namespace runnel::io
