// Server family: INFO, TIME, SHUTDOWN — the process as a whole.
#include <sys/time.h>

#include "engine/base/strings.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/connection.h"
#include "server/info/info_sections.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;

void Info(CommandContext& ctx) {
  std::vector<std::string_view> sections(ctx.args.begin() + 1, ctx.args.end());
  std::string text = info::RenderInfo(ctx.server, sections);
  // Redis 7 sends INFO as a verbatim string in RESP3.
  ctx.reply().Verbatim("txt", text);
}

void Time(CommandContext& ctx) {
  timeval tv;
  gettimeofday(&tv, nullptr);
  ctx.reply().Array(2);
  ctx.reply().Bulk(base::StrCat(tv.tv_sec));
  ctx.reply().Bulk(base::StrCat(tv.tv_usec));
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Runnel has no snapshot to
// save: its logs are synced on every shutdown, so SAVE and NOSAVE differ only
// in name. NOW and FORCE skip nothing that matters without replicas.
void Shutdown(CommandContext& ctx) {
  bool abort = false;
  bool save = false, nosave = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (base::EqualsIgnoreCase(opt, "nosave")) {
      nosave = true;
    } else if (base::EqualsIgnoreCase(opt, "save")) {
      save = true;
    } else if (base::EqualsIgnoreCase(opt, "now") || base::EqualsIgnoreCase(opt, "force")) {
      continue;
    } else if (base::EqualsIgnoreCase(opt, "abort")) {
      abort = true;
    } else {
      ctx.reply().Error(resp::kSyntaxError);
      return;
    }
  }
  if ((save && nosave) || (abort && ctx.argc() != 2)) {
    ctx.reply().Error(resp::kSyntaxError);
    return;
  }
  if (abort) {
    // A shutdown here is never paused waiting for replicas, so none can be aborted.
    ctx.reply().Error("ERR No shutdown in progress.");
    return;
  }
  // No reply on success: the connection closes with the others, as in Redis.
  ctx.server.RequestShutdown(base::StrCat("User requested shutdown (client id=",
                                          ctx.conn.client_id(), ")..."));
}

}  // namespace

void RegisterServerCommands(command::CommandTable& table) {
  table.Register({.name = "info", .arity = -1,
                  .flags = command::kLoading | command::kStale,
                  .acl_categories = command::kAclSlow | command::kAclDangerous,
                  .doc = {"Returns information and statistics about the server.", "1.0.0", "server",
                          "O(1)"},
                  .handler = Info});
  table.Register({.name = "time", .arity = 1,
                  .flags = command::kLoading | command::kStale | command::kFast,
                  .acl_categories = command::kAclFast,
                  .doc = {"Returns the server time.", "2.6.0", "server", "O(1)"},
                  .handler = Time});
  table.Register({.name = "shutdown", .arity = -1,
                  .flags = command::kAdmin | command::kNoScript | command::kLoading |
                           command::kStale | command::kNoMulti | command::kAllowBusy,
                  .acl_categories = command::kAclAdmin | command::kAclSlow | command::kAclDangerous,
                  .doc = {"Synchronously saves the database(s) to disk and shuts down the server.",
                          "1.0.0", "server", "O(N) when saving, where N is the total number of "
                          "keys in all databases when saving data, otherwise O(1)"},
                  .handler = Shutdown});
}

}  // namespace runnel
