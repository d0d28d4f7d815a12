// COMMAND family: COMMAND, COUNT, INFO, DOCS, LIST, GETKEYS, HELP — generated
// from the command table, so what clients learn is what dispatch does.
#include <string>
#include <vector>

#include "engine/base/strings.h"
#include "engine/pubsub/glob_match.h"
#include "server/command/command_context.h"
#include "server/command/command_keys.h"
#include "server/commands/command_info.h"
#include "server/commands/families.h"
#include "server/commands/help_reply.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;
using command::CommandSpec;

// Resolves "name" or "parent|sub" to its row; nullptr when unknown.
const command::ResolvedCommand* LookupByFullName(CommandContext& ctx, std::string_view name) {
  return ctx.server.commands().Lookup(name);
}

void CommandAll(CommandContext& ctx) {
  const auto& commands = ctx.server.commands().commands();
  ctx.reply().Array(commands.size());
  for (const CommandSpec* spec : commands) ReplyCommandInfo(ctx.reply(), *spec, nullptr);
}

void CommandCount(CommandContext& ctx) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.server.commands().size()));
}

void CommandInfo(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    CommandAll(ctx);
    return;
  }
  ctx.reply().Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const command::ResolvedCommand* found = LookupByFullName(ctx, ctx.arg(i));
    if (found == nullptr) {
      ctx.reply().NullArray();
    } else {
      ReplyCommandInfo(ctx.reply(), *found->spec, found->parent);
    }
  }
}

void CommandDocs(CommandContext& ctx) {
  std::vector<const command::ResolvedCommand*> found;
  if (ctx.argc() == 2) {
    for (const CommandSpec* spec : ctx.server.commands().commands()) {
      found.push_back(ctx.server.commands().Lookup(spec->name));
    }
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      if (const auto* r = LookupByFullName(ctx, ctx.arg(i))) found.push_back(r);
    }
  }
  ctx.reply().Map(found.size());
  for (const command::ResolvedCommand* r : found) {
    ctx.reply().Bulk(r->full_name);
    ReplyCommandDocs(ctx.reply(), *r->spec, r->parent);
  }
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
void CommandList(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view value;
  if (ctx.argc() == 5 && base::EqualsIgnoreCase(ctx.arg(2), "filterby")) {
    value = ctx.arg(4);
    if (base::EqualsIgnoreCase(ctx.arg(3), "module")) {
      filter = Filter::kModule;
    } else if (base::EqualsIgnoreCase(ctx.arg(3), "aclcat")) {
      filter = Filter::kAclCat;
    } else if (base::EqualsIgnoreCase(ctx.arg(3), "pattern")) {
      filter = Filter::kPattern;
    } else {
      ctx.reply().Error(resp::kSyntaxError);
      return;
    }
  } else if (ctx.argc() != 2) {
    ctx.reply().Error(resp::kSyntaxError);
    return;
  }
  std::vector<std::string> names;
  ctx.server.commands().ForEachResolved([&](const command::ResolvedCommand& r) {
    switch (filter) {
      case Filter::kNone:
        break;
      case Filter::kModule:
        return;  // no modules are loaded
      case Filter::kAclCat:
        if (!HasAclCategory(*r.spec, value)) return;
        break;
      case Filter::kPattern:
        if (!pubsub::GlobMatch(value, r.full_name, pubsub::CaseSensitivity::kInsensitive)) return;
        break;
    }
    names.push_back(r.full_name);
  });
  ctx.reply().Array(names.size());
  for (const std::string& name : names) ctx.reply().Bulk(name);
}

// COMMAND GETKEYS command arg...: the keys by the command's key positions.
void CommandGetKeys(CommandContext& ctx) {
  std::span<const std::string_view> target = ctx.args.subspan(2);
  command::CommandTable::Resolution resolution = ctx.server.commands().Resolve(target);
  if (resolution.command == nullptr) {
    ctx.reply().Error(resolution.rejected == nullptr
                          ? "ERR Invalid command specified"
                          : "ERR Invalid number of arguments specified for command");
    return;
  }
  const command::KeyPositions& keys = resolution.command->spec->keys;
  if (keys.first == 0 || keys.not_key) {
    ctx.reply().Error("ERR The command has no key arguments");
    return;
  }
  std::vector<std::string_view> found;
  command::ForEachKey(*resolution.command->spec, target, [&](std::string_view key) {
    found.push_back(key);
    return true;
  });
  ctx.reply().Array(found.size());
  for (std::string_view key : found) ctx.reply().Bulk(key);
}

void CommandHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply(), "command",
            {"(no subcommand)", "    Return details about all Redis commands.", "COUNT",
             "    Return the total number of commands in this Redis server.", "LIST",
             "    Return a list of all commands in this Redis server.",
             "INFO [<command-name> ...]",
             "    Return details about multiple Redis commands.",
             "    If no command names are given, documentation details for all",
             "    commands are returned.", "DOCS [<command-name> ...]",
             "    Return documentation details about multiple Redis commands.",
             "    If no command names are given, documentation details for all",
             "    commands are returned.", "GETKEYS <full-command>",
             "    Return the keys from a full Redis command."});
}

CommandSpec Sub(std::string_view name, int arity, std::string_view summary,
                command::Handler handler) {
  return {.name = name, .arity = arity,
          .flags = command::kLoading | command::kStale,
          .acl_categories = command::kAclSlow | command::kAclConnection,
          .doc = {summary, "", "server", ""}, .handler = handler};
}

}  // namespace

void RegisterCommandCommands(command::CommandTable& table) {
  table.Register({
      .name = "command",
      .arity = -1,
      .flags = command::kLoading | command::kStale,
      .acl_categories = command::kAclSlow | command::kAclConnection,
      .doc = {"Returns detailed information about all commands.", "2.8.13", "server", "O(N) where "
              "N is the total number of Redis commands"},
      .handler = CommandAll,  // COMMAND with no subcommand
      .subcommands = {
          Sub("count", 2, "Returns a count of commands.", CommandCount),
          Sub("info", -2, "Returns information about one, multiple or all commands.",
              CommandInfo),
          Sub("docs", -2, "Returns documentary information about one, multiple or all commands.",
              CommandDocs),
          Sub("list", -2, "Returns a list of command names.", CommandList),
          Sub("getkeys", -3, "Extracts the key names from an arbitrary command.",
              CommandGetKeys),
          Sub("help", 2, "Returns helpful text about the different subcommands.", CommandHelp),
      }});
}

}  // namespace runnel
