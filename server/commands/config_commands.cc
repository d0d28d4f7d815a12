// CONFIG family: GET, SET, RESETSTAT, REWRITE, HELP — all over ConfigSchema,
// the one table of options.
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/base/string_map.h"
#include "engine/base/strings.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/open_files_limit.h"
#include "server/commands/help_reply.h"
#include "server/config/config_file.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;

void ConfigGet(CommandContext& ctx) {
  std::vector<std::pair<std::string, std::string>> found;
  base::StringSet seen;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    for (auto& [name, value] : ctx.server.config_schema().Match(ctx.server.config(), ctx.arg(i))) {
      if (seen.insert(name).second) found.emplace_back(std::move(name), std::move(value));
    }
  }
  ctx.reply().Map(found.size());
  for (const auto& [name, value] : found) {
    ctx.reply().Bulk(name);
    ctx.reply().Bulk(value);
  }
}

std::string SetFailed(std::string_view option, std::string_view reason) {
  return base::StrCat("ERR CONFIG SET failed (possibly related to argument '", option, "') - ",
                      reason);
}

// CONFIG SET name value [name value ...]: all or nothing, as in Redis 7.
void ConfigSet(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    ctx.reply().Error(resp::kSyntaxError);
    return;
  }
  const config::ConfigSchema& schema = ctx.server.config_schema();
  config::ServerConfig candidate = ctx.server.config();
  absl::flat_hash_set<const config::OptionSpec*> seen;
  std::string_view tls_option;  // the first tls-* name set, for the error
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string_view name = ctx.arg(i);
    const config::OptionSpec* option = schema.Find(name);
    if (option == nullptr) {
      ctx.reply().Error(
          base::StrCat("ERR Unknown option or number of arguments for CONFIG SET - '", name, "'"));
      return;
    }
    if (!seen.insert(option).second) {
      ctx.reply().Error(SetFailed(name, "duplicate parameter"));
      return;
    }
    if (option->mutability == config::Mutability::kImmutable) {
      ctx.reply().Error(SetFailed(name, "can't set immutable config"));
      return;
    }
    if (tls_option.empty() && option->name.starts_with("tls-")) tls_option = name;
    std::vector<std::string> words;
    if (option->type == config::OptionType::kStringList) {
      auto split = config::SplitConfigLine(ctx.arg(i + 1));
      if (!split.ok()) {
        ctx.reply().Error(SetFailed(name, base::ToStd(split.status().message())));
        return;
      }
      words = *std::move(split);
      // CONFIG SET save "" clears the list, as Redis's split of "" does.
      if (words.empty()) words.emplace_back();
    } else {
      words.emplace_back(ctx.arg(i + 1));
    }
    absl::Status status = schema.Set(candidate, *option, words);
    if (!status.ok()) {
      ctx.reply().Error(SetFailed(name, base::ToStd(status.message())));
      return;
    }
  }
  // More clients need more descriptors: refuse what the OS cannot hold, as
  // Redis's updateMaxclients does.
  if (candidate.maxclients > ctx.server.config().maxclients) {
    const int64_t fits = FitMaxClientsToOpenFilesLimit(candidate.maxclients);
    if (fits < candidate.maxclients) {
      ctx.reply().Error(SetFailed(
          "maxclients",
          base::StrCat("The operating system is not able to handle the specified number of clients, try with ",
                       std::max<int64_t>(fits, 0))));
      return;
    }
  }
  // A certificate that does not load refuses the whole change, as Redis's
  // applyTlsCfg; the reason is in the log.
  if (!tls_option.empty() && !ctx.server.ApplyTlsConfig(candidate).ok()) {
    ctx.reply().Error(SetFailed(tls_option, "Unable to update TLS configuration. Check server logs."));
    return;
  }
  ctx.server.config() = std::move(candidate);
  ctx.server.OnConfigChanged();
  ctx.reply().Ok();
}

void ConfigResetStat(CommandContext& ctx) {
  ctx.server.stats().Reset();
  ctx.server.commands().ResetStats();
  ctx.reply().Ok();
}

void ConfigRewrite(CommandContext& ctx) {
  if (ctx.server.config().config_file.empty()) {
    ctx.reply().Error(resp::kNoConfigFile);
    return;
  }
  absl::Status status = config::RewriteConfigFile(ctx.server.config_schema(), ctx.server.config());
  if (!status.ok()) {
    ctx.reply().Error(base::StrCat("ERR Rewriting config file: ", status.message()));
    return;
  }
  ctx.reply().Ok();
}

void ConfigHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply(), "config",
            {"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
             "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
             "RESETSTAT", "    Reset statistics reported by the INFO command.",
             "REWRITE", "    Rewrite the configuration file."});
}

command::CommandSpec ConfigSubcommand(std::string_view name, int arity, uint32_t flags,
                                      std::string_view summary, command::Handler handler) {
  return {.name = name, .arity = arity, .flags = flags,
          .acl_categories = command::kAclAdmin | command::kAclSlow | command::kAclDangerous,
          .doc = {summary, "2.0.0", "server", ""}, .handler = handler};
}

}  // namespace

void RegisterConfigCommands(command::CommandTable& table) {
  constexpr uint32_t kAdmin = command::kAdmin | command::kNoScript | command::kLoading |
                              command::kStale;
  table.Register({
      .name = "config",
      .arity = -2,
      .doc = {"A container for server configuration commands.", "2.0.0", "server", ""},
      .subcommands = {
          ConfigSubcommand("get", -3, kAdmin, "Returns the effective values of configuration parameters.",
              ConfigGet),
          ConfigSubcommand("set", -4, kAdmin | command::kMayReplicate,
              "Sets configuration parameters in-flight.", ConfigSet),
          ConfigSubcommand("resetstat", 2, kAdmin, "Resets the server's statistics.", ConfigResetStat),
          ConfigSubcommand("rewrite", 2, kAdmin, "Persists the effective configuration to file.",
              ConfigRewrite),
          ConfigSubcommand("help", 2, command::kLoading | command::kStale,
              "Returns helpful text about the different subcommands.", ConfigHelp),
      }});
}

}  // namespace runnel
