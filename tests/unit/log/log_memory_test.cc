// Entry bodies live in the file mappings, never on the heap: appending a
// large volume grows file-backed memory (page cache), not anonymous memory.
#include <fstream>
#include <string>

#include "engine/log/log.h"
#include "engine/log/mapping_cache.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::log {
namespace {

// RssAnon from /proc/self/status, in bytes.
uint64_t AnonymousRss() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssAnon:", 0) == 0) return std::stoull(line.substr(8)) * 1024;
  }
  return 0;
}

TEST(LogMemoryTest, AppendingHundredsOfMegabytesKeepsAnonymousMemoryFlat) {
  testing::TempDir temp;
  MappingCache cache(64);
  LogOptions options{.segment_max_bytes = 64ULL << 20, .cache = &cache};
  auto log = Log::Create(temp.path() + "/big", options);
  ASSERT_TRUE(log.ok());
  const std::string value(1024, 'v');
  const FieldValue fields[] = {{"payload", value}};
  constexpr uint64_t kEntries = 256 * 1024;  // 256 MiB of values
  // Warm up: the first segments and the allocator's own first pages.
  for (uint64_t ms = 1; ms <= 1000; ++ms) ASSERT_TRUE((*log)->Append({ms, 0}, fields).ok());
  const uint64_t before = AnonymousRss();
  for (uint64_t ms = 1001; ms <= kEntries; ++ms) {
    ASSERT_TRUE((*log)->Append({ms, 0}, fields).ok());
  }
  const uint64_t after = AnonymousRss();
  EXPECT_EQ((*log)->length(), kEntries);
  // The sparse index (one point per 16 KiB) is the only per-byte heap cost:
  // about 640 KiB here. Allow a few MiB for the allocator.
  uint64_t allowed = 4 << 20;
#if defined(__SANITIZE_ADDRESS__)
  // ASan writes one shadow byte per 8 bytes of every new mapping: anonymous
  // memory of its own, proportional to the segments mapped, not to the data.
  for (size_t i = 0; i < (*log)->segment_count(); ++i) allowed += (*log)->segment(i).capacity() / 8;
#endif
  EXPECT_LT(after - std::min(after, before), allowed) << "before " << before << " after " << after;
}

}  // namespace
}  // namespace runnel::log
