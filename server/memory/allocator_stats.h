// AllocatorStats: the heap figures INFO memory reports and maxmemory is
// checked against, read from the allocator itself rather than estimated.
//
// Release builds link jemalloc as the process allocator. Its totals
// (stats.allocated, .active, .resident) need an `epoch` refresh that merges
// every arena's counters: about 25 µs measured (8 arenas on 2 cores), far
// too slow to pay per write. So the totals are refreshed by the server cron
// (hz times a second) and by INFO, and between refreshes used() adds what
// the loop thread allocated and freed since, from jemalloc's per-thread
// counters (thread.allocatedp / deallocatedp: two loads, a few ns). Each
// allocation or free on the loop, where keys live, shows at once, as
// Redis's own zmalloc counter does; other threads' (the sync thread's) show
// at the next refresh.
//
// Sanitizer builds cannot link jemalloc (ASan replaces malloc); there used()
// asks the sanitizer runtime for the bytes currently allocated, and
// builds with glibc's malloc read mallinfo2. Both read fresh every time.
//
// Not thread-safe: construct and use it on the loop thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace runnel::memory {

struct AllocatorTotals {
  size_t allocated = 0;  // bytes handed to the program
  size_t active = 0;     // bytes of pages holding allocations (allocated + their internal waste)
  size_t resident = 0;   // bytes of the allocator's memory in RAM; 0 when the allocator does not say
};

class AllocatorStats {
 public:
  // Binds used() to the calling thread's counters and reads the totals.
  AllocatorStats();

  // "jemalloc-5.3.0" or "libc", as INFO's mem_allocator.
  static std::string Name();

  // Re-reads the allocator's totals (the costly part; see above).
  void Refresh();
  // Heap bytes allocated now: INFO's used_memory, maxmemory's measure.
  size_t used() const;
  // The totals of the last Refresh().
  const AllocatorTotals& totals() const { return totals_; }

 private:
  AllocatorTotals totals_;
  // jemalloc's counters of the bound thread, and their difference at the
  // last refresh; null without jemalloc.
  const uint64_t* thread_allocated_ = nullptr;
  const uint64_t* thread_deallocated_ = nullptr;
  int64_t thread_net_at_refresh_ = 0;
};

}  // namespace runnel::memory
