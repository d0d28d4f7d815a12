#include "server/commands/help_reply.h"

#include "engine/base/strings.h"

namespace runnel {

void ReplyHelp(resp::ReplyBuilder& reply, std::string_view command,
               std::initializer_list<std::string_view> lines) {
  std::string upper = base::AsciiUpper(command);
  reply.Array(lines.size() + 3);
  reply.SimpleString(
      base::StrCat(upper, " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  for (std::string_view line : lines) reply.SimpleString(line);
  reply.SimpleString("HELP");
  reply.SimpleString("    Prints this help.");
}

}  // namespace runnel
