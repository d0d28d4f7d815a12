// Log verification: finding the streams of a data directory or the one
// stream of a stream directory, as LogManager::OpenAll finds them.
#include "engine/log/log_verifier.h"

#include <algorithm>
#include <charconv>

#include "absl/strings/str_format.h"
#include "engine/base/file.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/log/segment_naming.h"
#include "engine/log/stream_directory.h"

namespace runnel::log {
namespace {

std::optional<int> ParseDatabase(std::string_view name) {
  int db = -1;
  auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), db);
  if (error != std::errc() || end != name.data() + name.size() || db < 0) return std::nullopt;
  return db;
}

std::string WithoutTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view Parent(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

bool HoldsLogFiles(const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(), [](const std::string& name) {
    return name == kMetaFileName || name == kGroupsFileName || ParseSegmentFileName(name).has_value();
  });
}

absl::StatusOr<std::vector<StreamLocation>> FindStreamsUnder(const std::string& root) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, base::ListDirectory(root));
  std::vector<std::pair<int, std::string>> databases;
  for (std::string& name : names) {
    if (std::optional<int> db = ParseDatabase(name)) databases.emplace_back(*db, std::move(name));
  }
  std::sort(databases.begin(), databases.end());
  std::vector<StreamLocation> streams;
  for (const auto& [db, db_name] : databases) {
    const std::string db_directory = base::StrCat(root, "/", db_name);
    ASSIGN_OR_RETURN(std::vector<std::string> stream_names, base::ListDirectory(db_directory));
    std::sort(stream_names.begin(), stream_names.end());
    for (const std::string& name : stream_names) {
      if (name.starts_with(".")) continue;
      std::string directory = base::StrCat(db_directory, "/", name);
      std::optional<std::string> key = KeyOfStreamDirectory(directory, name);
      streams.push_back(StreamLocation{.directory = std::move(directory), .db = db, .key = std::move(key)});
    }
  }
  return streams;
}

StreamLocation LocateStreamDirectory(std::string directory) {
  StreamLocation location;
  const std::string_view parent = Parent(directory);
  if (BaseName(Parent(parent)) == "streams") location.db = ParseDatabase(BaseName(parent)).value_or(-1);
  location.key = KeyOfStreamDirectory(directory, BaseName(directory));
  location.directory = std::move(directory);
  return location;
}

}  // namespace

absl::StatusOr<std::vector<StreamLocation>> FindStreams(const std::string& path) {
  const std::string directory = WithoutTrailingSlashes(path);
  const std::string root = StreamsRoot(directory);
  if (base::PathExists(root)) return FindStreamsUnder(root);
  ASSIGN_OR_RETURN(std::vector<std::string> names, base::ListDirectory(directory));
  if (!HoldsLogFiles(names)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is neither a data directory (no streams/) nor a stream directory (no segments, no meta journal)",
        directory));
  }
  return std::vector<StreamLocation>{LocateStreamDirectory(directory)};
}

}  // namespace runnel::log
