// SyncAction: one thing the sync thread must make durable. Collected on the
// loop thread (which owns the logs) and run on the sync thread, so an action
// holds everything it needs: a reference to the mapping it syncs (keeping it
// mapped even if its segment is trimmed or evicted meanwhile), a shared open
// file (kept open, and so naming the same file, whatever happens to its
// path), or a path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/base/file.h"

namespace runnel::log {

struct SyncAction {
  enum class Kind : uint8_t {
    kMappedRange,  // msync of [offset, offset + length) of `mapping`
    kFile,         // fdatasync of `path` (a segment no longer mapped, a meta journal)
    kDirectory,    // fsync of directory `path` (new, renamed or removed files in it)
    kOpenFile,     // fdatasync of `file` (a consumer-group journal), by descriptor
  };
  Kind kind = Kind::kMappedRange;
  std::shared_ptr<const base::MappedFile> mapping;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string path;
  std::shared_ptr<const base::AppendFile> file;

  absl::Status Run() const;
};

}  // namespace runnel::log
