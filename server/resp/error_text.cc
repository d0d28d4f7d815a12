#include "server/resp/error_text.h"

#include "engine/base/strings.h"

namespace runnel::resp {

std::string UnknownSubcommandOrArity(std::string_view sub, std::string_view command) {
  return base::StrCat("ERR unknown subcommand or wrong number of arguments for '",
                      sub.substr(0, 128), "'. Try ", base::AsciiUpper(command), " HELP.");
}

std::string EngineError(const absl::Status& status) {
  return base::StrCat("ERR ", base::ToStd(status.message()));
}

}  // namespace runnel::resp
