// Loading configuration like redis-server: an optional redis.conf-style file,
// then "--name value ..." flags from the command line, applied in that order.
//
//   runnel-server [/path/to/runnel.conf] [--port 6380] [--bind 127.0.0.1 ::1]
//
// Lines are split like Redis's sdssplitargs: words separated by spaces, "..."
// with C escapes (\n, \xNN), '...' literal. Comments start with '#'. An unknown
// directive or a bad value stops start-up with a message naming the line, the
// directive and the reason, as redis-server's "FATAL CONFIG FILE ERROR" does.
// CONFIG REWRITE rewrites the file in place: lines for options that changed
// are replaced, other lines and comments are kept, new options are appended.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/config/config_schema.h"
#include "server/config/server_config.h"

namespace runnel::config {

// redis-server's "FATAL CONFIG FILE ERROR" text for `line` (number
// `line_number` of `origin`, which may be empty) failing for `reason`.
std::string FatalError(std::string_view origin, int line_number, std::string_view line,
                       std::string_view reason);

// Splits one line into words as Redis's sdssplitargs does; error on unbalanced quotes.
absl::StatusOr<std::vector<std::string>> SplitConfigLine(std::string_view line);

// Applies the text of a config file; `origin` names it in error messages.
absl::Status ApplyConfigText(const ConfigSchema& schema, std::string_view text,
                             std::string_view origin, ServerConfig& config);

// Parses argv (without argv[0]): an optional config file path first, then
// --name value... groups. Sets config.config_file when a file was given.
absl::Status LoadConfig(const ConfigSchema& schema, const std::vector<std::string>& argv,
                        ServerConfig& config);

// CONFIG REWRITE: rewrites config.config_file to hold the current values of
// every option that differs from its default (and keeps unrelated lines).
absl::Status RewriteConfigFile(const ConfigSchema& schema, const ServerConfig& config);

}  // namespace runnel::config
