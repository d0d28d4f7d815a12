// Whether a user may run one call: the command against its rules, then each
// key argument against its key patterns, then each channel argument
// (SUBSCRIBE, SSUBSCRIBE, PSUBSCRIBE, PUBLISH, SPUBLISH) against its channel
// patterns, in Redis 7.0's order. The dispatcher turns a denial into
// -NOPERM and an ACL LOG entry; ACL DRYRUN into its own text.
#pragma once

#include <span>
#include <string_view>

#include "server/acl/user.h"
#include "server/command/command_table.h"

namespace runnel::acl {

struct Denial {
  enum class Kind : uint8_t { kNone, kCommand, kKey, kChannel };
  Kind kind = Kind::kNone;
  // kKey / kChannel: the first key or channel refused (a view into the args).
  std::string_view object;
};

Denial CheckPermission(const User& user, const command::ResolvedCommand& command,
                       std::span<const std::string_view> args);

}  // namespace runnel::acl
