// Helpers for the log engine's unit tests: a temporary directory, entry
// builders, a reader that collects entries, and byte-level file surgery in
// the manner of LevelDB's log_test (IncrementByte, ShrinkSize).
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/base/file.h"
#include "engine/log/log.h"
#include "gtest/gtest.h"

namespace runnel::log::testing {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/runnel-log-test-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { (void)base::RemoveTree(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Entry {
  RecordId id;
  std::vector<std::pair<std::string, std::string>> fields;
  friend bool operator==(const Entry&, const Entry&) = default;
};

inline std::vector<FieldValue> Fields(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<FieldValue> fields;
  for (const auto& [field, value] : pairs) fields.push_back(FieldValue{field, value});
  return fields;
}

inline absl::Status AppendEntry(Log& log, RecordId id, const std::vector<std::pair<std::string, std::string>>& pairs) {
  const std::vector<FieldValue> fields = Fields(pairs);
  return log.Append(id, fields);
}

// Every live entry in [from, to], in `direction` order.
inline std::vector<Entry> ReadAll(Log& log, RecordId from = kMinRecordId, RecordId to = kMaxRecordId,
                                  ScanDirection direction = ScanDirection::kForward,
                                  absl::Status* status = nullptr) {
  std::vector<Entry> entries;
  absl::Status result = log.Scan(from, to, direction, [&](RecordId id, EntryView& view) {
    Entry entry{id, {}};
    std::string_view field, value;
    while (view.Next(&field, &value)) entry.fields.emplace_back(std::string(field), std::string(value));
    entries.push_back(std::move(entry));
    return true;
  });
  if (status != nullptr) *status = result;
  else EXPECT_TRUE(result.ok()) << result;
  return entries;
}

inline std::vector<uint64_t> Millis(const std::vector<Entry>& entries) {
  std::vector<uint64_t> ms;
  for (const Entry& entry : entries) ms.push_back(entry.id.ms);
  return ms;
}

inline uint64_t FileSize(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 ? static_cast<uint64_t>(info.st_size) : 0;
}

// XORs one byte of a file with `mask`.
inline void FlipByte(const std::string& path, uint64_t offset, unsigned char mask = 0x01) {
  const int fd = open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  unsigned char byte;
  ASSERT_EQ(pread(fd, &byte, 1, static_cast<off_t>(offset)), 1);
  byte ^= mask;
  ASSERT_EQ(pwrite(fd, &byte, 1, static_cast<off_t>(offset)), 1);
  close(fd);
}

// Zeroes bytes [from, to) of a file: a write that never reached the disk.
inline void ZeroRange(const std::string& path, uint64_t from, uint64_t to) {
  const int fd = open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  const std::string zeros(to - from, '\0');
  ASSERT_EQ(pwrite(fd, zeros.data(), zeros.size(), static_cast<off_t>(from)), static_cast<ssize_t>(zeros.size()));
  close(fd);
}

}  // namespace runnel::log::testing
