#include "server/acl/permission_check.h"

#include "server/command/command_keys.h"

namespace runnel::acl {
namespace {

// The channel arguments of `args`, as Redis's getChannelsFromCommand reports
// those flagged for publishing or subscribing: every argument of the
// subscribe commands, the first of the publish commands. Unsubscribing is
// never refused, so UNSUBSCRIBE and PUNSUBSCRIBE are not listed.
std::span<const std::string_view> ChannelArgs(const command::CommandSpec& spec,
                                              std::span<const std::string_view> args) {
  if (!(spec.flags & command::kPubSub) || args.size() < 2) return {};
  if (spec.name == "subscribe" || spec.name == "ssubscribe" || spec.name == "psubscribe") {
    return args.subspan(1);
  }
  if (spec.name == "publish" || spec.name == "spublish") return args.subspan(1, 1);
  return {};
}

}  // namespace

Denial CheckPermission(const User& user, const command::ResolvedCommand& command,
                       std::span<const std::string_view> args) {
  // AUTH and HELLO (no-auth commands) are never refused, so any user can
  // switch to another, as Redis's ACLSelectorCheckCmd skips CMD_NO_AUTH.
  if (!user.CanRun(command) && !(command.spec->flags & command::kNoAuth)) return {.kind = Denial::Kind::kCommand};
  Denial denial;
  command::ForEachKey(*command.spec, args, [&](std::string_view key) {
    if (user.CanAccessKey(key)) return true;
    denial = {.kind = Denial::Kind::kKey, .object = key};
    return false;
  });
  if (denial.kind != Denial::Kind::kNone || user.all_channels()) return denial;
  const User::ChannelUse use =
      command.spec->name == "psubscribe" ? User::ChannelUse::kPattern : User::ChannelUse::kChannel;
  for (std::string_view channel : ChannelArgs(*command.spec, args)) {
    if (!user.CanAccessChannel(channel, use)) return {.kind = Denial::Kind::kChannel, .object = channel};
  }
  return denial;
}

}  // namespace runnel::acl
