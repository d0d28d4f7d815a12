// ConfigSchema: the one table of configuration options (name, type, default,
// bounds, whether CONFIG SET may change it) bound to ServerConfig's fields.
//
// It parses and formats values the way redis.conf and CONFIG GET do: memory
// sizes accept k/kb/m/mb/g/gb (1k = 1000, 1kb = 1024, like Redis), booleans
// yes/no, enums by name. The file reader, command-line flags and CONFIG
// GET/SET/REWRITE all go through it, so an option is declared exactly once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/config/server_config.h"

namespace runnel::config {

enum class OptionType : uint8_t { kInteger, kMemory, kBool, kString, kEnum, kStringList };

enum class Mutability : uint8_t {
  kImmutable,  // only from the config file or command line
  kMutable,    // CONFIG SET changes it at runtime
};

struct OptionSpec {
  std::string_view name;  // lower case, as in redis.conf
  OptionType type;
  Mutability mutability;
  int64_t min = 0;        // for kInteger / kMemory
  int64_t max = INT64_MAX;
  std::vector<std::string_view> enum_values;  // for kEnum, in declaration order
  // Whether the value is hidden in CONFIG GET (e.g. requirepass is shown, as Redis does).
  bool sensitive = false;
};

class ConfigSchema {
 public:
  ConfigSchema();

  const std::vector<OptionSpec>& options() const;
  // Case-insensitive lookup; nullptr when unknown.
  const OptionSpec* Find(std::string_view name) const;

  // Parses `args` (the words after the name on a redis.conf line, or the value
  // of CONFIG SET split the same way) and stores them in `config`. Errors carry
  // Redis's wording for the reason, e.g. "argument couldn't be parsed into an
  // integer", "argument must be between 1 and 65535 inclusive".
  absl::Status Set(ServerConfig& config, const OptionSpec& option,
                   const std::vector<std::string>& args) const;
  // The value as CONFIG GET and CONFIG REWRITE print it (memory in bytes,
  // booleans yes/no, lists space-separated).
  std::string Get(const ServerConfig& config, const OptionSpec& option) const;
  // Options whose name matches the Redis glob `pattern`, with their values,
  // in table order (CONFIG GET).
  std::vector<std::pair<std::string, std::string>> Match(const ServerConfig& config,
                                                         std::string_view pattern) const;
};

// Parses "100", "1k", "1kb", "2mb", "1gb" (case-insensitive) into bytes.
absl::StatusOr<int64_t> ParseMemory(std::string_view text);

}  // namespace runnel::config
