// Counts heap allocations, for tests that check a hot path allocates nothing.
// Replaces the global operator new, so include it in exactly one source file
// of a test binary. Sanitizers bring their own operator new: there the count
// is off and RUNNEL_COUNTS_ALLOCATIONS is 0 (tests skip).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define RUNNEL_COUNTS_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RUNNEL_COUNTS_ALLOCATIONS 0
#endif
#endif
#ifndef RUNNEL_COUNTS_ALLOCATIONS
#define RUNNEL_COUNTS_ALLOCATIONS 1
#endif

#if RUNNEL_COUNTS_ALLOCATIONS
namespace {
size_t g_allocations = 0;  // tests run on one thread
}  // namespace
// Out of line, so that GCC does not see free() paired with operator new.
__attribute__((noinline)) void* operator new(size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, size_t) noexcept { std::free(p); }
#endif
