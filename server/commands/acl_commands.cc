// ACL family: SETUSER, GETUSER, DELUSER, USERS, LIST, WHOAMI, CAT, HELP,
// LOAD, SAVE, DRYRUN, LOG, GENPASS — the users of server/acl/ as Redis 7.0
// shows and edits them.
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "engine/base/logging.h"
#include "engine/base/strings.h"
#include "server/acl/acl_file.h"
#include "server/acl/permission_check.h"
#include "server/acl/user_table.h"
#include "server/command/arg_parser.h"
#include "server/command/command_context.h"
#include "server/commands/command_info.h"
#include "server/commands/families.h"
#include "server/commands/help_reply.h"
#include "server/resp/error_text.h"
#include "server/connection.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;
using command::CommandSpec;

// A user whose channels shrink loses its subscribers to channels it may no
// longer use (Redis 7.0); the caller among them gets its reply first.
void AclSetUser(CommandContext& ctx) {
  const acl::User* before = ctx.server.users().Find(ctx.arg(2));
  const bool old_all = before != nullptr && before->all_channels();
  std::vector<std::string> old_patterns;
  if (before != nullptr) old_patterns = before->channel_patterns();
  absl::Status status = ctx.server.users().SetUser(ctx.arg(2), ctx.args.subspan(3));
  if (!status.ok()) {
    ctx.reply().Error(base::ToStd(status.message()));
    return;
  }
  if (before != nullptr) {
    ctx.server.DisconnectForbiddenSubscribers(*before, old_all, old_patterns, ctx.conn);
  }
  ctx.reply().Ok();
}

// Redis 7.0's shape: flags, passwords, commands, keys, channels, selectors
// (always empty: Runnel has no selectors).
void AclGetUser(CommandContext& ctx) {
  const acl::User* user = ctx.server.users().Find(ctx.arg(2));
  if (user == nullptr) {
    ctx.reply().NullBulk();
    return;
  }
  resp::ReplyBuilder& reply = ctx.reply();
  reply.Map(6);
  reply.Bulk("flags");
  std::vector<std::string_view> flags = user->Flags();
  reply.Array(flags.size());
  for (std::string_view flag : flags) reply.Bulk(flag);
  reply.Bulk("passwords");
  reply.Array(user->password_hashes().size());
  for (const std::string& hash : user->password_hashes()) reply.Bulk(hash);
  reply.Bulk("commands");
  reply.Bulk(user->DescribeCommands(ctx.server.commands()));
  reply.Bulk("keys");
  reply.Bulk(user->DescribeKeys());
  reply.Bulk("channels");
  reply.Bulk(user->DescribeChannels());
  reply.Bulk("selectors");
  reply.Array(0);
}

// Deletes the named users and closes the connections logged in as them,
// as Redis does; `default` cannot go.
void AclDelUser(CommandContext& ctx) {
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (ctx.arg(i) == "default") {
      ctx.reply().Error("ERR The 'default' user cannot be removed");
      return;
    }
  }
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const acl::User* user = ctx.server.users().Find(ctx.arg(i));
    if (user == nullptr) continue;
    // Close first: the connections point at the user about to be freed.
    // The caller itself is closed after this reply.
    for (Connection* conn : ctx.server.ConnectionsById()) {
      if (conn->user != user) continue;
      // Until the loop drops it, the connection runs nothing more.
      conn->user = &ctx.server.users().default_user();
      conn->authenticated = false;
      ctx.server.KillClient(*conn, ctx.conn);
    }
    ctx.server.users().Delete(ctx.arg(i));
    ++deleted;
  }
  ctx.reply().Integer(deleted);
}

void AclUsers(CommandContext& ctx) {
  const auto& users = ctx.server.users().users();
  ctx.reply().Array(users.size());
  for (const auto& [name, user] : users) ctx.reply().Bulk(name);
}

void AclList(CommandContext& ctx) {
  const auto& users = ctx.server.users().users();
  ctx.reply().Array(users.size());
  for (const auto& [name, user] : users) {
    ctx.reply().Bulk(base::StrCat("user ", name, " ", user->Describe(ctx.server.commands())));
  }
}

void AclWhoAmI(CommandContext& ctx) { ctx.reply().Bulk(ctx.conn.user->name()); }

// Without an argument, every category; with one, the commands in it. A
// container without a handler (CONFIG) is listed by its subcommands.
void AclCat(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    std::vector<std::string_view> names = AclCategoryNames();
    ctx.reply().Array(names.size());
    for (std::string_view name : names) ctx.reply().Bulk(name);
    return;
  }
  if (ctx.argc() > 3) {
    ctx.reply().Error("ERR wrong number of arguments for 'acl|cat' command");
    return;
  }
  uint32_t bit = AclCategoryBit(ctx.arg(2));
  if (bit == 0) {
    ctx.reply().Error(base::StrCat("ERR Unknown category '", ctx.arg(2), "'"));
    return;
  }
  std::vector<std::string_view> names;
  ctx.server.commands().ForEachResolved([&](const command::ResolvedCommand& command) {
    if (command.spec->handler != nullptr && (EffectiveAclCategories(*command.spec) & bit)) {
      names.push_back(command.full_name);
    }
  });
  ctx.reply().Array(names.size());
  for (std::string_view name : names) ctx.reply().Bulk(name);
}

