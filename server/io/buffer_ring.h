// BufferRing: the provided-buffer ring that multishot recv takes its buffers
// from (IORING_REGISTER_PBUF_RING, Linux 5.19+).
//
// Two anonymous mappings: the ring of buffer descriptors the kernel consumes
// (head, kernel-owned) and we refill (tail, ours), and the buffers themselves,
// `count` slices of `size` bytes with buffer id i at offset i * size:
//
//   descriptors: [ bid 3 | bid 0 | bid 1 | ... ]   tail advances as we Recycle()
//   buffers:     [ bid 0 ][ bid 1 ][ bid 2 ][ bid 3 ] ...
//
// A recv completion names the buffer it filled (cqe->flags >>
// IORING_CQE_BUFFER_SHIFT); the loop reads it, then recycles it. No buffer is
// ever allocated per recv. When every buffer is out, the recv ends with
// -ENOBUFS and the loop re-arms it after recycling.
//
// liburing 2.3 has no io_uring_setup_buf_ring(), so the memory is mapped here.
//
// Lifetime: the kernel writes into the buffers until the registration goes
// away, and the registration goes away with the ring. Destroy a BufferRing
// only after io_uring_queue_exit() of its ring. Not thread-safe.
#pragma once

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/statusor.h"

namespace runnel::io {

class BufferRing {
 public:
  // Maps and registers `count` buffers of `size` bytes as buffer group
  // `group` of `ring`, all handed to the kernel. `count` is rounded up to a
  // power of two (the ring's requirement) and capped at 32768.
  static absl::StatusOr<std::unique_ptr<BufferRing>> Create(io_uring* ring, uint16_t group,
                                                            unsigned count, unsigned size);
  ~BufferRing();
  BufferRing(const BufferRing&) = delete;
  BufferRing& operator=(const BufferRing&) = delete;

  uint16_t group() const { return group_; }
  unsigned count() const { return count_; }
  unsigned buffer_size() const { return size_; }

  // The first `length` bytes of buffer `id`, as a completion filled them.
  std::string_view Data(uint16_t id, size_t length) const {
    return std::string_view(buffers_ + size_t{id} * size_, length);
  }
  // Hands buffer `id` back to the kernel; its bytes must no longer be read.
  void Recycle(uint16_t id);

 private:
  BufferRing() = default;

  io_uring_buf_ring* ring_ = nullptr;
  size_t ring_bytes_ = 0;
  char* buffers_ = nullptr;
  size_t buffers_bytes_ = 0;
  uint16_t group_ = 0;
  unsigned count_ = 0;
  unsigned size_ = 0;
};

}  // namespace runnel::io
