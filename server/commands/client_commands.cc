// CLIENT family: ID, SETNAME, GETNAME, SETINFO, LIST, INFO, KILL, REPLY, HELP.
#include <string>
#include <vector>

#include "engine/base/strings.h"
#include "server/command/arg_parser.h"
#include "server/command/command_context.h"
#include "server/commands/client_description.h"
#include "server/commands/client_name.h"
#include "server/commands/families.h"
#include "server/commands/help_reply.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::ArgCursor;
using command::CommandContext;

// CLIENT LIST / KILL TYPE: Runnel has normal and pub/sub clients (no
// replicas yet).
bool IsKnownClientType(std::string_view type) {
  return base::EqualsIgnoreCase(type, "normal") || base::EqualsIgnoreCase(type, "master") ||
         base::EqualsIgnoreCase(type, "replica") || base::EqualsIgnoreCase(type, "slave") ||
         base::EqualsIgnoreCase(type, "pubsub");
}

// A client subscribed to anything is of type pubsub, as Redis's getClientType.
bool HasType(const Server& server, const Connection& conn, std::string_view type) {
  return base::EqualsIgnoreCase(type, server.IsSubscribed(conn) ? "pubsub" : "normal");
}

void ClientId(CommandContext& ctx) { ctx.reply().Integer(static_cast<int64_t>(ctx.conn.client_id())); }

void ClientSetName(CommandContext& ctx) {
  if (!IsValidClientName(ctx.arg(2))) {
    ctx.reply().Error(resp::kClientNameInvalid);
    return;
  }
  ctx.conn.name = std::string(ctx.arg(2));
  ctx.reply().Ok();
}

void ClientGetName(CommandContext& ctx) {
  if (ctx.conn.name.empty()) {
    ctx.reply().NullBulk();
  } else {
    ctx.reply().Bulk(ctx.conn.name);
  }
}

void ClientSetInfo(CommandContext& ctx) {
  std::string_view attr = ctx.arg(2);
  std::string_view value = ctx.arg(3);
  std::string* target = nullptr;
  if (base::EqualsIgnoreCase(attr, "lib-name")) {
    target = &ctx.conn.lib_name;
  } else if (base::EqualsIgnoreCase(attr, "lib-ver")) {
    target = &ctx.conn.lib_version;
  } else {
    ctx.reply().Error(base::StrCat("ERR Unrecognized option '", attr, "'"));
    return;
  }
  if (!IsValidClientName(value)) {
    ctx.reply().Error(base::StrCat("ERR ", base::AsciiLower(attr),
                                   " cannot contain spaces, newlines or special characters."));
    return;
  }
  *target = std::string(value);
  ctx.reply().Ok();
}

void ClientList(CommandContext& ctx) {
  ArgCursor cursor(ctx.args, 2);
  std::string type;
  std::vector<uint64_t> ids;
  if (cursor.Match("type") && cursor.remaining() == 1) {
    type = std::string(cursor.Next());
    if (!IsKnownClientType(type)) {
      ctx.reply().Error(base::StrCat("ERR Unknown client type '", type, "'"));
      return;
    }
  } else if (cursor.position() == 2 && cursor.Match("id") && !cursor.done()) {
    while (!cursor.done()) {
      std::optional<int64_t> id = command::ParseInt64(cursor.Next());
      if (!id || *id <= 0) {
        ctx.reply().Error("ERR Invalid client ID");
        return;
      }
      ids.push_back(static_cast<uint64_t>(*id));
    }
  } else if (ctx.argc() != 2) {
    ctx.reply().Error(resp::kSyntaxError);
    return;
  }
  std::string text;
  for (Connection* conn : ctx.server.ConnectionsById()) {
    if (!type.empty() && !HasType(ctx.server, *conn, type)) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), conn->client_id()) == ids.end()) continue;
    AppendClientDescription(*conn, ctx.server.pubsub(), absl::Now(), text);
    text.push_back('\n');
  }
  ctx.reply().Verbatim("txt", text);
}

void ClientInfo(CommandContext& ctx) {
  std::string text;
  AppendClientDescription(ctx.conn, ctx.server.pubsub(), absl::Now(), text);
  text.push_back('\n');
  ctx.reply().Verbatim("txt", text);
}

// The filters of CLIENT KILL's new form; an unset filter matches everyone.
struct KillFilter {
  std::optional<uint64_t> id;
  std::string type, user, addr, laddr;
  std::optional<int64_t> max_age;
  bool skip_me = true;

