// User: one ACL user — whether it is enabled, its passwords (SHA-256 hex,
// never the plain text), the commands it may run, the key patterns it may
// touch and the channel patterns it may use — and the rules (Redis's ACL
// SETUSER words) that change them.
//
// Channels are stored and described but not enforced (docs/security.md).
// Value type, owned by the UserTable; connections point at it, so the table
// keeps each User at a stable address. Not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "server/acl/command_permissions.h"
#include "server/command/command_table.h"

namespace runnel::acl {

class User {
 public:
  // A new user as ACL SETUSER creates it: off, no password, no keys, no
  // channels, no commands.
  User(std::string name, size_t command_count);

  // Applies one rule (on, off, >pass, <pass, #hash, !hash, nopass,
  // resetpass, +cmd, -cmd, +@cat, -@cat, allcommands, nocommands, ~pattern,
  // allkeys, resetkeys, &pattern, allchannels, resetchannels, reset).
  // InvalidArgument carries Redis's reason ("Syntax error", ...); the caller
  // applies a whole rule list to a copy so a failure changes nothing.
  absl::Status ApplyRule(std::string_view rule, const command::CommandTable& table);

  const std::string& name() const { return name_; }
  bool enabled() const { return enabled_; }
  bool nopass() const { return nopass_; }
  const std::vector<std::string>& password_hashes() const { return password_hashes_; }
  // Whether `password` opens this user (nopass: any password does). A
  // disabled user opens to nothing.
  bool CheckPassword(std::string_view password) const;

  // True when the user may run every command on every key: the dispatcher's
  // one-branch fast path, kept up to date by ApplyRule.
  bool unrestricted() const { return unrestricted_; }
  bool CanRun(const command::ResolvedCommand& command) const { return commands_.allowed(command); }
  bool CanAccessKey(std::string_view key) const;

  // ACL GETUSER's fields and ACL LIST's line, as Redis 7.0 prints them.
  std::vector<std::string_view> Flags() const;  // "on"/"off", "nopass"
  std::string DescribeCommands(const command::CommandTable& table) const;
  std::string DescribeKeys() const;      // "~*", "~a* ~b", or ""
  std::string DescribeChannels() const;  // "&*", "&a*", or ""
  // "user <name> on #<hash> ~* &* +@all" (Redis's ACLDescribeUser, after "user <name> ").
  std::string Describe(const command::CommandTable& table) const;

 private:
  absl::Status ApplyPasswordRule(std::string_view rule);
  absl::Status ApplyPatternRule(std::string_view rule);
  void Reset(const command::CommandTable& table);
  void UpdateUnrestricted();

  std::string name_;
  bool enabled_ = false;
  bool nopass_ = false;
  std::vector<std::string> password_hashes_;  // insertion order, no duplicates
  CommandPermissions commands_;
  bool all_keys_ = false;
  std::vector<std::string> key_patterns_;
  bool all_channels_ = false;
  std::vector<std::string> channel_patterns_;
  bool unrestricted_ = false;
};

}  // namespace runnel::acl
