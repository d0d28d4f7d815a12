// The option table and the value grammar shared by redis.conf, --flags and
// CONFIG GET/SET/REWRITE. Error reasons are Redis 7 config.c's, word for word,
// because clients and test suites match on them.
//
// To add an option: add the field to ServerConfig, then one row to
// BuildTable() below (name, mutability, bounds, Bind<&ServerConfig::field>()),
// plus a check function if Redis has an is_valid_fn for it.
#include "server/config/config_schema.h"

#include <climits>
#include <type_traits>
#include <utility>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "engine/base/strings.h"
#include "engine/pubsub/glob_match.h"
#include "engine/pubsub/keyspace_events.h"
#include "server/config/output_buffer_limits.h"

namespace runnel::config {
namespace {

// A parsed value: kInteger/kMemory/kEnum hold int64_t (an enum as its index in
// enum_values), kBool bool, kString string, kStringList the words.
using Value = std::variant<int64_t, bool, std::string, std::vector<std::string>>;

// Reads and writes the ServerConfig field an option is bound to.
struct Field {
  Value (*load)(const ServerConfig&);
  void (*store)(ServerConfig&, Value&&);
};

// Redis's is_valid_fn: a check on a parsed value before it is stored.
using Check = absl::Status (*)(const Value&);

struct OptionDef {
  OptionSpec spec;
  Field field;
  Check check = nullptr;
};

// Binds a ServerConfig member. Enum members are stored by index, so an enum's
// enumerators must be declared in the order of the option's enum_values (see
// the static_asserts next to the table).
template <auto kMember>
Field Bind() {
  using T = std::remove_cvref_t<decltype(std::declval<ServerConfig&>().*kMember)>;
  return Field{[](const ServerConfig& config) -> Value {
                 if constexpr (std::is_enum_v<T>) {
                   return static_cast<int64_t>(config.*kMember);
                 } else {
                   return config.*kMember;
                 }
               },
               [](ServerConfig& config, Value&& value) {
                 if constexpr (std::is_enum_v<T>) {
                   config.*kMember = static_cast<T>(std::get<int64_t>(value));
                 } else {
                   config.*kMember = std::get<T>(std::move(value));
                 }
               }};
}

OptionDef Numeric(OptionType type, std::string_view name, Mutability mutability, int64_t min,
                  int64_t max, Field field) {
  return OptionDef{
      OptionSpec{.name = name, .type = type, .mutability = mutability, .min = min, .max = max},
      field};
}
OptionDef Integer(std::string_view name, Mutability mutability, int64_t min, int64_t max,
                  Field field) {
  return Numeric(OptionType::kInteger, name, mutability, min, max, field);
}
OptionDef Memory(std::string_view name, Mutability mutability, int64_t min, int64_t max,
                 Field field) {
  return Numeric(OptionType::kMemory, name, mutability, min, max, field);
}
OptionDef Enum(std::string_view name, Mutability mutability, std::vector<std::string_view> values,
               Field field) {
  return OptionDef{OptionSpec{.name = name,
                              .type = OptionType::kEnum,
                              .mutability = mutability,
                              .enum_values = std::move(values)},
                   field};
}
OptionDef Plain(OptionType type, std::string_view name, Mutability mutability, Field field,
                Check check = nullptr) {
  return OptionDef{OptionSpec{.name = name, .type = type, .mutability = mutability}, field, check};
}
// Redis's SENSITIVE_CONFIG: the value is redacted from SLOWLOG / MONITOR /
// command logs. CONFIG GET still shows it, as Redis does.
OptionDef Sensitive(OptionDef def) {
  def.spec.sensitive = true;
  return def;
}

// Redis's CONFIG_BINDADDR_MAX.
constexpr size_t kMaxBindAddresses = 16;

absl::Status CheckBind(const Value& value) {
  if (std::get<std::vector<std::string>>(value).size() > kMaxBindAddresses) {
    return absl::InvalidArgumentError("Too many bind addresses specified.");
  }
  return absl::OkStatus();
}

// Runnel has no fork-and-detach: a service manager supervises it.
absl::Status CheckDaemonize(const Value& value) {
  if (std::get<bool>(value)) {
    return absl::InvalidArgumentError("daemonize is not supported; run under a service manager");
  }
  return absl::OkStatus();
}

// The stream log is the only persistence and cannot be turned off.
absl::Status CheckAppendonly(const Value& value) {
  if (!std::get<bool>(value)) {
    return absl::InvalidArgumentError(
        "argument must be 'yes' in Runnel: the stream log is always on");
  }
  return absl::OkStatus();
}

// Redis's string2ll: optional '-', no '+', no leading zeros or spaces, no overflow.
bool ParseStrictInt(std::string_view text, int64_t* out) {
  if (text == "0") {
    *out = 0;
    return true;
  }
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text[0] < '1' || text[0] > '9') return false;
  uint64_t magnitude = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (UINT64_MAX - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
  }
  if (negative) {
    if (magnitude > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(magnitude);
  }
  return true;
}

// Redis's setConfigSaveOption: "seconds changes" pairs, seconds >= 1 and
// changes >= 0 (Runnel keeps them only to print them back).
absl::Status CheckSave(const Value& value) {
  const auto& words = std::get<std::vector<std::string>>(value);
  const absl::Status invalid = absl::InvalidArgumentError("Invalid save parameters");
  if (words.size() % 2 != 0) return invalid;
  for (size_t i = 0; i < words.size(); ++i) {
    int64_t number = 0;
    if (!ParseStrictInt(words[i], &number) || number < (i % 2 == 0 ? 1 : 0)) return invalid;
  }
  return absl::OkStatus();
}

// notify-keyspace-events: flags in the config, Redis's letters outside.
absl::Status CheckKeyspaceEvents(const Value& value) {
  return pubsub::ParseKeyspaceEventFlags(std::get<std::string>(value)).status();
}
Field KeyspaceEventsField() {
  return Field{[](const ServerConfig& config) -> Value {
                 return pubsub::FormatKeyspaceEventFlags(config.notify_keyspace_events);
               },
               [](ServerConfig& config, Value&& value) {
                 config.notify_keyspace_events = *pubsub::ParseKeyspaceEventFlags(std::get<std::string>(value));
               }};
}

// client-output-buffer-limit: a value names only the classes it changes.
absl::Status CheckOutputBufferLimits(const Value& value) {
  return ApplyOutputBufferLimits(std::get<std::vector<std::string>>(value), nullptr);
}
Field OutputBufferLimitsField() {
  return Field{[](const ServerConfig& config) -> Value {
                 return FormatOutputBufferLimits(config.client_output_buffer_limit);
               },
               [](ServerConfig& config, Value&& value) {
                 (void)ApplyOutputBufferLimits(std::get<std::vector<std::string>>(value),
                                               &config.client_output_buffer_limit);
               }};
}

static_assert(static_cast<int>(io::IoBackend::kEpoll) == 1, "io-backend enum_values order");
static_assert(static_cast<int>(io::tls::ClientAuth::kOptional) == 2, "tls-auth-clients enum_values order");
static_assert(static_cast<int>(LogLevel::kNothing) == 4, "loglevel enum_values order");
static_assert(static_cast<int>(AppendFsync::kNo) == 2, "appendfsync enum_values order");
static_assert(static_cast<int>(AclPubsubDefault::kResetChannels) == 1, "acl-pubsub-default enum_values order");
static_assert(static_cast<int>(keyspace::EvictionPolicy::kNoEviction) == 7,
              "maxmemory-policy enum_values order");

constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kLongMax = LONG_MAX;
constexpr int64_t kOneKb = 1024;
constexpr int64_t kOneMb = 1024 * kOneKb;
constexpr int64_t kOneGb = 1024 * kOneMb;

// Table order is the CONFIG GET order. Bounds, mutability and names follow
// Redis 7 config.c, except that Runnel fixes port/bind/dir at start-up and
// bounds hz to 1..500 rather than clamping it. segment-max-bytes and
// open-segments-max are Runnel's own (the stream log's segment files).
std::vector<OptionDef> BuildTable() {
  using enum Mutability;
  using enum OptionType;
  return {
      // Network.
      Integer("port", kImmutable, 0, 65535, Bind<&ServerConfig::port>()),
      Plain(kStringList, "bind", kImmutable, Bind<&ServerConfig::bind>(), CheckBind),
      Integer("tcp-backlog", kImmutable, 0, kIntMax, Bind<&ServerConfig::tcp_backlog>()),
      Integer("maxclients", kMutable, 1, kIntMax, Bind<&ServerConfig::maxclients>()),
      Integer("timeout", kMutable, 0, kIntMax, Bind<&ServerConfig::timeout>()),
      Integer("tcp-keepalive", kMutable, 0, kIntMax, Bind<&ServerConfig::tcp_keepalive>()),
      Enum("io-backend", kImmutable, {"uring", "epoll"}, Bind<&ServerConfig::io_backend>()),
      // Data and databases.
      Plain(kString, "dir", kImmutable, Bind<&ServerConfig::dir>()),
      Integer("databases", kImmutable, 1, kIntMax, Bind<&ServerConfig::databases>()),
      // Persistence.
      Plain(kStringList, "save", kMutable, Bind<&ServerConfig::save>(), CheckSave),
      Plain(kBool, "appendonly", kMutable, Bind<&ServerConfig::appendonly>(), CheckAppendonly),
      Enum("appendfsync", kMutable, {"always", "everysec", "no"},
           Bind<&ServerConfig::appendfsync>()),
      Memory("segment-max-bytes", kMutable, 64 * kOneKb, kOneGb,
             Bind<&ServerConfig::segment_max_bytes>()),
      Integer("open-segments-max", kMutable, 16, 65536, Bind<&ServerConfig::open_segments_max>()),
      // Security.
      Sensitive(Plain(kString, "requirepass", kMutable, Bind<&ServerConfig::requirepass>())),
      Plain(kBool, "protected-mode", kMutable, Bind<&ServerConfig::protected_mode>()),
      Plain(kString, "aclfile", kImmutable, Bind<&ServerConfig::aclfile>()),
      Integer("acllog-max-len", kMutable, 0, INT64_MAX, Bind<&ServerConfig::acllog_max_len>()),
      Enum("acl-pubsub-default", kMutable, {"allchannels", "resetchannels"},
           Bind<&ServerConfig::acl_pubsub_default>()),
      // TLS. As in Redis, CONFIG SET of a file or option rebuilds the context
      // (Server::ApplyTlsConfig refuses a change that does not load); tls-port
      // is fixed at start-up, like port.
      Integer("tls-port", kImmutable, 0, 65535, Bind<&ServerConfig::tls_port>()),
      Plain(kString, "tls-cert-file", kMutable, Bind<&ServerConfig::tls_cert_file>()),
      Plain(kString, "tls-key-file", kMutable, Bind<&ServerConfig::tls_key_file>()),
      Sensitive(Plain(kString, "tls-key-file-pass", kMutable, Bind<&ServerConfig::tls_key_file_pass>())),
      Plain(kString, "tls-ca-cert-file", kMutable, Bind<&ServerConfig::tls_ca_cert_file>()),
      Plain(kString, "tls-ca-cert-dir", kMutable, Bind<&ServerConfig::tls_ca_cert_dir>()),
      Enum("tls-auth-clients", kMutable, {"no", "yes", "optional"},
           Bind<&ServerConfig::tls_auth_clients>()),
      Plain(kString, "tls-protocols", kMutable, Bind<&ServerConfig::tls_protocols>()),
      Plain(kString, "tls-ciphers", kMutable, Bind<&ServerConfig::tls_ciphers>()),
      Plain(kString, "tls-ciphersuites", kMutable, Bind<&ServerConfig::tls_ciphersuites>()),
      Plain(kBool, "tls-prefer-server-ciphers", kMutable,
            Bind<&ServerConfig::tls_prefer_server_ciphers>()),
      Plain(kBool, "tls-session-caching", kMutable, Bind<&ServerConfig::tls_session_caching>()),
      Integer("tls-session-cache-size", kMutable, 0, kIntMax,
              Bind<&ServerConfig::tls_session_cache_size>()),
      Integer("tls-session-cache-timeout", kMutable, 0, kIntMax,
              Bind<&ServerConfig::tls_session_cache_timeout>()),
      // Memory limit and eviction.
      Memory("maxmemory", kMutable, 0, INT64_MAX, Bind<&ServerConfig::maxmemory>()),
      Enum("maxmemory-policy", kMutable,
           {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
            "allkeys-lfu", "allkeys-random", "noeviction"},
           Bind<&ServerConfig::maxmemory_policy>()),
      Integer("maxmemory-samples", kMutable, 1, kIntMax, Bind<&ServerConfig::maxmemory_samples>()),
      Integer("maxmemory-eviction-tenacity", kMutable, 0, 100,
              Bind<&ServerConfig::maxmemory_eviction_tenacity>()),
      Integer("lfu-log-factor", kMutable, 0, kIntMax, Bind<&ServerConfig::lfu_log_factor>()),
      Integer("lfu-decay-time", kMutable, 0, kIntMax, Bind<&ServerConfig::lfu_decay_time>()),
      // Protocol limits.
      Memory("proto-max-bulk-len", kMutable, kOneMb, kLongMax,
             Bind<&ServerConfig::proto_max_bulk_len>()),
      Memory("client-query-buffer-limit", kMutable, kOneMb, kLongMax,
             Bind<&ServerConfig::client_query_buffer_limit>()),
      Plain(kStringList, "client-output-buffer-limit", kMutable, OutputBufferLimitsField(),
            CheckOutputBufferLimits),
      // Pub/sub.
      Plain(kString, "notify-keyspace-events", kMutable, KeyspaceEventsField(), CheckKeyspaceEvents),
      // Logging.
      Enum("loglevel", kMutable, {"debug", "verbose", "notice", "warning", "nothing"},
           Bind<&ServerConfig::loglevel>()),
      Plain(kString, "logfile", kImmutable, Bind<&ServerConfig::logfile>()),
      // Process.
      Plain(kBool, "daemonize", kImmutable, Bind<&ServerConfig::daemonize>(), CheckDaemonize),
      Plain(kString, "pidfile", kImmutable, Bind<&ServerConfig::pidfile>()),
      Integer("hz", kMutable, 1, 500, Bind<&ServerConfig::hz>()),
  };
}

// The table and the OptionSpec view of it; built once, immutable after.
struct Registry {
  std::vector<OptionDef> defs;
  std::vector<OptionSpec> specs;  // specs[i] == defs[i].spec
};

const Registry& GetRegistry() {
  static const Registry* const registry = [] {
    auto* r = new Registry{BuildTable(), {}};
    for (const OptionDef& def : r->defs) r->specs.push_back(def.spec);
    return r;
  }();
  return *registry;
}

// The row behind `option`, by name, so a copied OptionSpec works too.
const OptionDef* DefFor(const OptionSpec& option) {
  for (const OptionDef& def : GetRegistry().defs) {
    if (def.spec.name == option.name) return &def;
  }
  return nullptr;
}

absl::StatusOr<Value> ParseNumber(const OptionSpec& spec, const std::string& text) {
  int64_t number = 0;
  if (spec.type == OptionType::kMemory) {
    absl::StatusOr<int64_t> bytes = ParseMemory(text);
    if (!bytes.ok()) return bytes.status();
    number = *bytes;
  } else if (!ParseStrictInt(text, &number)) {
    return absl::InvalidArgumentError("argument couldn't be parsed into an integer");
  }
  if (number < spec.min || number > spec.max) {
    return absl::InvalidArgumentError(
        base::StrCat("argument must be between ", spec.min, " and ", spec.max, " inclusive"));
  }
  return number;
}

absl::StatusOr<Value> ParseEnum(const OptionSpec& spec, const std::string& text) {
  for (size_t i = 0; i < spec.enum_values.size(); ++i) {
    if (base::EqualsIgnoreCase(spec.enum_values[i], text)) return static_cast<int64_t>(i);
  }
  return absl::InvalidArgumentError(base::StrCat(
      "argument(s) must be one of the following: ",
      absl::StrJoin(spec.enum_values, ", ",
                    [](std::string* out, std::string_view value) { out->append(value); })));
}

// Parses the words after the option name; arity is checked by the caller.
absl::StatusOr<Value> ParseValue(const OptionSpec& spec, const std::vector<std::string>& args) {
  switch (spec.type) {
    case OptionType::kInteger:
    case OptionType::kMemory:
      return ParseNumber(spec, args[0]);
    case OptionType::kBool:
      if (base::EqualsIgnoreCase(args[0], "yes")) return true;
      if (base::EqualsIgnoreCase(args[0], "no")) return false;
      return absl::InvalidArgumentError("argument must be 'yes' or 'no'");
    case OptionType::kString:
      return args[0];
    case OptionType::kEnum:
      return ParseEnum(spec, args[0]);
    case OptionType::kStringList:
      // As Redis's bind: a single empty argument means "none".
      if (args.size() == 1 && args[0].empty()) return std::vector<std::string>{};
      return args;
  }
  return absl::InternalError("unknown option type");
}

std::string FormatValue(const OptionSpec& spec, const Value& value) {
  switch (spec.type) {
    case OptionType::kInteger:
    case OptionType::kMemory:
      return base::StrCat(std::get<int64_t>(value));
    case OptionType::kBool:
      return std::get<bool>(value) ? "yes" : "no";
    case OptionType::kString:
      return std::get<std::string>(value);
    case OptionType::kEnum: {
      const int64_t index = std::get<int64_t>(value);
      if (index < 0 || static_cast<size_t>(index) >= spec.enum_values.size()) return "unknown";
      return std::string(spec.enum_values[index]);
    }
    case OptionType::kStringList:
      return absl::StrJoin(std::get<std::vector<std::string>>(value), " ");
  }
  return "";
}

// Redis's memtoull units.
int64_t UnitMultiplier(std::string_view unit) {
  struct Unit {
    std::string_view name;
    int64_t multiplier;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},           {"b", 1},
      {"k", 1000},       {"kb", 1024},
      {"m", 1000000},    {"mb", 1024 * 1024},
      {"g", 1000000000}, {"gb", 1024 * 1024 * 1024},
  };
  for (const Unit& u : kUnits) {
    if (base::EqualsIgnoreCase(u.name, unit)) return u.multiplier;
  }
  return 0;
}

}  // namespace

