// XCLAIM and XAUTOCLAIM: pending entries of a consumer group change owner
// (group_claims.h). Each handler parses with Redis 7.2's checks in its order,
// runs the claim, then replies the claimed entries (or, with JUSTID, their
// IDs).
//
// XCLAIM key group consumer min-idle-time id ... [IDLE ms] [TIME ms]
//        [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]
//   -> [entry...] | [id...]
// XAUTOCLAIM key group consumer min-idle-time start [COUNT n] [JUSTID]
//   -> [next-start, [entry...] | [id...], [deleted-id...]]   (the 7.0 reply)
#include <optional>
#include <string>
#include <vector>

#include "engine/base/strings.h"
#include "engine/stream/group_claims.h"
#include "engine/stream/stream.h"
#include "server/command/arg_parser.h"
#include "server/command/command_context.h"
#include "server/commands/families.h"
#include "server/commands/keyspace_notify.h"
#include "server/commands/stream_reply.h"
#include "server/connection.h"
#include "server/resp/error_text.h"
#include "server/server.h"

namespace runnel {
namespace {

using command::CommandContext;
using stream::Stream;
using stream::StreamId;

// XAUTOCLAIM's COUNT bound: Redis allocates COUNT IDs and visits 10 * COUNT
// entries, so it refuses what would overflow either (LONG_MAX / 16).
constexpr int64_t kMaxAutoClaimCount = INT64_MAX / 16;

// The stream and group the claim is about; replies WRONGTYPE or NOGROUP
// and returns nullptr when there is none.
Stream* FindGroupStream(CommandContext& ctx) {
  bool failed;
  Stream* stream = FindStream(ctx, ctx.arg(1), Lookup::kRead, &failed);
  if (failed) return nullptr;
  if (stream == nullptr || stream->groups().Find(ctx.arg(2)) == nullptr) {
    ctx.reply().Error(base::StrCat("NOGROUP No such key '", ctx.arg(1), "' or consumer group '", ctx.arg(2), "'"));
    return nullptr;
  }
  return stream;
}

// min-idle-time: an integer (negative counts as 0), else Redis's error
// naming the command.
std::optional<int64_t> ParseMinIdle(CommandContext& ctx, std::string_view command) {
  std::optional<int64_t> ms = command::ParseInt64(ctx.arg(4));
  if (!ms) {
    ctx.reply().Error(base::StrCat("ERR Invalid min-idle-time argument for ", command));
    return std::nullopt;
  }
  return *ms < 0 ? 0 : *ms;
}

// The claimed entries, or with JUSTID their IDs. Every claimed entry exists
// (the claim checked); one the log cannot give back closes the connection,
// as a broken reply cannot be finished.
void ReplyClaimed(CommandContext& ctx, Stream& stream, const std::vector<StreamId>& claimed,
                  stream::ClaimCount mode) {
  ctx.reply().Array(claimed.size());
  for (StreamId id : claimed) {
    if (mode == stream::ClaimCount::kKeep) {
      ReplyId(ctx.reply(), id);
    } else if (!ReplyEntryAt(ctx.reply(), stream, id)) {
      ctx.conn.close_requested = true;
      return;
    }
  }
}

// XCLAIM's options after its IDs. Returns false after replying an error.
bool ParseClaimOptions(CommandContext& ctx, size_t first, int64_t now_ms, stream::ClaimOptions* options) {
  std::optional<int64_t> delivery_ms;
  for (size_t i = first; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    const bool more = i + 1 < ctx.argc();
    if (base::EqualsIgnoreCase(option, "FORCE")) {
      options->force = true;
    } else if (base::EqualsIgnoreCase(option, "JUSTID")) {
      options->count_mode = stream::ClaimCount::kKeep;
    } else if (base::EqualsIgnoreCase(option, "IDLE") && more) {
      std::optional<int64_t> idle = command::ParseInt64(ctx.arg(++i));
      if (!idle) return ctx.reply().Error("ERR Invalid IDLE option argument for XCLAIM"), false;
      // A negative idle time, or one before the epoch, is "now" (below).
      delivery_ms = *idle < 0 || *idle > now_ms ? -1 : now_ms - *idle;
    } else if (base::EqualsIgnoreCase(option, "TIME") && more) {
      delivery_ms = command::ParseInt64(ctx.arg(++i));
      if (!delivery_ms) return ctx.reply().Error("ERR Invalid TIME option argument for XCLAIM"), false;
    } else if (base::EqualsIgnoreCase(option, "RETRYCOUNT") && more) {
      std::optional<int64_t> retries = command::ParseInt64(ctx.arg(++i));
      if (!retries) return ctx.reply().Error("ERR Invalid RETRYCOUNT option argument for XCLAIM"), false;
      // Negative: as if not given (Redis). Above 32 bits: saturated.
      if (*retries >= 0) options->retry_count = static_cast<uint32_t>(std::min<int64_t>(*retries, UINT32_MAX));
    } else if (base::EqualsIgnoreCase(option, "LASTID") && more) {
      absl::StatusOr<stream::ParsedId> id = stream::ParseId(ctx.arg(++i), stream::IdSyntax::kStrict);
      if (!id.ok()) return ctx.reply().Error(resp::EngineError(id.status())), false;
      options->last_id = id->id;
    } else {
      return ctx.reply().Error(base::StrCat("ERR Unrecognized XCLAIM option '", option, "'")), false;
    }
  }
  // Redis does not fail a claim over a client's clock: a delivery time in
  // the future (or negative) becomes now.
  if (delivery_ms.has_value() && *delivery_ms >= 0 && *delivery_ms <= now_ms) options->delivery_ms = delivery_ms;
  return true;
}

void XClaim(CommandContext& ctx) {
  Stream* stream = FindGroupStream(ctx);
  if (stream == nullptr) return;
  std::optional<int64_t> min_idle = ParseMinIdle(ctx, "XCLAIM");
  if (!min_idle) return;
  // IDs run up to the first argument that is not one; options follow, so
  // an ID after an option is an unknown option (as in Redis).
  std::vector<StreamId> ids;
  size_t i = 5;
  for (; i < ctx.argc(); ++i) {
    absl::StatusOr<stream::ParsedId> id = stream::ParseId(ctx.arg(i), stream::IdSyntax::kStrict);
    if (!id.ok()) break;
    ids.push_back(id->id);
  }
  const auto now_ms = static_cast<int64_t>(NowMs());
  stream::ClaimOptions options{.min_idle_ms = *min_idle};
  if (!ParseClaimOptions(ctx, i, now_ms, &options)) return;

  const ConsumerCreation creation(ctx, *stream, ctx.arg(2), ctx.arg(3));
  absl::StatusOr<std::vector<StreamId>> claimed =
      stream::Claim(*stream, ctx.arg(2), ctx.arg(3), ids, options, now_ms);
  if (!claimed.ok()) return ctx.reply().Error(resp::EngineError(claimed.status()));
  creation.Report(ctx, ctx.arg(1));
  ReplyClaimed(ctx, *stream, *claimed, options.count_mode);
}

void XAutoClaim(CommandContext& ctx) {
  // Arguments first, so a syntax error is reported before a missing key.
  std::optional<int64_t> min_idle = ParseMinIdle(ctx, "XAUTOCLAIM");
  if (!min_idle) return;
  absl::StatusOr<stream::ParsedId> start = stream::ParseId(ctx.arg(5), stream::IdSyntax::kExclusiveRangeBound);
  if (!start.ok()) return ctx.reply().Error(resp::EngineError(start.status()));
  StreamId from = start->id;
  if (start->exclusive) {
    std::optional<StreamId> next = stream::Successor(from);
    if (!next) return ctx.reply().Error("ERR invalid start ID for the interval");
    from = *next;
  }
  int64_t count = 100;
  auto mode = stream::ClaimCount::kIncrement;
  for (size_t i = 6; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    if (base::EqualsIgnoreCase(option, "COUNT") && i + 1 < ctx.argc()) {
      std::optional<int64_t> n = command::ParseInt64(ctx.arg(++i));
      if (!n || *n < 1 || *n > kMaxAutoClaimCount) return ctx.reply().Error("ERR COUNT must be > 0");
      count = *n;
    } else if (base::EqualsIgnoreCase(option, "JUSTID")) {
      mode = stream::ClaimCount::kKeep;
    } else {
      return ctx.reply().Error(resp::kSyntaxError);
    }
  }
  Stream* stream = FindGroupStream(ctx);
  if (stream == nullptr) return;

  const ConsumerCreation creation(ctx, *stream, ctx.arg(2), ctx.arg(3));
  absl::StatusOr<stream::AutoClaimResult> result =
      stream::AutoClaim(*stream, ctx.arg(2), ctx.arg(3), from, static_cast<uint64_t>(count), *min_idle, mode,
                        static_cast<int64_t>(NowMs()));
  if (!result.ok()) return ctx.reply().Error(resp::EngineError(result.status()));
  creation.Report(ctx, ctx.arg(1));
  ctx.reply().Array(3);
  ReplyId(ctx.reply(), result->next_start);
  ReplyClaimed(ctx, *stream, result->claimed, mode);
  if (ctx.conn.close_requested) return;
  ctx.reply().Array(result->deleted.size());
  for (StreamId id : result->deleted) ReplyId(ctx.reply(), id);
}

}  // namespace

void RegisterClaimCommands(command::CommandTable& table) {
  using namespace command;  // NOLINT: flag names
  table.Register({.name = "xclaim", .arity = -6, .flags = kWrite | kFast,
                  .acl_categories = kAclWrite | kAclStream | kAclFast, .keys = {1, 1, 1},
                  .doc = {"Changes, or acquires, ownership of a message in a consumer group, as if the message "
                          "was delivered a consumer group member.",
                          "5.0.0", "stream", "O(log N) with N being the number of messages in the PEL of the "
                          "consumer group."},
                  .handler = XClaim});
  table.Register({.name = "xautoclaim", .arity = -6, .flags = kWrite | kFast,
                  .acl_categories = kAclWrite | kAclStream | kAclFast, .keys = {1, 1, 1},
                  .doc = {"Changes, or acquires, ownership of messages in a consumer group, as if the messages "
                          "were delivered to as consumer group member.",
                          "6.2.0", "stream", "O(1) if COUNT is small."},
                  .handler = XAutoClaim});
}

}  // namespace runnel
