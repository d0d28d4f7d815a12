#include "server/command/command_table.h"

#include <algorithm>
#include <cctype>

#include "engine/base/strings.h"

namespace runnel::command {
namespace {

// Longest command name we look up; longer names are unknown without a copy.
constexpr size_t kMaxNameLength = 64;

// Lower-cases `name` into `buf`; returns an empty view when it does not fit.
std::string_view LowerInto(std::string_view name, char (&buf)[kMaxNameLength]) {
  if (name.size() > kMaxNameLength) return {};
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    buf[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return std::string_view(buf, name.size());
}

bool ArityMatches(int arity, size_t argc) {
  return arity > 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

// Redis replaces newlines in error arguments so a reply stays one line.
std::string Sanitize(std::string_view s, size_t max) {
  std::string out(s.substr(0, max));
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return out;
}

// "ERR unknown command 'x', with args beginning with: 'a' 'b' " as Redis's
// processCommand builds it: each argument quoted, until 128 bytes of them.
std::string UnknownCommandError(std::span<const std::string_view> args) {
  std::string listed;
  for (size_t i = 1; i < args.size() && listed.size() < 128; ++i) {
    base::StrAppend(&listed, "'", args[i].substr(0, 128 - listed.size()), "' ");
  }
  return Sanitize(base::StrCat("ERR unknown command '", args[0].substr(0, 128),
                               "', with args beginning with: ", listed),
                  SIZE_MAX);
}

}  // namespace

std::string AsciiLower(std::string_view s) { return base::AsciiLower(s); }

void CommandTable::Register(CommandSpec spec) {
  auto owned = std::make_unique<CommandSpec>(std::move(spec));
  const CommandSpec* row = owned.get();
  by_name_.emplace(std::string(row->name), row);
  order_.push_back(row);
  specs_.push_back(std::move(owned));

  auto add_resolved = [this](const CommandSpec* s, const CommandSpec* parent) {
    auto r = std::make_unique<ResolvedCommand>();
    r->spec = s;
    r->parent = parent;
    r->id = resolved_.size();
    r->full_name = parent ? base::StrCat(parent->name, "|", s->name) : std::string(s->name);
    resolved_by_name_[r->full_name] = r.get();
    resolved_by_spec_[s] = r.get();
    resolved_.push_back(std::move(r));
  };
  add_resolved(row, nullptr);
  for (const CommandSpec& sub : row->subcommands) add_resolved(&sub, row);
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  char buf[kMaxNameLength];
  std::string_view lower = LowerInto(name, buf);
  if (lower.empty()) return nullptr;
  auto it = by_name_.find(lower);
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& parent, std::string_view name) {
  char buf[kMaxNameLength];
  std::string_view lower = LowerInto(name, buf);
  if (lower.empty()) return nullptr;
  for (const CommandSpec& sub : parent.subcommands) {
    if (sub.name == lower) return &sub;
  }
  return nullptr;
}

CommandTable::Resolution CommandTable::Resolve(std::span<const std::string_view> args) const {
  Resolution out;
  const CommandSpec* spec = Find(args[0]);
  if (spec == nullptr) {
    out.error = UnknownCommandError(args);
    return out;
  }
  const ResolvedCommand* resolved = resolved_by_spec_.at(spec);
  if (!ArityMatches(spec->arity, args.size())) {
    out.rejected = resolved;
    out.error = base::StrCat("ERR wrong number of arguments for '", resolved->full_name,
                             "' command");
    return out;
  }
  // A container with a handler of its own (COMMAND) runs it when called bare.
  bool bare_container = args.size() == 1 && spec->handler != nullptr;
  if (!spec->subcommands.empty() && !bare_container) {
    const CommandSpec* sub = FindSubcommand(*spec, args[1]);
    if (sub == nullptr) {
      out.rejected = resolved;
      out.error = Sanitize(base::StrCat("ERR unknown subcommand '", args[1].substr(0, 128),
                                        "'. Try ", base::AsciiUpper(spec->name), " HELP."),
                           SIZE_MAX);
      return out;
    }
    resolved = resolved_by_spec_.at(sub);
    if (!ArityMatches(sub->arity, args.size())) {
      out.rejected = resolved;
      out.error = base::StrCat("ERR wrong number of arguments for '", resolved->full_name,
                               "' command");
      return out;
    }
  }
  out.command = resolved;
  return out;
}

const ResolvedCommand* CommandTable::Lookup(std::string_view full_name) const {
  auto it = resolved_by_name_.find(AsciiLower(full_name));
  return it == resolved_by_name_.end() ? nullptr : it->second;
}

void CommandTable::ResetStats() const {
  for (auto& r : resolved_) r->stats = CommandStats{};
}

}  // namespace runnel::command