ConfigSchema::ConfigSchema() { GetRegistry(); }

const std::vector<OptionSpec>& ConfigSchema::options() const { return GetRegistry().specs; }

const OptionSpec* ConfigSchema::Find(std::string_view name) const {
  for (const OptionSpec& spec : options()) {
    if (base::EqualsIgnoreCase(spec.name, name)) return &spec;
  }
  return nullptr;
}

absl::Status ConfigSchema::Set(ServerConfig& config, const OptionSpec& option,
                               const std::vector<std::string>& args) const {
  const OptionDef* def = DefFor(option);
  if (def == nullptr) return absl::InvalidArgumentError("unknown option");
  const bool list = option.type == OptionType::kStringList;
  if (list ? args.empty() : args.size() != 1) {
    return absl::InvalidArgumentError("wrong number of arguments");
  }
  absl::StatusOr<Value> value = ParseValue(def->spec, args);
  if (!value.ok()) return value.status();
  if (def->check != nullptr) {
    absl::Status valid = def->check(*value);
    if (!valid.ok()) return valid;
  }
  // Parsed and checked first, so a failed Set leaves `config` untouched.
  def->field.store(config, *std::move(value));
  return absl::OkStatus();
}

std::string ConfigSchema::Get(const ServerConfig& config, const OptionSpec& option) const {
  const OptionDef* def = DefFor(option);
  if (def == nullptr) return "";
  return FormatValue(def->spec, def->field.load(config));
}

