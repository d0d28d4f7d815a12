// The aclfile: one user a line, `user <name> <rule> <rule> ...`, as Redis's
// ACL LIST prints them and ACL SAVE writes them (docs/security.md). Reading
// is all or nothing, as Redis's ACLLoadFromFile: every line is checked and
// every error collected before anything changes.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/acl/user.h"
#include "server/command/command_table.h"

namespace runnel::acl {

// The users `path` describes, `default` first (as Redis, a file without a
// `default` line gives `default` its initial rules). On failure the message
// is Redis's text without "ERR ": every error found, each naming
// "<path>:<line>", then "WARNING: ACL errors detected, no change to the
// previously active ACL rules was performed". A line's user starts with the
// channels `channels` gives (acl-pubsub-default).
absl::StatusOr<std::vector<User>> ReadAclFile(const std::string& path, const command::CommandTable& table,
                                              ChannelDefault channels = ChannelDefault::kResetChannels);

// Writes `lines` (ACL LIST's, without the trailing newlines) to `path`
// through a temporary file renamed over it, so a crash leaves the old file
// or the new one, never half of one.
absl::Status WriteAclFile(const std::string& path, const std::vector<std::string>& lines);

}  // namespace runnel::acl
