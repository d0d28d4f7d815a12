#include "server/command/arg_parser.h"

#include "engine/base/strings.h"

namespace runnel::command {

bool ArgCursor::Match(std::string_view keyword) {
  if (done() || !base::EqualsIgnoreCase(args_[pos_], keyword)) return false;
  ++pos_;
  return true;
}

}  // namespace runnel::command
