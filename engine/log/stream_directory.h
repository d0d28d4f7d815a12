// The key a stream directory holds, and moving a stream to another key's
// directory (RENAME). One rule for the server (LogManager::OpenAll) and the
// verifier (runnel-check), so both agree on which directories are streams.
//
// A hashed directory name (segment_naming.h) keeps its key in the "key"
// file. RENAME to a hashed name writes the new key as "key.next" inside the
// directory, renames the directory, then renames "key.next" over "key"; a
// crash between leaves a directory whose "key" names the old key and whose
// "key.next" names the new one, so the reader accepts either file when its
// key encodes to the directory's name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace runnel::log {

class Log;

inline constexpr std::string_view kNextKeyFileName = "key.next";

// The key of the stream directory at `path`, whose name is `name`; nullopt
// when it is not a stream's (a name that does not re-encode to itself, a
// hashed name without a matching key file).
std::optional<std::string> KeyOfStreamDirectory(const std::string& path, std::string_view name);

// Moves `log` to the directory of `key` beside its current one (same
// database). The destination must not exist.
absl::Status MoveLogToKey(Log& log, std::string_view key);

}  // namespace runnel::log