  bool Matches(const Server& server, const Connection& conn, const Connection& caller, absl::Time now) const {
    if (id && conn.client_id() != *id) return false;
    if (!type.empty() && !HasType(server, conn, type)) return false;
    if (!user.empty() && conn.user->name() != user) return false;
    if (!addr.empty() && conn.peer().address != addr) return false;
    if (!laddr.empty() && conn.peer().local_address != laddr) return false;
    if (max_age && absl::ToInt64Seconds(now - conn.created_at) < *max_age) return false;
    if (skip_me && &conn == &caller) return false;
    return true;
  }
};

// Parses "FILTER value" pairs; on failure replies and returns false.
bool ParseKillFilter(CommandContext& ctx, KillFilter& filter) {
  ArgCursor cursor(ctx.args, 2);
  while (!cursor.done()) {
    if (cursor.remaining() < 2) {
      ctx.reply().Error(resp::kSyntaxError);
      return false;
    }
    std::string_view option = cursor.Next();
    std::string_view value = cursor.Next();
    if (base::EqualsIgnoreCase(option, "id")) {
      std::optional<int64_t> id = command::ParseInt64(value);
      if (!id || *id <= 0) {
        ctx.reply().Error("ERR client-id should be greater than 0");
        return false;
      }
      filter.id = static_cast<uint64_t>(*id);
    } else if (base::EqualsIgnoreCase(option, "type")) {
      if (!IsKnownClientType(value)) {
        ctx.reply().Error(base::StrCat("ERR Unknown client type '", value, "'"));
        return false;
      }
      filter.type = std::string(value);
    } else if (base::EqualsIgnoreCase(option, "user")) {
      if (ctx.server.users().Find(value) == nullptr) {
        ctx.reply().Error(base::StrCat("ERR No such user '", value, "'"));
        return false;
      }
      filter.user = std::string(value);
    } else if (base::EqualsIgnoreCase(option, "addr")) {
      filter.addr = std::string(value);
    } else if (base::EqualsIgnoreCase(option, "laddr")) {
      filter.laddr = std::string(value);
    } else if (base::EqualsIgnoreCase(option, "maxage")) {
      std::optional<int64_t> age = command::ParseInt64(value);
      if (!age) {
        ctx.reply().Error(resp::kNotInteger);
        return false;
      }
      filter.max_age = *age;
    } else if (base::EqualsIgnoreCase(option, "skipme")) {
      if (base::EqualsIgnoreCase(value, "yes")) {
        filter.skip_me = true;
      } else if (base::EqualsIgnoreCase(value, "no")) {
        filter.skip_me = false;
      } else {
        ctx.reply().Error(resp::kSyntaxError);
        return false;
      }
    } else {
      ctx.reply().Error(resp::kSyntaxError);
      return false;
    }
  }
  return true;
}

