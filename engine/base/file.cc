#include "engine/base/file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/base/strings.h"

namespace runnel::base {
namespace {

// Closes a descriptor on every return path.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

absl::Status WriteAll(int fd, std::string_view data, uint64_t offset, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ErrnoStatus(int error, std::string_view operation, std::string_view path) {
  std::string message = StrCat(operation, " ", path, ": ", strerror(error));
  switch (error) {
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(message);
    case ENOENT:
      return absl::NotFoundError(message);
    case EEXIST:
      return absl::AlreadyExistsError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<std::shared_ptr<MappedFile>> MappedFile::Create(const std::string& path,
                                                                uint64_t size) {
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "create", path);
  FdCloser closer(fd);
  // The blocks are reserved now: after this, stores through the mapping cannot
  // fail for lack of space. (glibc's posix_fallocate writes a byte per block
  // where the filesystem has no fallocate, so the promise holds everywhere.)
  const int error = posix_fallocate(fd, 0, static_cast<off_t>(size));
  if (error != 0) {
    unlink(path.c_str());
    return ErrnoStatus(error, "fallocate", path);
  }
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) {
    const int mmap_error = errno;
    unlink(path.c_str());
    return ErrnoStatus(mmap_error, "mmap", path);
  }
  return std::shared_ptr<MappedFile>(
      new MappedFile(path, static_cast<char*>(data), size, Access::kReadWrite));
}

absl::StatusOr<std::shared_ptr<MappedFile>> MappedFile::Open(const std::string& path,
                                                              Access access) {
  const bool writable = access == Access::kReadWrite;
  const int fd = open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  FdCloser closer(fd);
  struct stat info;
  if (fstat(fd, &info) != 0) return ErrnoStatus(errno, "stat", path);
  const auto size = static_cast<uint64_t>(info.st_size);
  if (size == 0) return absl::DataLossError(StrCat("empty file ", path));
  void* data = mmap(nullptr, size, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) return ErrnoStatus(errno, "mmap", path);
  return std::shared_ptr<MappedFile>(new MappedFile(path, static_cast<char*>(data), size, access));
}

MappedFile::~MappedFile() { munmap(data_, size_); }

absl::Status MappedFile::Sync(uint64_t offset, uint64_t length) const {
  if (length == 0) return absl::OkStatus();
  // msync wants a page-aligned start.
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t start = offset & ~(page - 1);
  if (msync(data_ + start, offset + length - start, MS_SYNC) != 0) {
    return ErrnoStatus(errno, "msync", path_);
  }
  return absl::OkStatus();
}

void MappedFile::PrefaultForWrite(uint64_t offset, uint64_t length) {
#ifdef MADV_POPULATE_WRITE
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t start = offset & ~(page - 1);
  const uint64_t end = std::min(size_, offset + length);
  if (end > start) madvise(data_ + start, end - start, MADV_POPULATE_WRITE);
#endif
}

absl::Status CreateDirectories(const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, "mkdir", prefix);
    }
    if (slash == std::string::npos) break;
  }
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return ErrnoStatus(errno, "stat", path);
  if (!S_ISDIR(info.st_mode)) return absl::FailedPreconditionError(StrCat(path, " is not a directory"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ListDirectory(const std::string& path) {
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return ErrnoStatus(errno, "opendir", path);
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  closedir(dir);
  return names;
}

absl::Status SyncDirectory(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  FdCloser closer(fd);
  if (fsync(fd) != 0) return ErrnoStatus(errno, "fsync", path);
  return absl::OkStatus();
}

absl::Status RemoveTree(const std::string& path) {
  struct stat info;
  if (lstat(path.c_str(), &info) != 0) {
    return errno == ENOENT ? absl::OkStatus() : ErrnoStatus(errno, "stat", path);
  }
  if (S_ISDIR(info.st_mode)) {
    absl::StatusOr<std::vector<std::string>> names = ListDirectory(path);
    if (!names.ok()) return names.status();
    for (const std::string& name : *names) {
      absl::Status status = RemoveTree(StrCat(path, "/", name));
      if (!status.ok()) return status;
    }
    if (rmdir(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(errno, "rmdir", path);
    return absl::OkStatus();
  }
  return RemoveFile(path);
}

absl::Status RemoveFile(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(errno, "unlink", path);
  return absl::OkStatus();
}

absl::Status RenamePath(const std::string& from, const std::string& to) {
  if (rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus(errno, StrCat("rename ", from, " to"), to);
  return absl::OkStatus();
}

bool PathExists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

uint64_t DiskUsage(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return 0;
  return static_cast<uint64_t>(info.st_blocks) * 512;
}

absl::StatusOr<std::string> ReadFileRange(const std::string& path, uint64_t offset, size_t length) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  FdCloser closer(fd);
  std::string bytes(length, '\0');
  size_t done = 0;
  while (done < length) {
    const ssize_t n = pread(fd, bytes.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", path);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  FdCloser closer(fd);
  std::string contents;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", path);
    }
    if (n == 0) return contents;
    contents.append(buffer, static_cast<size_t>(n));
  }
}

absl::StatusOr<uint64_t> AppendToFile(const std::string& path, std::string_view data) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  FdCloser closer(fd);
  struct stat info;
  if (fstat(fd, &info) != 0) return ErrnoStatus(errno, "stat", path);
  const auto size = static_cast<uint64_t>(info.st_size);
  absl::Status status = WriteAll(fd, data, size, path);
  if (!status.ok()) {
    // Leave no partial record behind for the next reader to trip on.
    if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
      return ErrnoStatus(errno, "truncate after failed write", path);
    }
    return status;
  }
  return size;
}

absl::StatusOr<std::shared_ptr<AppendFile>> AppendFile::Open(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  struct stat info;
  if (fstat(fd, &info) != 0) {
    const int error = errno;
    close(fd);
    return ErrnoStatus(error, "stat", path);
  }
  return std::shared_ptr<AppendFile>(new AppendFile(path, fd, static_cast<uint64_t>(info.st_size)));
}

AppendFile::~AppendFile() { close(fd_); }

absl::Status AppendFile::Append(std::string_view data) {
  absl::Status status = WriteAll(fd_, data, size_, path_);
  if (!status.ok()) {
    // Leave no partial record behind for the next reader to trip on.
    if (ftruncate(fd_, static_cast<off_t>(size_)) != 0) return ErrnoStatus(errno, "truncate after failed write", path_);
    return status;
  }
  size_ += data.size();
  return absl::OkStatus();
}

absl::Status AppendFile::DataSync() const {
  if (fdatasync(fd_) != 0) return ErrnoStatus(errno, "fdatasync", path_);
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, std::string_view data) {
  const std::string temporary = StrCat(path, ".tmp");
  {
    const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus(errno, "create", temporary);
    FdCloser closer(fd);
    absl::Status status = WriteAll(fd, data, 0, temporary);
    if (status.ok() && fdatasync(fd) != 0) status = ErrnoStatus(errno, "fdatasync", temporary);
    if (!status.ok()) {
      unlink(temporary.c_str());
      return status;
    }
  }
  if (absl::Status status = RenamePath(temporary, path); !status.ok()) return status;
  return SyncDirectory(DirectoryOf(path));
}

absl::Status TruncateFile(const std::string& path, uint64_t size) {
  if (truncate(path.c_str(), static_cast<off_t>(size)) != 0) return ErrnoStatus(errno, "truncate", path);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> GrowFile(const std::string& path, uint64_t size) {
  const int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  FdCloser closer(fd);
  struct stat info;
  if (fstat(fd, &info) != 0) return ErrnoStatus(errno, "stat", path);
  const auto before = static_cast<uint64_t>(info.st_size);
  if (before < size) {
    const int error = posix_fallocate(fd, 0, static_cast<off_t>(size));
    if (error != 0) return ErrnoStatus(error, "fallocate", path);
  }
  return before;
}

absl::Status SyncFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  FdCloser closer(fd);
  if (fdatasync(fd) != 0) return ErrnoStatus(errno, "fdatasync", path);
  return absl::OkStatus();
}

}  // namespace runnel::base
