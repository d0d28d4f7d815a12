// Pub/sub message frames, encoded once per PUBLISH and protocol and shared by
// every receiver's output buffer (OutputBuffer::AppendShared), so a fan-out
// to N subscribers serialises the message at most four times (RESP2/RESP3 x
// message/pmessage of one pattern), never N times.
//
//   message:   *3 (RESP2) or >3 (RESP3)  "message"  channel  payload
//   smessage:  *3 or >3                  "smessage" channel  payload
//   pmessage:  *4 or >4                  "pmessage" pattern  channel  payload
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "server/resp/resp_writer.h"

namespace runnel {

class MessageFrames {
 public:
  // `channel` and `message` must outlive this object. `kind` names channel
  // messages: "message", or "smessage" for SPUBLISH.
  MessageFrames(std::string_view channel, std::string_view message, std::string_view kind = "message")
      : channel_(channel), message_(message), kind_(kind) {}

  // The frame for a channel subscriber (`pattern` null) or for a subscriber
  // of `pattern`, in `protocol`. Frames of the last pattern asked for are
  // kept, so the subscribers of one pattern (delivered in a row) share them.
  // Valid until the next call.
  const std::shared_ptr<const std::string>& For(resp::Protocol protocol, const std::string* pattern);

 private:
  std::string_view channel_;
  std::string_view message_;
  std::string_view kind_;
  std::shared_ptr<const std::string> message_frames_[2];  // [RESP2, RESP3]
  const std::string* pattern_ = nullptr;
  std::shared_ptr<const std::string> pattern_frames_[2];
};

}  // namespace runnel
