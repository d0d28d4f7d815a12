// Replies to "<CMD> HELP" as Redis's addReplyHelp does: a header line naming
// the command, the given lines, then the HELP entry, each a simple string.
#pragma once

#include <initializer_list>
#include <string_view>

#include "server/resp/resp_writer.h"

namespace runnel {

void ReplyHelp(resp::ReplyBuilder& reply, std::string_view command,
               std::initializer_list<std::string_view> lines);

}  // namespace runnel
