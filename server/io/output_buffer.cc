#include "server/io/output_buffer.h"

#include <algorithm>
#include <cstring>

namespace runnel::io {

OutputBuffer::Block& OutputBuffer::WritableTail(size_t want) {
  if (!blocks_.empty()) {
    Block& tail = blocks_.back();
    if (tail.owned && tail.capacity - tail.end >= want) return tail;
  }
  Block block;
  if (!blocks_.empty() && !blocks_.back().owned && want <= kSmallBlockSize) {
    block.owned = std::make_unique<char[]>(kSmallBlockSize);
    block.capacity = kSmallBlockSize;
  } else if (want <= kBlockSize) {
    block.owned = spare_ ? std::move(spare_) : std::make_unique<char[]>(kBlockSize);
    block.capacity = kBlockSize;
  } else {
    block.owned = std::make_unique<char[]>(want);
    block.capacity = want;
  }
  memory_bytes_ += block.capacity;
  blocks_.push_back(std::move(block));
  return blocks_.back();
}

void OutputBuffer::Append(std::string_view bytes) {
  if (bytes.empty()) return;
  size_ += bytes.size();
  // Fill the tail's free space first so small replies pack densely.
  if (!blocks_.empty()) {
    Block& tail = blocks_.back();
    if (tail.owned) {
      size_t n = std::min(bytes.size(), tail.capacity - tail.end);
      std::memcpy(tail.owned.get() + tail.end, bytes.data(), n);
      tail.end += n;
      bytes.remove_prefix(n);
      if (bytes.empty()) return;
    }
  }
  Block& block = WritableTail(bytes.size());
  std::memcpy(block.owned.get() + block.end, bytes.data(), bytes.size());
  block.end += bytes.size();
}

void OutputBuffer::AppendShared(const std::shared_ptr<const std::string>& frame) {
  if (!frame || frame->empty()) return;
  const std::string_view bytes = *frame;
  // A small frame (most pub/sub messages) is copied: a block and an iovec of
  // its own cost more than the bytes, and consecutive messages then pack
  // into one block and one send. Encoding still happens once per PUBLISH.
  if (bytes.size() < kCopySharedBelow) return Append(bytes);
  AppendReferenced(bytes, frame);
  memory_bytes_ += bytes.size();  // heap that stays alive while we hold it
  blocks_.back().capacity = bytes.size();
}

void OutputBuffer::AppendReferenced(std::string_view bytes, std::shared_ptr<const void> owner) {
  if (bytes.empty()) return;
  Block block;
  block.referenced = bytes.data();
  block.owner = std::move(owner);
  block.end = bytes.size();
  size_ += bytes.size();
  blocks_.push_back(std::move(block));
}

int OutputBuffer::PrepareSend(iovec* iov, int max_iov) const {
  int n = 0;
  for (const Block& block : blocks_) {
    if (n == max_iov) break;
    if (block.end == block.begin) continue;
    iov[n].iov_base = const_cast<char*>(block.data() + block.begin);
    iov[n].iov_len = block.end - block.begin;
    ++n;
  }
  return n;
}

void OutputBuffer::ConsumeSent(size_t n) {
  size_ -= n;
  // Invariant: only the tail block may be empty, so the loop stops at the
  // first block that still holds unsent bytes.
  while (!blocks_.empty()) {
    Block& head = blocks_.front();
    size_t take = std::min(n, head.end - head.begin);
    head.begin += take;
    n -= take;
    if (head.begin < head.end) break;
    // A drained standard tail block is rewound instead of freed. An
    // exact-size block (one large reply) is freed: rewinding it would pin
    // its memory to the connection for as long as it lives.
    if (blocks_.size() == 1 && head.owned && head.capacity == kBlockSize) {
      head.begin = head.end = 0;
      break;
    }
    memory_bytes_ -= head.capacity;  // a referenced block: 0, or a shared frame's size
    if (head.owned && head.capacity == kBlockSize && !spare_) spare_ = std::move(head.owned);
    blocks_.pop_front();
  }
}

void OutputBuffer::Clear() {
  blocks_.clear();
  size_ = 0;
  memory_bytes_ = 0;
}

}  // namespace runnel::io
