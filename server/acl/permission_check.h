// Whether a user may run one call: the command against its rules, then each
// key argument against its patterns. The dispatcher turns a denial into
// -NOPERM; ACL DRYRUN into its own text. Channels are not checked
// (docs/security.md).
#pragma once

#include <span>
#include <string_view>

#include "server/acl/user.h"
#include "server/command/command_table.h"

namespace runnel::acl {

struct Denial {
  enum class Kind : uint8_t { kNone, kCommand, kKey };
  Kind kind = Kind::kNone;
  std::string_view key;  // kKey: the first key refused (a view into the args)
};

Denial CheckPermission(const User& user, const command::ResolvedCommand& command,
                       std::span<const std::string_view> args);

}  // namespace runnel::acl
