#include "server/acl/command_permissions.h"

#include <algorithm>

#include "engine/base/strings.h"
#include "server/commands/command_info.h"

namespace runnel::acl {
namespace {

constexpr char kUnknownName[] = "Unknown command or category name in ACL";

// Entries that can run: a container without a handler (CONFIG) only
// resolves to its subcommands, so its own bit means nothing.
bool Runnable(const command::ResolvedCommand& command) { return command.spec->handler != nullptr; }

}  // namespace

void CommandPermissions::SetAll(bool on) {
  allowed_.assign(allowed_.size(), on);
  all_commands_ = on;
}

void CommandPermissions::SetCommand(const command::ResolvedCommand& command, bool on,
                                    const command::CommandTable& table) {
  allowed_[command.id] = on;
  if (command.parent != nullptr) return;
  for (const command::CommandSpec& sub : command.spec->subcommands) {
    const command::ResolvedCommand* resolved = table.Lookup(base::StrCat(command.full_name, "|", sub.name));
    if (resolved != nullptr) allowed_[resolved->id] = on;
  }
}

void CommandPermissions::SetCategory(uint32_t category, bool on, const command::CommandTable& table) {
  table.ForEachResolved([&](const command::ResolvedCommand& command) {
    if (EffectiveAclCategories(*command.spec) & category) allowed_[command.id] = on;
  });
}

absl::Status CommandPermissions::Apply(std::string_view rule, const command::CommandTable& table) {
  if (base::EqualsIgnoreCase(rule, "allcommands")) rule = "+@all";
  if (base::EqualsIgnoreCase(rule, "nocommands")) rule = "-@all";
  if (rule.size() < 2 || (rule[0] != '+' && rule[0] != '-')) return absl::InvalidArgumentError("Syntax error");
  const bool on = rule[0] == '+';
  std::string_view name = rule.substr(1);
  if (name[0] == '@') {
    std::string_view category = name.substr(1);
    if (base::EqualsIgnoreCase(category, "all")) {
      SetAll(on);
      everything_ = on;
      return absl::OkStatus();
    }
    uint32_t bit = AclCategoryBit(category);
    if (bit == 0) return absl::InvalidArgumentError(kUnknownName);
    SetCategory(bit, on, table);
  } else {
    const command::ResolvedCommand* command = table.Lookup(name);
    if (command == nullptr) return absl::InvalidArgumentError(kUnknownName);
    SetCommand(*command, on, table);
  }
  everything_ = all_commands_ && std::find(allowed_.begin(), allowed_.end(), false) == allowed_.end();
  return absl::OkStatus();
}

std::string CommandPermissions::Describe(const command::CommandTable& table) const {
  // Replays what is printed on a scratch bitmap, so the final pass lists
  // exactly the commands where the description and the user still differ.
  CommandPermissions replay(allowed_.size());
  const bool additive = !all_commands_;
  std::string rules = additive ? "-@all " : "+@all ";
  replay.SetAll(!additive);
  for (std::string_view category : AclCategoryNames()) {
    uint32_t bit = AclCategoryBit(category);
    size_t on = 0, off = 0;
    table.ForEachResolved([&](const command::ResolvedCommand& command) {
      if (!Runnable(command) || !(EffectiveAclCategories(*command.spec) & bit)) return;
      ++(allowed_[command.id] ? on : off);
    });
    if ((additive && on > off) || (!additive && off > on)) {
      base::StrAppend(&rules, additive ? "+@" : "-@", category, " ");
      replay.SetCategory(bit, additive, table);
    }
  }
  table.ForEachResolved([&](const command::ResolvedCommand& command) {
    if (!Runnable(command) || allowed_[command.id] == replay.allowed_[command.id]) return;
    base::StrAppend(&rules, allowed_[command.id] ? "+" : "-", command.full_name, " ");
  });
  rules.pop_back();  // the trailing space
  return rules;
}

}  // namespace runnel::acl
