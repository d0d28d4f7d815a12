#include "server/resp/error_text.h"

#include "engine/base/strings.h"

namespace runnel::resp {

std::string UnknownSubcommandOrArity(std::string_view sub, std::string_view command) {
  return base::StrCat("ERR unknown subcommand or wrong number of arguments for '",
                      sub.substr(0, 128), "'. Try ", base::AsciiUpper(command), " HELP.");
}

namespace {

// Redis formats these names with "%s", which ends a binary-safe name at its
// first NUL byte; replies match it.
std::string_view UpToNul(std::string_view s) { return s.substr(0, s.find('\0')); }

}  // namespace

std::string NoSuchGroupForKey(std::string_view group, std::string_view key) {
  return base::StrCat("NOGROUP No such consumer group '", UpToNul(group), "' for key name '", UpToNul(key), "'");
}

std::string NoSuchKeyOrGroup(std::string_view key, std::string_view group) {
  return base::StrCat("NOGROUP No such key '", UpToNul(key), "' or consumer group '", UpToNul(group), "'");
}

std::string EngineError(const absl::Status& status) {
  return base::StrCat("ERR ", base::ToStd(status.message()));
}

}  // namespace runnel::resp