constexpr std::string_view kNoAclFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL "
    "SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in "
    "order to store users in the Redis configuration.";

void AclLoad(CommandContext& ctx) {
  if (ctx.server.config().aclfile.empty()) {
    ctx.reply().Error(kNoAclFile);
    return;
  }
  absl::Status status = ctx.server.LoadAclFile(&ctx.conn);
  if (!status.ok()) {
    ctx.reply().Error(base::StrCat("ERR ", base::ToStd(status.message())));
    return;
  }
  ctx.reply().Ok();
}

void AclSave(CommandContext& ctx) {
  if (ctx.server.config().aclfile.empty()) {
    ctx.reply().Error(kNoAclFile);
    return;
  }
  std::vector<std::string> lines;
  for (const auto& [name, user] : ctx.server.users().users()) {
    lines.push_back(base::StrCat("user ", name, " ", user->Describe(ctx.server.commands())));
  }
  absl::Status status = acl::WriteAclFile(ctx.server.config().aclfile, lines);
  if (!status.ok()) {
    RUNNEL_LOG_WARNING("ACL SAVE failed: %s", base::ToStd(status.message()));
    ctx.reply().Error("ERR There was an error trying to save the ACLs. Please check the server logs for more "
                      "information");
    return;
  }
  ctx.reply().Ok();
}

// ACL DRYRUN user command [arg ...]: what the user would be told, without
// running anything; Redis 7.0's texts, a bulk string for a denial.
void AclDryRun(CommandContext& ctx) {
  const acl::User* user = ctx.server.users().Find(ctx.arg(2));
  if (user == nullptr) {
    ctx.reply().Error(base::StrCat("ERR User '", ctx.arg(2), "' not found"));
    return;
  }
  std::span<const std::string_view> call = ctx.args.subspan(3);
  command::CommandTable::Resolution resolution = ctx.server.commands().Resolve(call);
  if (resolution.command == nullptr) {
    ctx.reply().Error(resolution.rejected == nullptr ? base::StrCat("ERR Command '", call[0], "' not found")
                                                     : resolution.error);
    return;
  }
  acl::Denial denial = acl::CheckPermission(*user, *resolution.command, call);
  switch (denial.kind) {
    case acl::Denial::Kind::kNone:
      ctx.reply().Ok();
      return;
    case acl::Denial::Kind::kCommand:
      ctx.reply().Bulk(base::StrCat("This user has no permissions to run the '", resolution.command->full_name,
                                    "' command"));
      return;
    case acl::Denial::Kind::kKey:
      ctx.reply().Bulk(base::StrCat("This user has no permissions to access the '", denial.object, "' key"));
      return;
    case acl::Denial::Kind::kChannel:
      ctx.reply().Bulk(
          base::StrCat("This user has no permissions to access the '", denial.object, "' channel"));
      return;
  }
}

// One ACL LOG entry: Redis 7.0.15's seven fields, in its order (7.2 added
// entry-id and the timestamps).
void ReplyAclLogEntry(resp::ReplyBuilder& reply, const acl::AclLogEntry& entry, absl::Time now) {
  reply.Map(7);
  reply.Bulk("count");
  reply.Integer(entry.count);
  reply.Bulk("reason");
  reply.Bulk(acl::ReasonName(entry.reason));
  reply.Bulk("context");
  reply.Bulk(acl::ContextName(entry.context));
  reply.Bulk("object");
  reply.Bulk(entry.object);
  reply.Bulk("username");
  reply.Bulk(entry.username);
  reply.Bulk("age-seconds");
  // Whole milliseconds, as Redis's (now - ctime) / 1000.
  reply.Double(static_cast<double>(absl::ToInt64Milliseconds(now - entry.created)) / 1000);
  reply.Bulk("client-info");
  reply.Bulk(entry.client_info);
}

// ACL LOG [count | RESET]: the newest `count` entries (10 by default; a
// negative count lists nothing, as in Redis).
void AclLog(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply().Error(resp::UnknownSubcommandOrArity(ctx.arg(1), "ACL"));
    return;
  }
  int64_t count = 10;
  if (ctx.argc() == 3) {
    if (base::EqualsIgnoreCase(ctx.arg(2), "reset")) {
      ctx.server.acl_log().Reset();
      ctx.reply().Ok();
      return;
    }
    std::optional<int64_t> parsed = command::ParseInt64(ctx.arg(2));
    if (!parsed) {
      ctx.reply().Error(resp::kNotInteger);
      return;
    }
    count = std::max<int64_t>(*parsed, 0);
  }
  const auto& entries = ctx.server.acl_log().entries();
  const size_t shown = std::min(entries.size(), static_cast<size_t>(count));
  const absl::Time now = absl::Now();
  ctx.reply().Array(shown);
  for (size_t i = 0; i < shown; ++i) ReplyAclLogEntry(ctx.reply(), entries[i], now);
}

