// Connection family: PING, ECHO, QUIT, HELLO, AUTH, SELECT, RESET — commands
// about the client's own session rather than any data.
#include <string>

#include "engine/base/strings.h"
#include "server/command/arg_parser.h"
#include "server/command/command_context.h"
#include "server/commands/client_name.h"
#include "server/commands/families.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;
using command::CommandSpec;

void Ping(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    ctx.reply().Error("ERR wrong number of arguments for 'ping' command");
    return;
  }
  if (!ctx.reply().resp3() && ctx.server.IsSubscribed(ctx.conn)) {
    // A RESP2 subscriber reads every frame as a message: Redis answers in
    // that shape, ["pong", <argument or "">].
    ctx.reply().Array(2);
    ctx.reply().Bulk("pong");
    ctx.reply().Bulk(ctx.argc() == 2 ? ctx.arg(1) : std::string_view(""));
    return;
  }
  if (ctx.argc() == 1) {
    ctx.reply().SimpleString("PONG");
  } else {
    ctx.reply().Bulk(ctx.arg(1));
  }
}

void Echo(CommandContext& ctx) { ctx.reply().Bulk(ctx.arg(1)); }

void Quit(CommandContext& ctx) {
  ctx.reply().Ok();
  ctx.conn.close_requested = true;
}

// Logs `conn` in as `user` if `password` opens it (Redis's
// ACLAuthenticateUser); false leaves the connection as it was.
// A failure is an ACL LOG event whose object is the command's name as sent
// ("auth", "HELLO"), as Redis logs argv[0].
bool Authenticate(CommandContext& ctx, std::string_view user, std::string_view password) {
  Server& server = ctx.server;
  Connection& conn = ctx.conn;
  const acl::User* found = server.users().Authenticate(user, password);
  if (found == nullptr) {
    server.LogAclEvent(conn, acl::AclLogEntry::Reason::kAuth, ctx.arg(0), user);
    return false;
  }
  conn.user = found;
  conn.authenticated = true;
  server.OnConfigChanged();  // lifts the unauthenticated parser limits
  return true;
}

void Auth(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply().Error(resp::kSyntaxError);
    return;
  }
  std::string_view user = "default";
  std::string_view password = ctx.arg(ctx.argc() - 1);
  if (ctx.argc() == 2) {
    // Redis: a one-argument AUTH while `default` needs no password is a
    // configuration mistake, not a login.
    if (ctx.server.users().default_user().nopass()) {
      ctx.reply().Error(resp::kAuthNotConfigured);
      return;
    }
  } else {
    user = ctx.arg(1);
  }
  if (!Authenticate(ctx, user, password)) {
    ctx.reply().Error(resp::kWrongPass);
    return;
  }
  ctx.reply().Ok();
}

void Hello(CommandContext& ctx) {
  int64_t version = 0;
  size_t next = 1;
  if (ctx.argc() >= 2) {
    std::optional<int64_t> parsed = command::ParseInt64(ctx.arg(next++));
    if (!parsed) {
      ctx.reply().Error(resp::kProtoNotInteger);
      return;
    }
    if (*parsed < 2 || *parsed > 3) {
      ctx.reply().Error(resp::kNoProto);
      return;
    }
    version = *parsed;
  }
  std::string_view user, password, client_name;
  bool has_auth = false, has_name = false;
  for (size_t j = next; j < ctx.argc(); ++j) {
    size_t more = ctx.argc() - 1 - j;
    std::string_view opt = ctx.arg(j);
    if (base::EqualsIgnoreCase(opt, "AUTH") && more >= 2) {
      user = ctx.arg(j + 1);
      password = ctx.arg(j + 2);
      has_auth = true;
      j += 2;
    } else if (base::EqualsIgnoreCase(opt, "SETNAME") && more >= 1) {
      client_name = ctx.arg(j + 1);
      if (!IsValidClientName(client_name)) {
        ctx.reply().Error(resp::kClientNameInvalid);
        return;
      }
      has_name = true;
      ++j;
    } else {
      ctx.reply().Error(base::StrCat("ERR Syntax error in HELLO option '", opt, "'"));
      return;
    }
  }
  if (has_auth) {
    if (!Authenticate(ctx, user, password)) {
      ctx.reply().Error(resp::kWrongPass);
      return;
    }
  }
  if (!ctx.conn.authenticated) {
    ctx.reply().Error(resp::kHelloNoAuth);
    return;
  }
  if (has_name) ctx.conn.name = std::string(client_name);
  resp::ReplyBuilder& reply = ctx.reply();
  if (version != 0) reply.set_protocol(static_cast<resp::Protocol>(version));
  reply.Map(7);
  reply.Bulk("server");
  reply.Bulk("redis");
  reply.Bulk("version");
  reply.Bulk(kRedisCompatVersion);
  reply.Bulk("proto");
  reply.Integer(static_cast<int>(reply.protocol()));
  reply.Bulk("id");
  reply.Integer(static_cast<int64_t>(ctx.conn.client_id()));
  reply.Bulk("mode");
  reply.Bulk("standalone");
  reply.Bulk("role");
  reply.Bulk("master");
  reply.Bulk("modules");
  reply.Array(0);
}

