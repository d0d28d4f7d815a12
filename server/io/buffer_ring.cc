#include "server/io/buffer_ring.h"

#include <sys/mman.h>

#include <cstring>

#include "engine/base/strings.h"

namespace runnel::io {
namespace {

// The kernel's limit on entries of one provided-buffer ring.
constexpr unsigned kMaxBuffers = 32768;

unsigned RoundUpToPowerOfTwo(unsigned n) {
  unsigned p = 1;
  while (p < n) p <<= 1;
  return p;
}

void* MapAnonymous(size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BufferRing>> BufferRing::Create(io_uring* ring, uint16_t group,
                                                               unsigned count, unsigned size) {
  if (count == 0 || size == 0) return absl::InvalidArgumentError("empty recv buffer ring");
  std::unique_ptr<BufferRing> br(new BufferRing());
  br->group_ = group;
  br->count_ = RoundUpToPowerOfTwo(count < kMaxBuffers ? count : kMaxBuffers);
  br->size_ = size;
  // mmap gives page-aligned memory, which registration requires of the ring.
  br->ring_bytes_ = br->count_ * sizeof(io_uring_buf);
  br->buffers_bytes_ = size_t{br->count_} * size;
  br->ring_ = static_cast<io_uring_buf_ring*>(MapAnonymous(br->ring_bytes_));
  br->buffers_ = static_cast<char*>(MapAnonymous(br->buffers_bytes_));
  if (br->ring_ == nullptr || br->buffers_ == nullptr) {
    return absl::ResourceExhaustedError(base::StrCat("mmap recv buffers: ", strerror(errno)));
  }
  io_uring_buf_ring_init(br->ring_);

  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(br->ring_);
  reg.ring_entries = br->count_;
  reg.bgid = group;
  int ret = io_uring_register_buf_ring(ring, &reg, 0);
  if (ret < 0) {
    return absl::UnavailableError(base::StrCat("register buffer ring: ", strerror(-ret)));
  }
  int mask = io_uring_buf_ring_mask(br->count_);
  for (unsigned id = 0; id < br->count_; ++id) {
    io_uring_buf_ring_add(br->ring_, br->buffers_ + size_t{id} * size, size,
                          static_cast<uint16_t>(id), mask, static_cast<int>(id));
  }
  io_uring_buf_ring_advance(br->ring_, static_cast<int>(br->count_));
  return br;
}

BufferRing::~BufferRing() {
  if (ring_ != nullptr) munmap(ring_, ring_bytes_);
  if (buffers_ != nullptr) munmap(buffers_, buffers_bytes_);
}

void BufferRing::Recycle(uint16_t id) {
  // Offset 0 from the current tail, then publish it: one release store.
  io_uring_buf_ring_add(ring_, buffers_ + size_t{id} * size_, size_, id,
                        io_uring_buf_ring_mask(count_), 0);
  io_uring_buf_ring_advance(ring_, 1);
}

}  // namespace runnel::io