// Redis's limit on ACL GENPASS's bits.
constexpr int64_t kMaxGenPassBits = 4096;

// `chars` hex digits (4 bits each) from the kernel's CSPRNG (getrandom,
// which blocks only until the pool is first initialised at boot).
absl::StatusOr<std::string> RandomHex(size_t chars) {
  unsigned char random[kMaxGenPassBits / 8];
  const size_t bytes = (chars + 1) / 2;
  if (bytes > sizeof(random)) return absl::InvalidArgumentError("too many random bytes");
  for (size_t done = 0; done < bytes;) {
    ssize_t n = ::getrandom(random + done, bytes - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::InternalError("cannot read random bytes");
    done += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(chars, '0');
  for (size_t i = 0; i < chars; ++i) {
    const unsigned char byte = random[i / 2];
    hex[i] = kHex[i % 2 == 0 ? byte >> 4 : byte & 0xf];
  }
  return hex;
}

// ACL GENPASS [bits]: 256 bits (64 hex characters) by default.
void AclGenPass(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply().Error(resp::UnknownSubcommandOrArity(ctx.arg(1), "ACL"));
    return;
  }
  int64_t bits = 256;
  if (ctx.argc() == 3) {
    std::optional<int64_t> parsed = command::ParseInt64(ctx.arg(2));
    if (!parsed) {
      ctx.reply().Error(resp::kNotInteger);
      return;
    }
    bits = *parsed;
  }
  if (bits <= 0 || bits > kMaxGenPassBits) {
    ctx.reply().Error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to "
        "4096");
    return;
  }
  absl::StatusOr<std::string> password = RandomHex(static_cast<size_t>(bits + 3) / 4);
  if (!password.ok()) {
    ctx.reply().Error(base::StrCat("ERR ", base::ToStd(password.status().message())));
    return;
  }
  ctx.reply().Bulk(*password);
}

void AclHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply(), "acl",
            {"CAT [<category>]", "    List all commands that belong to <category>, or all command categories",
             "    when no category is specified.", "DELUSER <username> [<username> ...]",
             "    Delete a list of users.", "DRYRUN <username> <command> [<arg> ...]",
             "    Returns whether the user can execute the given command without executing the command.",
             "GETUSER <username>", "    Get the user's details.", "GENPASS [<bits>]",
             "    Generate a secure 256-bit user password. The optional `bits` argument can",
             "    be used to specify a different size.", "LIST",
             "    Show users details in config file format.", "LOAD", "    Reload users from the ACL file.",
             "LOG [<count> | RESET]", "    Show the ACL log entries.",
             "SAVE", "    Save the current config to the ACL file.",
             "SETUSER <username> <attribute> [<attribute> ...]",
             "    Create or modify a user with the specified attributes.", "USERS",
             "    List all the registered usernames.", "WHOAMI", "    Return the current connection username."});
}

constexpr uint32_t kAdminFlags = command::kAdmin | command::kNoScript | command::kLoading | command::kStale;
constexpr uint32_t kInfoFlags = command::kNoScript | command::kLoading | command::kStale;

CommandSpec Sub(std::string_view name, int arity, uint32_t flags, std::string_view summary,
                command::Handler handler) {
  return {.name = name, .arity = arity, .flags = flags, .acl_categories = command::kAclSlow,
          .doc = {summary, "6.0.0", "server", ""}, .handler = handler};
}

}  // namespace

void RegisterAclCommands(command::CommandTable& table) {
  table.Register(
      {.name = "acl", .arity = -2,
       .doc = {"A container for Access List Control commands.", "6.0.0", "server", ""},
       .subcommands = {
           Sub("cat", -2, kInfoFlags, "Lists the ACL categories, or the commands inside a category.", AclCat),
           Sub("deluser", -3, kAdminFlags, "Deletes ACL users, and terminates their connections.", AclDelUser),
           Sub("dryrun", -4, kAdminFlags, "Simulates the execution of a command by a user, without executing the command.",
               AclDryRun),
           Sub("genpass", -2, kInfoFlags, "Generates a pseudorandom, secure password that can be used to identify ACL users.",
               AclGenPass),
           Sub("getuser", 3, kAdminFlags, "Lists the ACL rules of a user.", AclGetUser),
           Sub("help", 2, command::kLoading | command::kStale, "Returns helpful text about the different subcommands.",
               AclHelp),
           Sub("list", 2, kAdminFlags, "Dumps the effective rules in ACL file format.", AclList),
           Sub("load", 2, kAdminFlags, "Reloads the rules from the configured ACL file.", AclLoad),
           Sub("log", -2, kAdminFlags, "Lists recent security events generated due to ACL rules.", AclLog),
           Sub("save", 2, kAdminFlags, "Saves the effective ACL rules in the configured ACL file.", AclSave),
           Sub("setuser", -3, kAdminFlags, "Creates and modifies an ACL user and its rules.", AclSetUser),
           Sub("users", 2, kAdminFlags, "Lists all ACL users.", AclUsers),
           Sub("whoami", 2, kInfoFlags, "Returns the authenticated username of the current connection.",
               AclWhoAmI),
       }});
}

}  // namespace runnel
