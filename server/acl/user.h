// User: one ACL user — whether it is enabled, its passwords (SHA-256 hex,
// never the plain text), the commands it may run, the key patterns it may
// touch and the channel patterns it may use — and the rules (Redis's ACL
// SETUSER words) that change them.
//
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

// acl-pubsub-default: the channels a new (or `reset`) user starts with.
// Redis 7.0's default is kResetChannels (none).
enum class ChannelDefault : uint8_t { kResetChannels, kAllChannels };

class User {
 public:
  // A new user as ACL SETUSER creates it: off, no password, no keys, no
  // commands, and the channels `channels` says.
  User(std::string name, size_t command_count, ChannelDefault channels = ChannelDefault::kResetChannels);

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

  // True when the user may run every command on every key and channel: the dispatcher's
  // one-branch fast path, kept up to date by ApplyRule.
  bool unrestricted() const { return unrestricted_; }
  bool CanRun(const command::ResolvedCommand& command) const { return commands_.allowed(command); }
  bool CanAccessKey(std::string_view key) const;
  // Redis's ACLCheckChannelAgainstList: a channel matches a pattern as a
  // glob; a PSUBSCRIBE pattern (`is_pattern`) must equal a permitted
  // pattern literally, so "ch*" does not open "c*".
  enum class ChannelUse : uint8_t { kChannel, kPattern };
  bool CanAccessChannel(std::string_view channel, ChannelUse use) const;
  bool all_channels() const { return all_channels_; }
  const std::vector<std::string>& channel_patterns() const { return channel_patterns_; }
  // What `reset` gives channels (acl-pubsub-default when the rules apply).
  void set_channel_default(ChannelDefault channels) { channel_default_ = channels; }

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
  ChannelDefault channel_default_ = ChannelDefault::kResetChannels;
};

}  // namespace runnel::acl
