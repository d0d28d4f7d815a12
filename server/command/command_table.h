// CommandTable: every command the server answers, by name.
//
// Each command family registers its rows (RegisterServerCommands(table), ...);
// lookup is case-insensitive and allocation-free. A container command
// (CONFIG, CLIENT, COMMAND) resolves its subcommand from the second argument.
// Resolve() applies the checks every command shares — unknown name, unknown
// subcommand, arity — with Redis's exact error texts, so no handler re-checks.
//
// Built once at start-up, then read-only except for the per-command counters.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/base/string_map.h"
#include "server/command/command_spec.h"

namespace runnel::command {

// Per-command counters for INFO commandstats.
struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

// A spec ready for dispatch: the row, its full name ("config|get") and counters.
struct ResolvedCommand {
  const CommandSpec* spec = nullptr;
  const CommandSpec* parent = nullptr;  // the container, for a subcommand
  std::string full_name;                // "ping", "config|get"
  // Dense index in registration order (0 .. resolved_count()-1): ACL users
  // keep their allowed commands as a bitmap over it.
  size_t id = 0;
  // Counters change on every call while the table itself stays const.
  mutable CommandStats stats;
};

class CommandTable {
 public:
  CommandTable() = default;
  CommandTable(const CommandTable&) = delete;
  CommandTable& operator=(const CommandTable&) = delete;

  // Adds a command (with its subcommands). Names must be unique.
  void Register(CommandSpec spec);

  // Case-insensitive; nullptr when unknown.
  const CommandSpec* Find(std::string_view name) const;
  // The subcommand of `parent` named `name`, case-insensitively; nullptr when unknown.
  static const CommandSpec* FindSubcommand(const CommandSpec& parent, std::string_view name);

  // Finds the command (and subcommand) `args` names and checks arity. On
  // failure `error` holds Redis's reply text and `rejected` the command that
  // was found, if any (for INFO commandstats rejected_calls).
  struct Resolution {
    const ResolvedCommand* command = nullptr;  // null on error
    const ResolvedCommand* rejected = nullptr;
    std::string error;
  };
  Resolution Resolve(std::span<const std::string_view> args) const;

  // The resolved entry of a top-level command or "parent|sub"; nullptr when unknown.
  const ResolvedCommand* Lookup(std::string_view full_name) const;

  // Every top-level command, in registration order.
  const std::vector<const CommandSpec*>& commands() const { return order_; }
  size_t size() const { return order_.size(); }
  // Every resolved entry (commands and subcommands), for INFO commandstats.
  template <typename Fn>
  void ForEachResolved(Fn&& fn) const {
    for (const auto& r : resolved_) fn(*r);
  }
  size_t resolved_count() const { return resolved_.size(); }
  void ResetStats() const;  // counters are mutable; the table is not

 private:
  // Stable addresses: specs and resolved entries never move after Register.
  std::vector<std::unique_ptr<CommandSpec>> specs_;
  std::vector<const CommandSpec*> order_;
  base::StringMap<const CommandSpec*> by_name_;
  std::vector<std::unique_ptr<ResolvedCommand>> resolved_;
  base::StringMap<ResolvedCommand*> resolved_by_name_;
  absl::flat_hash_map<const CommandSpec*, ResolvedCommand*> resolved_by_spec_;
};

// Lower-cases an ASCII command name (Redis names are ASCII).
std::string AsciiLower(std::string_view s);

}  // namespace runnel::command
