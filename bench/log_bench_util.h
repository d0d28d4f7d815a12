// Shared pieces of the log engine benchmarks: a scratch directory on the real
// disk, random entry values, and the one-field entry every benchmark appends.
//
// Scratch directories live under $RUNNEL_BENCH_DIR (default /tmp) and are
// refused on tmpfs: mapped segments on tmpfs would measure shared memory,
// not the page cache of a filesystem that has to write the bytes back.
#pragma once

#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "engine/base/file.h"
#include "engine/base/strings.h"
#include "engine/log/entry_codec.h"
#include "engine/log/record_format.h"

namespace runnel::log::bench {

inline constexpr uint64_t kSegmentMaxBytes = 64ULL << 20;
// The field name of every benchmark entry (one field, as in the issue).
inline constexpr std::string_view kFieldName = "payload";

inline std::string BenchRoot() {
  const char* root = std::getenv("RUNNEL_BENCH_DIR");
  return root != nullptr && *root != '\0' ? root : "/tmp";
}

// True when `path` is on a tmpfs (or ramfs): not the real disk.
inline bool IsOnTmpfs(const std::string& path) {
  struct statfs info;
  if (statfs(path.c_str(), &info) != 0) return false;
  return info.f_type == TMPFS_MAGIC || info.f_type == RAMFS_MAGIC;
}

// A fresh directory under BenchRoot(), removed with everything in it on
// destruction. Aborts when the root is a tmpfs: such numbers would mislead.
class ScratchDir {
 public:
  ScratchDir() {
    const std::string root = BenchRoot();
    if (IsOnTmpfs(root)) {
      std::fprintf(stderr, "%s is a tmpfs; set RUNNEL_BENCH_DIR to a directory on a real disk\n", root.c_str());
      std::abort();
    }
    std::string pattern = base::StrCat(root, "/runnel-log-bench-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = std::move(pattern);
  }
  ~ScratchDir() { (void)base::RemoveTree(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// `size` random bytes (all 256 values), reproducible from `seed`.
inline std::string RandomBytes(size_t size, uint64_t seed = 42) {
  std::mt19937_64 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  return bytes;
}

// Random values of one size without a copy per entry: entry i takes the
// `value_size` bytes at a varying offset of a 1 MiB random pool, so values
// differ from entry to entry as they would in a real stream.
class ValuePool {
 public:
  explicit ValuePool(size_t value_size) : value_size_(value_size), pool_(RandomBytes((1 << 20) + value_size)) {}
  std::string_view Get(uint64_t i) const {
    return std::string_view(pool_).substr((i * 7919) % (pool_.size() - value_size_), value_size_);
  }

 private:
  size_t value_size_;
  std::string pool_;
};

// The ID of the i-th appended entry (0-based): one entry per millisecond.
inline RecordId EntryId(uint64_t i) { return RecordId{1700000000000 + i, 0}; }

}  // namespace runnel::log::bench
