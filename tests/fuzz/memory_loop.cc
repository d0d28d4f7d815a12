#include "tests/fuzz/memory_loop.h"

#include <poll.h>
#include <sys/uio.h>

#include <cstdlib>
#include <string>

namespace runnel::fuzz {

MemoryLoop::MemoryLoop(io::LoopHandler* handler, SentFn on_sent)
    : handler_(handler), on_sent_(std::move(on_sent)) {}

MemoryLoop::Slot* MemoryLoop::Find(io::ConnectionId id) {
  if (id.slot >= slots_.size()) return nullptr;
  Slot& slot = slots_[id.slot];
  return slot.open && slot.generation == id.generation ? &slot : nullptr;
}

const MemoryLoop::Slot* MemoryLoop::Find(io::ConnectionId id) const {
  return const_cast<MemoryLoop*>(this)->Find(id);
}

bool MemoryLoop::IsOpen(io::ConnectionId id) const {
  const Slot* slot = Find(id);
  return slot != nullptr && !slot->closing;
}

io::ConnectionId MemoryLoop::Connect() {
  uint32_t index = 0;
  while (index < slots_.size() && slots_[index].open) ++index;
  if (index == slots_.size()) slots_.emplace_back();
  Slot& slot = slots_[index];
  ++slot.generation;
  slot.open = true;
  slot.paused = false;
  slot.closing = false;
  slot.reading = true;
  slot.held_input.clear();
  slot.output = std::make_unique<io::OutputBuffer>();
  const io::ConnectionId id{index, slot.generation};
  io::PeerInfo peer;
  peer.address = "127.0.0.1:" + std::to_string(40000 + index);
  peer.local_address = "127.0.0.1:6379";
  handler_->OnOpen(id, peer);
  return id;
}

void MemoryLoop::Receive(io::ConnectionId id, std::string_view bytes) {
  Slot* slot = Find(id);
  if (slot == nullptr || slot->closing || bytes.empty()) return;
  if (slot->paused || !slot->held_input.empty()) {
    slot->held_input.append(bytes);
    return;
  }
  handler_->OnData(id, bytes);
}

void MemoryLoop::SetReading(io::ConnectionId id, bool reading) {
  if (Slot* slot = Find(id)) slot->reading = reading;
}

void MemoryLoop::Disconnect(io::ConnectionId id) {
  if (Find(id) != nullptr) Finish(id.slot);
}

io::OutputBuffer& MemoryLoop::Output(io::ConnectionId id) {
  Slot* slot = Find(id);
  // The server may only name live connections; anything else is its bug.
  if (slot == nullptr) std::abort();
  return *slot->output;
}

void MemoryLoop::Close(io::ConnectionId id, io::CloseMode mode) {
  Slot* slot = Find(id);
  if (slot == nullptr) return;
  // kNow wins over an earlier kAfterFlush, as in the real loops.
  if (!slot->closing || mode == io::CloseMode::kNow) slot->close_mode = mode;
  slot->closing = true;
}

void MemoryLoop::PauseReading(io::ConnectionId id, bool paused) {
  if (Slot* slot = Find(id)) slot->paused = paused;
}

void MemoryLoop::Turn() {
  // Input held while paused arrives first, as a real loop's recv would.
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    if (!slot.open || slot.closing || slot.paused || slot.held_input.empty()) continue;
    std::string input = std::move(slot.held_input);
    slot.held_input.clear();
    handler_->OnData({i, slot.generation}, input);
  }
  PollWakeFds();
  handler_->BeforeSleep();
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    if (!slot.open) continue;
    if (!slot.closing || slot.close_mode == io::CloseMode::kAfterFlush) Send(i);
    if (slot.closing) Finish(i);
  }
}

void MemoryLoop::Send(uint32_t index) {
  Slot& slot = slots_[index];
  const io::ConnectionId id{index, slot.generation};
  if (!slot.reading) return;
  iovec iov[64];
  while (!slot.output->empty()) {
    const int count = slot.output->PrepareSend(iov, 64);
    size_t sent = 0;
    for (int i = 0; i < count; ++i) {
      on_sent_(id, std::string_view(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len));
      sent += iov[i].iov_len;
    }
    slot.output->ConsumeSent(sent);
  }
}

void MemoryLoop::Finish(uint32_t index) {
  Slot& slot = slots_[index];
  const io::ConnectionId id{index, slot.generation};
  handler_->OnClose(id);
  slot.open = false;
  slot.closing = false;
  slot.held_input.clear();
  slot.output.reset();
}

void MemoryLoop::PollWakeFds() {
  for (int fd : wake_fds_) {
    pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
    if (poll(&ready, 1, 0) == 1 && (ready.revents & POLLIN)) handler_->OnWake(fd);
  }
}

}  // namespace runnel::fuzz