void ClientKill(CommandContext& ctx) {
  absl::Time now = absl::Now();
  if (ctx.argc() == 3) {
    // Old form: CLIENT KILL addr:port, replying OK or an error.
    for (Connection* conn : ctx.server.ConnectionsById()) {
      if (conn->peer().address == ctx.arg(2)) {
        ctx.reply().Ok();
        ctx.server.KillClient(*conn, ctx.conn);
        return;
      }
    }
    ctx.reply().Error(resp::kNoSuchClient);
    return;
  }
  KillFilter filter;
  if (!ParseKillFilter(ctx, filter)) return;
  std::vector<Connection*> victims;
  for (Connection* conn : ctx.server.ConnectionsById()) {
    if (filter.Matches(ctx.server, *conn, ctx.conn, now)) victims.push_back(conn);
  }
  ctx.reply().Integer(static_cast<int64_t>(victims.size()));
  for (Connection* conn : victims) ctx.server.KillClient(*conn, ctx.conn);
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when the client was blocked and is
// now released (with its timeout reply, or an UNBLOCKED error), else 0.
void ClientUnblock(CommandContext& ctx) {
  if (ctx.argc() > 4) return ctx.reply().Error(resp::UnknownSubcommandOrArity(ctx.arg(1), "CLIENT"));
  bool with_error = false;
  if (ctx.argc() == 4) {
    if (base::EqualsIgnoreCase(ctx.arg(3), "error")) {
      with_error = true;
    } else if (!base::EqualsIgnoreCase(ctx.arg(3), "timeout")) {
      return ctx.reply().Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  }
  std::optional<int64_t> id = command::ParseInt64(ctx.arg(2));
  if (!id) return ctx.reply().Error(resp::kNotInteger);
  for (Connection* conn : ctx.server.ConnectionsById()) {
    if (static_cast<int64_t>(conn->client_id()) == *id) {
      return ctx.reply().Integer(ctx.server.UnblockByRequest(*conn, with_error) ? 1 : 0);
    }
  }
  ctx.reply().Integer(0);
}

void ClientReply(CommandContext& ctx) {
  std::string_view mode = ctx.arg(2);
  if (base::EqualsIgnoreCase(mode, "on")) {
    ctx.conn.reply_mode = ReplyMode::kOn;
    ctx.reply().set_muted(false);
    ctx.reply().Ok();
  } else if (base::EqualsIgnoreCase(mode, "off")) {
    ctx.conn.reply_mode = ReplyMode::kOff;
    ctx.reply().set_muted(true);
  } else if (base::EqualsIgnoreCase(mode, "skip")) {
    // SKIP has no effect while replies are off, as in Redis.
    if (ctx.conn.reply_mode != ReplyMode::kOff) ctx.conn.reply_mode = ReplyMode::kSkip;
  } else {
    ctx.reply().Error(resp::kSyntaxError);
  }
}

void ClientHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply(), "client",
            {"GETNAME", "    Return the name of the current connection.", "ID",
             "    Return the ID of the current connection.", "INFO",
             "    Return information about the current client connection.",
             "KILL <ip:port>", "    Kill connection made from <ip:port>.",
             "KILL <option> <value> [<option> <value> [...]]",
             "    Kill connections. Options are:", "    * ADDR (<ip:port>|<unixsocket>:0)",
             "      Kill connections made from the specified address",
             "    * LADDR (<ip:port>|<unixsocket>:0)",
             "      Kill connections made to specified local address", "    * TYPE (NORMAL|PUBSUB)",
             "      Kill connections by type.", "    * USER <username>",
             "      Kill connections authenticated by <username>.", "    * SKIPME (YES|NO)",
             "      Skip killing current connection (default: yes).", "    * ID <client-id>",
             "      Kill connections by client id.", "    * MAXAGE <maxage>",
             "      Kill connections older than the specified age.",
             "LIST [options ...]", "    Return information about client connections. Options:",
             "    * TYPE (NORMAL|PUBSUB)", "      Return clients of specified type.",
             "    * ID <client-id> [<client-id> ...]", "      Return clients of specified IDs only.",
             "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
             "SETNAME <name>", "    Assign the name <name> to the current connection.",
             "SETINFO <option> <value>",
             "    Set client meta attr. Options are:", "    * LIB-NAME: the client lib name.",
             "    * LIB-VER: the client lib version.",
             "UNBLOCK <clientid> [TIMEOUT|ERROR]", "    Unblock the specified blocked client."});
}

constexpr uint32_t kSlowAdmin = command::kAclSlow | command::kAclConnection;
constexpr uint32_t kClientFlags = command::kNoScript | command::kLoading | command::kStale;

command::CommandSpec Sub(std::string_view name, int arity, uint32_t flags, uint32_t acl,
                         std::string_view summary, command::Handler handler) {
  return {.name = name, .arity = arity, .flags = flags, .acl_categories = acl,
          .doc = {summary, "", "connection", "O(1)"}, .handler = handler};
}

}  // namespace

void RegisterClientCommands(command::CommandTable& table) {
  constexpr uint32_t kDangerous = command::kAclAdmin | command::kAclDangerous;
  table.Register({
      .name = "client",
      .arity = -2,
      .doc = {"A container for client connection commands.", "2.4.0", "connection", ""},
      .subcommands = {
          Sub("id", 2, kClientFlags, kSlowAdmin, "Returns the unique client ID of the connection.",
              ClientId),
          Sub("setname", 3, kClientFlags, kSlowAdmin, "Sets the connection name.", ClientSetName),
          Sub("getname", 2, kClientFlags, kSlowAdmin, "Returns the name of the connection.",
              ClientGetName),
          Sub("setinfo", 4, kClientFlags, kSlowAdmin,
              "Sets information specific to the client or connection.", ClientSetInfo),
          Sub("list", -2, command::kAdmin | kClientFlags, kSlowAdmin | kDangerous,
              "Lists open connections.", ClientList),
          Sub("info", 2, kClientFlags, kSlowAdmin,
              "Returns information about the connection.", ClientInfo),
          Sub("kill", -3, command::kAdmin | kClientFlags, kSlowAdmin | kDangerous,
              "Terminates open connections.", ClientKill),
          Sub("unblock", -3, kClientFlags, kSlowAdmin | kDangerous,
              "Unblocks a client blocked by a blocking command from a different connection.",
              ClientUnblock),
          Sub("reply", 3, kClientFlags, kSlowAdmin,
              "Instructs the server whether to reply to commands.", ClientReply),
          Sub("help", 2, command::kLoading | command::kStale, kSlowAdmin,
              "Returns helpful text about the different subcommands.", ClientHelp),
      }});
}

}  // namespace runnel
