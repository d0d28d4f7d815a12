// EventLoop::Create: picks the backend, falling back from io_uring to epoll.
#include "server/io/event_loop.h"

#include "engine/base/logging.h"
#include "server/io/epoll_loop.h"
#include "server/io/tls/tls_context.h"
#include "server/io/uring_loop.h"

namespace runnel::io {

absl::StatusOr<std::unique_ptr<EventLoop>> EventLoop::Create(const LoopOptions& options,
                                                             LoopHandler* handler) {
  if (options.backend == IoBackend::kUring) {
    auto uring = UringLoop::Create(options, handler);
    if (uring.ok()) return std::unique_ptr<EventLoop>(std::move(*uring));
    // One line, so an operator sees why the configured backend is not used.
    RUNNEL_LOG_WARNING("io_uring unavailable (%s); using epoll", uring.status().message());
  }
  auto epoll = EpollLoop::Create(options, handler);
  if (!epoll.ok()) return epoll.status();
  return std::unique_ptr<EventLoop>(std::move(*epoll));
}

void EventLoop::SetTlsContext(std::unique_ptr<tls::TlsContext> context) {}

std::string_view IoBackendName(IoBackend backend) {
  switch (backend) {
    case IoBackend::kUring:
      return "uring";
    case IoBackend::kEpoll:
      return "epoll";
  }
  return "unknown";
}

}  // namespace runnel::io
