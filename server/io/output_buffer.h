// OutputBuffer: the bytes queued for one connection, in send order.
//
// Replies are appended by the command layer and sent by the event loop. The
// buffer is a chain of fixed-capacity blocks: a block never reallocates, so
// the loop may have a send in flight that points into the filled part of a
// block while new replies are appended after it. Large appends get a block of
// their own; a frame shared by many receivers (pub/sub fan-out) is referenced,
// not copied, and so are large values read from a segment mapping (zero-copy
// replies): such a block points into memory its owner keeps alive.
//
//   blocks_:  [ sent | unsent ]  [ unsent ]  [ shared frame ]  [ unsent | free ]
//               ^head_offset_                                         ^tail
//
// Not thread-safe; owned by the loop that serves the connection.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

namespace runnel::io {

class OutputBuffer {
 public:
  // Owned blocks hold this much; bigger appends get an exact-size block.
  static constexpr size_t kBlockSize = 16 * 1024;

  OutputBuffer() = default;
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  void Append(std::string_view bytes);
  void Append(char c) { Append(std::string_view(&c, 1)); }
  // Queues an immutable frame encoded once for many receivers (a pub/sub
  // message): referenced, and alive until sent, from kCopySharedBelow bytes
  // up; copied below that, where a block of its own costs more than the bytes.
  static constexpr size_t kCopySharedBelow = 1024;
  void AppendShared(const std::shared_ptr<const std::string>& frame);
  // Queues a reference to `bytes`, which `owner` keeps alive and unchanged
  // until they are sent (a segment's mapping: stream entries are immutable).
  // Not counted in memory_bytes(): it is not heap the connection holds.
  void AppendReferenced(std::string_view bytes, std::shared_ptr<const void> owner);

  // Bytes appended and not yet confirmed sent.
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Heap bytes held, including block slack; what client-output-buffer limits see.
  size_t memory_bytes() const { return memory_bytes_; }

  // Fills up to `max_iov` iovecs describing the unsent bytes from the head, in
  // order, and returns how many it filled. The memory they point to stays
  // valid and unchanged until ConsumeSent() releases it or the buffer dies,
  // whatever is appended meanwhile.
  int PrepareSend(iovec* iov, int max_iov) const;
  // Drops the first `n` unsent bytes (n <= size()), after a send reported them.
  void ConsumeSent(size_t n);
  // Drops everything. The loop calls it only when no send is in flight.
  void Clear();

 private:
  struct Block {
    std::unique_ptr<char[]> owned;         // null for referenced blocks
    const char* referenced = nullptr;      // bytes `owner` keeps alive
    std::shared_ptr<const void> owner;     // null for owned blocks
    size_t capacity = 0;  // owned: bytes allocated; referenced: heap counted in memory_bytes_
    size_t begin = 0;  // first unsent byte
    size_t end = 0;    // one past the last written byte
    const char* data() const { return owned ? owned.get() : referenced; }
  };
  // An owned block after a referenced one starts this small: a reply of many
  // referenced values interleaves them with a few framing bytes each (an
  // XRANGE entry's ID, array headers and the next value's length: ~50).
  static constexpr size_t kSmallBlockSize = 128;

  Block& WritableTail(size_t want);

  std::deque<Block> blocks_;
  std::unique_ptr<char[]> spare_;  // one recycled kBlockSize block: no allocation in steady state
  size_t size_ = 0;
  size_t memory_bytes_ = 0;
};

}  // namespace runnel::io