void Select(CommandContext& ctx) {
  std::optional<int64_t> index = command::ParseInt64(ctx.arg(1));
  if (!index || *index < INT32_MIN || *index > INT32_MAX) {
    ctx.reply().Error(resp::kNotInteger);
    return;
  }
  if (*index < 0 || *index >= ctx.server.database_count()) {
    ctx.reply().Error(resp::kDbIndexOutOfRange);
    return;
  }
  ctx.conn.db = static_cast<int>(*index);
  ctx.reply().Ok();
}

// RESET: back to a fresh connection's state, as Redis's clearClientConnectionState.
void Reset(CommandContext& ctx) {
  Connection& conn = ctx.conn;
  conn.transaction = Transaction{};
  // Subscriptions go silently: no unsubscribe frames, only +RESET.
  ctx.server.pubsub().RemoveSubscriber(Server::SubscriberOf(conn));
  conn.db = 0;
  conn.name.clear();
  conn.reply_mode = ReplyMode::kOn;
  conn.reply().set_muted(false);
  conn.reply().set_protocol(resp::Protocol::kResp2);
  // Back to `default`, logged in only if it needs no password (Redis's
  // clearClientConnectionState).
  conn.user = &ctx.server.users().default_user();
  conn.authenticated = ctx.server.DefaultUserOpens();
  ctx.server.OnConfigChanged();
  ctx.reply().SimpleString("RESET");
}

constexpr uint32_t kSessionFlags = command::kNoScript | command::kLoading | command::kStale |
                                   command::kFast | command::kNoAuth | command::kAllowBusy;
constexpr uint32_t kConnectionAcl = command::kAclFast | command::kAclConnection;

}  // namespace

void RegisterConnectionCommands(command::CommandTable& table) {
  table.Register({.name = "ping", .arity = -1, .flags = command::kFast | command::kSubscribedContext,
                  .acl_categories = kConnectionAcl,
                  .doc = {"Returns the server's liveliness response.", "1.0.0", "connection", "O(1)"},
                  .handler = Ping});
  table.Register({.name = "echo", .arity = 2, .flags = command::kFast,
                  .acl_categories = kConnectionAcl,
                  .doc = {"Returns the given string.", "1.0.0", "connection", "O(1)"},
                  .handler = Echo});
  table.Register({.name = "quit", .arity = -1,
                  .flags = kSessionFlags | command::kTransactionControl | command::kSubscribedContext,
                  .acl_categories = kConnectionAcl,
                  .doc = {"Closes the connection.", "1.0.0", "connection", "O(1)"},
                  .handler = Quit});
  table.Register({.name = "hello", .arity = -1, .flags = kSessionFlags,
                  .acl_categories = kConnectionAcl,
                  .doc = {"Handshakes with the Redis server.", "6.0.0", "connection", "O(1)"},
                  .handler = Hello});
  table.Register({.name = "auth", .arity = -2, .flags = kSessionFlags,
                  .acl_categories = kConnectionAcl,
                  .doc = {"Authenticates the connection.", "1.0.0", "connection",
                          "O(N) where N is the number of passwords defined for the user"},
                  .handler = Auth});
  table.Register({.name = "select", .arity = 2,
                  .flags = command::kLoading | command::kStale | command::kFast,
                  .acl_categories = kConnectionAcl,
                  .doc = {"Changes the selected database.", "1.0.0", "connection", "O(1)"},
                  .handler = Select});
  table.Register({.name = "reset", .arity = 1,
                  .flags = kSessionFlags | command::kTransactionControl | command::kSubscribedContext,
                  .acl_categories = kConnectionAcl,
                  .doc = {"Resets the connection.", "6.2.0", "connection", "O(1)"},
                  .handler = Reset});
}

}  // namespace runnel