std::vector<std::pair<std::string, std::string>> ConfigSchema::Match(
    const ServerConfig& config, std::string_view pattern) const {
  std::vector<std::pair<std::string, std::string>> out;
  // Like Redis's CONFIG GET, a name without glob characters is a plain
  // (case-insensitive) lookup, so a backslash in it is not an escape.
  if (pattern.find_first_of("[*?") == std::string_view::npos) {
    if (const OptionSpec* spec = Find(pattern)) {
      out.emplace_back(std::string(spec->name), Get(config, *spec));
    }
    return out;
  }
  for (const OptionSpec& spec : options()) {
    if (pubsub::GlobMatch(pattern, spec.name, pubsub::CaseSensitivity::kInsensitive)) {
      out.emplace_back(std::string(spec.name), Get(config, spec));
    }
  }
  return out;
}

absl::StatusOr<int64_t> ParseMemory(std::string_view text) {
  const absl::Status bad = absl::InvalidArgumentError("argument must be a memory value");
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  // Redis reads "" and "kb" as 0; Runnel refuses them, so that an empty
  // value never lifts maxmemory by accident.
  if (digits == 0) return bad;
  const int64_t multiplier = UnitMultiplier(text.substr(digits));
  if (multiplier == 0) return bad;  // unknown unit, a sign, a space, a fraction...
  int64_t number = 0;
  for (char c : text.substr(0, digits)) {
    if (number > (INT64_MAX - (c - '0')) / 10) return bad;
    number = number * 10 + (c - '0');
  }
  if (number > INT64_MAX / multiplier) return bad;
  return number * multiplier;
}

}  // namespace runnel::config
