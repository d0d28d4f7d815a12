// AllocatorStats over jemalloc's mallctl interface, or (without jemalloc)
// the sanitizer runtime or glibc's mallinfo2.
#include "server/memory/allocator_stats.h"

#if defined(RUNNEL_HAVE_JEMALLOC)
#include <jemalloc/jemalloc.h>
#else
#include <malloc.h>
#endif
#if defined(__SANITIZE_ADDRESS__)
// From the sanitizer runtime (declared here: g++ ships no header for it).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

#include "engine/base/strings.h"

namespace runnel::memory {
namespace {

#if defined(RUNNEL_HAVE_JEMALLOC)
template <typename T>
T ReadCtl(const char* name) {
  T value{};
  size_t size = sizeof(value);
  if (mallctl(name, &value, &size, nullptr, 0) != 0) return T{};
  return value;
}
#else
size_t CurrentAllocated() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
}
#endif

}  // namespace

AllocatorStats::AllocatorStats() {
#if defined(RUNNEL_HAVE_JEMALLOC)
  thread_allocated_ = ReadCtl<uint64_t*>("thread.allocatedp");
  thread_deallocated_ = ReadCtl<uint64_t*>("thread.deallocatedp");
#endif
  Refresh();
}

std::string AllocatorStats::Name() {
#if defined(RUNNEL_HAVE_JEMALLOC)
  // "5.3.0-0-g54eaed1d..." -> "jemalloc-5.3.0", as Redis prints it.
  std::string version = ReadCtl<const char*>("version");
  return base::StrCat("jemalloc-", version.substr(0, version.find('-')));
#else
  return "libc";
#endif
}

void AllocatorStats::Refresh() {
#if defined(RUNNEL_HAVE_JEMALLOC)
  uint64_t epoch = 1;
  size_t size = sizeof(epoch);
  mallctl("epoch", &epoch, &size, &epoch, size);
  totals_.allocated = ReadCtl<size_t>("stats.allocated");
  totals_.active = ReadCtl<size_t>("stats.active");
  totals_.resident = ReadCtl<size_t>("stats.resident");
  if (thread_allocated_ != nullptr && thread_deallocated_ != nullptr) {
    thread_net_at_refresh_ = static_cast<int64_t>(*thread_allocated_ - *thread_deallocated_);
  }
#else
  totals_.allocated = CurrentAllocated();
  totals_.active = totals_.allocated;
  totals_.resident = 0;
#endif
}

size_t AllocatorStats::used() const {
#if defined(RUNNEL_HAVE_JEMALLOC)
  if (thread_allocated_ == nullptr || thread_deallocated_ == nullptr) return totals_.allocated;
  const int64_t net = static_cast<int64_t>(*thread_allocated_ - *thread_deallocated_);
  const int64_t used = static_cast<int64_t>(totals_.allocated) + (net - thread_net_at_refresh_);
  return used > 0 ? static_cast<size_t>(used) : 0;
#else
  return CurrentAllocated();
#endif
}

}  // namespace runnel::memory
