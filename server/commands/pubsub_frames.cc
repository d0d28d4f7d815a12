#include "server/commands/pubsub_frames.h"

#include <initializer_list>

#include "engine/base/strings.h"

namespace runnel {
namespace {

// A push (RESP3 '>') or array (RESP2 '*') of bulk strings: the same bytes
// ReplyBuilder::Push and Bulk write.
// One allocation: the frame's size is known before it is written.
std::shared_ptr<const std::string> Encode(resp::Protocol protocol, std::initializer_list<std::string_view> items) {
  size_t size = 4;  // the header's type, one digit and CRLF
  for (std::string_view item : items) size += item.size() + 25;  // "$", length, CRLF x 2
  auto frame = std::make_shared<std::string>();
  frame->reserve(size);
  base::StrAppend(frame.get(), protocol == resp::Protocol::kResp3 ? ">" : "*", items.size(), "\r\n");
  for (std::string_view item : items) base::StrAppend(frame.get(), "$", item.size(), "\r\n", item, "\r\n");
  return frame;
}

}  // namespace

const std::shared_ptr<const std::string>& MessageFrames::For(resp::Protocol protocol, const std::string* pattern) {
  const int index = protocol == resp::Protocol::kResp3 ? 1 : 0;
  if (pattern == nullptr) {
    if (!message_frames_[index]) message_frames_[index] = Encode(protocol, {kind_, channel_, message_});
    return message_frames_[index];
  }
  if (pattern != pattern_) {
    pattern_ = pattern;
    pattern_frames_[0].reset();
    pattern_frames_[1].reset();
  }
  if (!pattern_frames_[index]) {
    pattern_frames_[index] = Encode(protocol, {"pmessage", *pattern, channel_, message_});
  }
  return pattern_frames_[index];
}

}  // namespace runnel
