// FifoRing<T>: a queue that reuses its storage — a power-of-two ring that
// doubles when full and never shrinks, so a connection's requests in flight
// (or the keys of its pending GETs) cost no allocation in steady state.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <vector>

namespace runnel::bench {

template <typename T>
class FifoRing {
 public:
  FifoRing() : slots_(16) {}
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  const T& front() const { return slots_[head_]; }
  void Push(const T& value) {
    if (count_ == slots_.size()) Grow();
    slots_[(head_ + count_++) & (slots_.size() - 1)] = value;
  }
  T Pop() {
    const T value = slots_[head_];
    head_ = (head_ + 1) & (slots_.size() - 1);
    --count_;
    return value;
  }

 private:
  void Grow() {
    std::vector<T> bigger(slots_.size() * 2);
    for (size_t i = 0; i < count_; ++i) bigger[i] = slots_[(head_ + i) & (slots_.size() - 1)];
    slots_ = std::move(bigger);
    head_ = 0;
  }
  std::vector<T> slots_;  // size is a power of two
  size_t head_ = 0;
  size_t count_ = 0;
};

}  // namespace runnel::bench
