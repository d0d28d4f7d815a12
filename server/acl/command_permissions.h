// CommandPermissions: which commands one ACL user may run, as a bitmap over
// the command table's resolved entries (ResolvedCommand::id), the way Redis
// keeps a bit per command id. Categories (+@read) are expanded into bits
// when the rule is applied, so checking a command is one bit test.
//
// Value type; a user holds one. Not thread-safe. The table passed to Apply
// and Describe must be the one the ids came from and outlive the calls.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "server/command/command_table.h"

namespace runnel::acl {

class CommandPermissions {
 public:
  // Nothing allowed (-@all).
  explicit CommandPermissions(size_t command_count) : allowed_(command_count, false) {}

  // Applies one rule: +cmd, -cmd, +cmd|sub, -cmd|sub, +@cat, -@cat,
  // allcommands, nocommands. InvalidArgument with Redis's reason text when
  // the command or category is unknown; the permissions are then unchanged.
  absl::Status Apply(std::string_view rule, const command::CommandTable& table);

  bool allowed(const command::ResolvedCommand& command) const { return allowed_[command.id]; }
  // Every command, with no exception: the dispatcher may skip the check.
  bool everything() const { return everything_; }

  // The rules as Redis 7.0's ACLDescribeSelectorCommandRules prints them:
  // "+@all" or "-@all", then each category the user holds mostly (or lacks
  // mostly), then the single commands that still differ.
  std::string Describe(const command::CommandTable& table) const;

 private:
  void SetAll(bool on);
  // Sets the bit of `command` and, for a container, of its subcommands.
  void SetCommand(const command::ResolvedCommand& command, bool on, const command::CommandTable& table);
  void SetCategory(uint32_t category, bool on, const command::CommandTable& table);

  std::vector<bool> allowed_;
  // Redis's "future commands" bit: set by +@all, cleared only by -@all.
  // Removing single commands keeps it, so "+@all -get" is still described
  // from +@all.
  bool all_commands_ = false;
  bool everything_ = false;  // all_commands_ and every bit set
};

}  // namespace runnel::acl
