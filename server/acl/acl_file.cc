#include "server/acl/acl_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <span>

#include "absl/container/flat_hash_set.h"
#include "engine/base/strings.h"

namespace runnel::acl {
namespace {

std::vector<std::string_view> SplitWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

// A user from the words of one line (after "user"), or the line's errors
// appended to `errors`: an unknown command names its rule; any other error
// only the first (later rules may depend on it), as Redis does.
std::optional<User> ParseUserLine(std::span<const std::string_view> words, std::string_view where,
                                  const command::CommandTable& table, ChannelDefault channels,
                                  std::string& errors) {
  User user(std::string(words[0]), table.resolved_count(), channels);
  bool ok = true, reported = false;
  for (std::string_view rule : words.subspan(1)) {
    absl::Status status = user.ApplyRule(rule, table);
    if (status.ok()) continue;
    ok = false;
    std::string_view reason = base::ToStd(status.message());
    if (reason == "Unknown command or category name in ACL") {
      base::StrAppend(&errors, where, ": Error in applying operation '", rule, "': ", reason, ". ");
    } else if (!reported) {
      base::StrAppend(&errors, where, ": ", reason, ". ");
      reported = true;
    }
  }
  if (!ok) return std::nullopt;
  return user;
}

}  // namespace

absl::StatusOr<std::vector<User>> ReadAclFile(const std::string& path, const command::CommandTable& table,
                                              ChannelDefault channels) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        base::StrCat("Error loading ACLs, opening file '", path, "': ", std::strerror(errno)));
  }
  std::vector<User> users;
  absl::flat_hash_set<std::string> names;
  std::string errors;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::vector<std::string_view> words = SplitWords(line);
    if (words.empty()) continue;  // blank lines are allowed; comments are not (as Redis 7.0)
    std::string where = base::StrCat(path, ":", number);
    if (words[0] != "user" || words.size() < 2) {
      base::StrAppend(&errors, where, " should start with user keyword followed by the username. ");
      continue;
    }
    if (!names.insert(std::string(words[1])).second) {
      base::StrAppend(&errors, "WARNING: Duplicate user '", words[1], "' found on line ", number, ". ");
      continue;
    }
    std::optional<User> user = ParseUserLine(std::span(words).subspan(1), where, table, channels, errors);
    if (user) users.push_back(std::move(*user));
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError(base::StrCat(
        errors, "WARNING: ACL errors detected, no change to the previously active ACL rules was performed"));
  }
  return users;
}

absl::Status WriteAclFile(const std::string& path, const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) base::StrAppend(&text, line, "\n");
  std::string temp = base::StrCat(path, ".tmp-", static_cast<int64_t>(::getpid()));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(base::StrCat("opening ", temp, ": ", std::strerror(errno)));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  // Synced before the rename, so the name never points at unwritten bytes.
  bool ok = done == text.size() && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    std::remove(temp.c_str());
    return absl::InternalError(base::StrCat("saving ", path, ": ", std::strerror(saved)));
  }
  return absl::OkStatus();
}

}  // namespace runnel::acl
