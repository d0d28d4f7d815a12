#include "engine/log/stream_directory.h"

#include "engine/base/file.h"
#include "engine/base/logging.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/log.h"
#include "engine/log/segment_naming.h"

namespace runnel::log {

std::optional<std::string> KeyOfStreamDirectory(const std::string& path, std::string_view name) {
  if (IsHashedKeyName(name)) {
    for (std::string_view file : {kKeyFileName, kNextKeyFileName}) {
      absl::StatusOr<std::string> stored = base::ReadSmallFile(base::StrCat(path, "/", file));
      if (stored.ok() && EncodeKeyName(*stored) == name) return *std::move(stored);
    }
    return std::nullopt;
  }
  std::optional<std::string> key = DecodeKeyName(name);
  if (key.has_value() && EncodeKeyName(*key) != name) key.reset();
  return key;
}

absl::Status MoveLogToKey(Log& log, std::string_view key) {
  const std::string& old_directory = log.directory();
  const std::string name = EncodeKeyName(key);
  const std::string directory = base::StrCat(old_directory.substr(0, old_directory.rfind('/')), "/", name);
  const bool hashed = IsHashedKeyName(name);
  if (hashed) {
    // Durable before the directory takes the new name (see the header).
    RETURN_IF_ERROR(base::WriteFileAtomically(base::StrCat(old_directory, "/", kNextKeyFileName), key));
  }
  RETURN_IF_ERROR(log.MoveTo(directory));
  // The stream has moved: from here a failure only leaves files that every
  // reader copes with (key.next is accepted; an escaped name ignores "key"),
  // so it is logged, not returned as a failed rename.
  const std::string key_file = base::StrCat(directory, "/", kKeyFileName);
  absl::Status tidy = absl::OkStatus();
  if (hashed) {
    tidy = base::RenamePath(base::StrCat(directory, "/", kNextKeyFileName), key_file);
  } else if (base::PathExists(key_file)) {
    tidy = base::RemoveFile(key_file);  // left from a hashed old name
  }
  if (!tidy.ok()) RUNNEL_LOG_WARNING("Renamed stream directory %s: %s", directory, tidy.message());
  return absl::OkStatus();
}

}  // namespace runnel::log
