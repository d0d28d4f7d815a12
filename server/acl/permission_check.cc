#include "server/acl/permission_check.h"

#include "server/command/command_keys.h"

namespace runnel::acl {

Denial CheckPermission(const User& user, const command::ResolvedCommand& command,
                       std::span<const std::string_view> args) {
  if (!user.CanRun(command)) return {.kind = Denial::Kind::kCommand};
  Denial denial;
  command::ForEachKey(*command.spec, args, [&](std::string_view key) {
    if (user.CanAccessKey(key)) return true;
    denial = {.kind = Denial::Kind::kKey, .key = key};
    return false;
  });
  return denial;
}

}  // namespace runnel::acl
