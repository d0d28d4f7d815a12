// Files for the log engine: memory-mapped segment files and the few directory
// operations the engine needs, with errno turned into absl::Status.
//
// Error mapping (callers rely on it): ENOSPC and EDQUOT -> ResourceExhausted
// (a full disk), ENOENT -> NotFound, EEXIST -> AlreadyExists, anything else ->
// Internal with the operation, path and strerror in the message.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace runnel::base {

absl::Status ErrnoStatus(int error, std::string_view operation, std::string_view path);

// A whole file mapped MAP_SHARED. The descriptor is closed once mapped (the
// mapping keeps the file alive), so an open mapping costs no descriptor;
// Sync() uses msync(MS_SYNC), which makes the range durable like fdatasync.
//
// Not thread-safe for writes; Sync() may run on another thread while the
// owner writes elsewhere in the file. Unmapped on destruction: readers hold a
// shared_ptr, so a file trimmed (unlinked) under them stays readable.
class MappedFile {
 public:
  enum class Access : uint8_t { kReadOnly, kReadWrite };

  // Creates `path` (which must not exist) with `size` bytes allocated on disk
  // by fallocate, so writes through the mapping never meet a full disk (a
  // SIGBUS); ENOSPC is returned here instead and the partial file removed.
  static absl::StatusOr<std::shared_ptr<MappedFile>> Create(const std::string& path, uint64_t size);
  // Maps an existing file in full.
  static absl::StatusOr<std::shared_ptr<MappedFile>> Open(const std::string& path, Access access);

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  bool writable() const { return access_ == Access::kReadWrite; }
  std::string_view contents() const { return {data_, size_}; }
  // Writable bytes; only for a kReadWrite mapping.
  char* mutable_data() { return data_; }

  // Makes bytes [offset, offset + length) durable.
  absl::Status Sync(uint64_t offset, uint64_t length) const;
  // Asks the kernel to fault in [offset, offset + length) for writing ahead
  // of the writer, so appends do not take a page fault per 4 KiB. Best effort.
  void PrefaultForWrite(uint64_t offset, uint64_t length);

 private:
  MappedFile(std::string path, char* data, uint64_t size, Access access)
      : path_(std::move(path)), data_(data), size_(size), access_(access) {}

  std::string path_;
  char* data_;
  uint64_t size_;
  Access access_;
};

// A file open for appending, shared (shared_ptr) between its writer on the
// loop thread and the sync thread: a sync handed to a batch holds the
// descriptor, so it stays valid (and names the same file) even if the owner
// closes it, renames the directory or replaces the file meanwhile. The
// descriptor is closed when the last holder lets go.
//
// Thread-safety: Append and Truncate on the owner's thread only; DataSync
// may run concurrently on another thread.
class AppendFile {
 public:
  // Opens `path` for writing, creating it (empty) if missing.
  static absl::StatusOr<std::shared_ptr<AppendFile>> Open(const std::string& path);
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  ~AppendFile();

  uint64_t size() const { return size_; }
  // Writes `data` at size() (one pwrite(2) unless the kernel writes less).
  // On failure (ResourceExhausted for a full disk) the file is cut back to
  // its size before, so no partial record is left for a reader.
  absl::Status Append(std::string_view data);
  // fdatasync(2): makes every byte appended before the call durable.
  absl::Status DataSync() const;
  // `path` is only named in error messages (the file may have moved since).
  const std::string& path() const { return path_; }

 private:
  AppendFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  std::string path_;
  int fd_;
  uint64_t size_;
};

// mkdir -p.
absl::Status CreateDirectories(const std::string& path);
// Names in a directory (no "." or ".."); NotFound when it does not exist.
absl::StatusOr<std::vector<std::string>> ListDirectory(const std::string& path);
// fsync of a directory, making creations, renames and unlinks in it durable.
absl::Status SyncDirectory(const std::string& path);
// rm -rf; OK when the path does not exist.
absl::Status RemoveTree(const std::string& path);
absl::Status RemoveFile(const std::string& path);
absl::Status RenamePath(const std::string& from, const std::string& to);
bool PathExists(const std::string& path);
// The bytes a file occupies on disk (st_blocks * 512), 0 when it is missing.
uint64_t DiskUsage(const std::string& path);

// Reads up to `length` bytes at `offset` (fewer at the end of the file).
absl::StatusOr<std::string> ReadFileRange(const std::string& path, uint64_t offset, size_t length);
// Reads a whole small file (journals, key files).
absl::StatusOr<std::string> ReadSmallFile(const std::string& path);
// Appends bytes at the end of `path` (created if missing); returns the size before.
absl::StatusOr<uint64_t> AppendToFile(const std::string& path, std::string_view data);
// Writes `data` to `path` atomically: a temporary file, fsync, rename, fsync of
// the directory.
absl::Status WriteFileAtomically(const std::string& path, std::string_view data);
absl::Status TruncateFile(const std::string& path, uint64_t size);
// Grows `path` to `size` bytes, allocated on disk as MappedFile::Create
// allocates (a longer file is left as it is); returns the size it had.
absl::StatusOr<uint64_t> GrowFile(const std::string& path, uint64_t size);
// fdatasync of a file by path (opens and closes it).
absl::Status SyncFile(const std::string& path);

}  // namespace runnel::base
