#include "server/config/config_schema.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace runnel::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

class ConfigSchemaTest : public ::testing::Test {
 protected:
  const OptionSpec& Spec(std::string_view name) {
    const OptionSpec* spec = schema_.Find(name);
    EXPECT_NE(spec, nullptr) << name;
    return *spec;
  }
  absl::Status Set(std::string_view name, std::vector<std::string> args) {
    return schema_.Set(config_, Spec(name), args);
  }
  // The reason a single-argument Set fails with ("" when it succeeds).
  std::string SetError(std::string_view name, std::string value) {
    return std::string(Set(name, {std::move(value)}).message());
  }
  // For a list option: the words of `value`, as CONFIG SET splits them.
  std::string SetWordsError(std::string_view name, std::string_view value) {
    std::vector<std::string> words = absl::StrSplit(std::string(value), ' ');
    return std::string(Set(name, std::move(words)).message());
  }
  std::string Get(std::string_view name) { return schema_.Get(config_, Spec(name)); }

  ConfigSchema schema_;
  ServerConfig config_;
};

TEST_F(ConfigSchemaTest, TableHoldsEveryOptionInOrder) {
  std::vector<std::string_view> names;
  for (const OptionSpec& spec : schema_.options()) names.push_back(spec.name);
  EXPECT_THAT(names, ElementsAre("port", "bind", "tcp-backlog", "maxclients", "timeout",
                                 "tcp-keepalive", "io-backend", "dir", "databases", "save",
                                 "appendonly", "appendfsync", "segment-max-bytes",
                                 "open-segments-max", "requirepass", "protected-mode", "aclfile", "acllog-max-len",
                                 "acl-pubsub-default",
                                 "tls-port", "tls-cert-file", "tls-key-file", "tls-key-file-pass",
                                 "tls-ca-cert-file", "tls-ca-cert-dir", "tls-auth-clients",
                                 "tls-protocols", "tls-ciphers", "tls-ciphersuites",
                                 "tls-prefer-server-ciphers", "tls-session-caching",
                                 "tls-session-cache-size", "tls-session-cache-timeout", "maxmemory",
                                 "maxmemory-policy", "maxmemory-samples",
                                 "maxmemory-eviction-tenacity", "lfu-log-factor", "lfu-decay-time",
                                 "proto-max-bulk-len", "client-query-buffer-limit",
                                 "client-output-buffer-limit", "notify-keyspace-events", "loglevel",
                                 "logfile", "daemonize", "pidfile", "hz"));
}

TEST_F(ConfigSchemaTest, OutputBufferLimitsChangeOnlyTheClassesNamed) {
  const OptionSpec& option = Spec("client-output-buffer-limit");
  EXPECT_EQ(schema_.Get(config_, option), "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  ASSERT_TRUE(schema_.Set(config_, option, {"pubsub", "1mb", "2k", "5"}).ok());
  ASSERT_TRUE(schema_.Set(config_, option, {"replica", "1", "2", "3", "NORMAL", "4", "5", "6"}).ok());
  EXPECT_EQ(schema_.Get(config_, option), "normal 4 5 6 slave 1 2 3 pubsub 1048576 2000 5");
  EXPECT_EQ(config_.client_output_buffer_limit[static_cast<size_t>(ClientClass::kPubSub)].soft_seconds, 5);
  // An empty value changes nothing; a bad one changes nothing either.
  ASSERT_TRUE(schema_.Set(config_, option, {""}).ok());
  EXPECT_EQ(SetWordsError("client-output-buffer-limit", "pubsub 1 2"),
            "Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(SetWordsError("client-output-buffer-limit", "master 1 2 3"),
            "Invalid client class specified in buffer limit configuration.");
  EXPECT_EQ(SetWordsError("client-output-buffer-limit", "normal 9 9 9 pubsub 1 2 -3"),
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  EXPECT_EQ(SetWordsError("client-output-buffer-limit", "pubsub x 2 3"),
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  EXPECT_EQ(schema_.Get(config_, option), "normal 4 5 6 slave 1 2 3 pubsub 1048576 2000 5");
}

TEST_F(ConfigSchemaTest, KeyspaceEventsPrintInRedisOrder) {
  const OptionSpec& option = Spec("notify-keyspace-events");
  ASSERT_TRUE(schema_.Set(config_, option, {"KEA"}).ok());
  EXPECT_EQ(schema_.Get(config_, option), "AKE");
  ASSERT_TRUE(schema_.Set(config_, option, {"tx$K"}).ok());
  EXPECT_EQ(schema_.Get(config_, option), "$xtK");
  EXPECT_EQ(SetError("notify-keyspace-events", "KZ"), "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  EXPECT_EQ(schema_.Get(config_, option), "$xtK");
}

// Catches a row bound to a field of the wrong type (Get or Set would throw).
TEST_F(ConfigSchemaTest, EveryOptionAcceptsWhatItPrints) {
  for (const OptionSpec& spec : schema_.options()) {
    const std::string printed = schema_.Get(config_, spec);
    std::vector<std::string> args = absl::StrSplit(printed, ' ');
    EXPECT_TRUE(schema_.Set(config_, spec, args).ok()) << spec.name << " " << printed;
    EXPECT_EQ(schema_.Get(config_, spec), printed) << spec.name;
  }
}

TEST_F(ConfigSchemaTest, FindIsCaseInsensitive) {
  EXPECT_EQ(schema_.Find("PORT"), schema_.Find("port"));
  EXPECT_EQ(schema_.Find("Proto-Max-Bulk-Len")->name, "proto-max-bulk-len");
  EXPECT_EQ(schema_.Find("no-such-option"), nullptr);
}

TEST_F(ConfigSchemaTest, MutabilityMatchesRedisWhereRunnelAllowsChange) {
  for (const char* name : {"port", "bind", "tcp-backlog", "io-backend", "dir", "databases",
                           "daemonize", "pidfile", "logfile", "tls-port"}) {
    EXPECT_EQ(Spec(name).mutability, Mutability::kImmutable) << name;
  }
  for (const char* name : {"maxclients", "timeout", "tcp-keepalive", "requirepass", "protected-mode",
                           "proto-max-bulk-len", "client-query-buffer-limit", "loglevel", "hz",
                           "save", "appendonly", "appendfsync", "segment-max-bytes",
                           "open-segments-max", "client-output-buffer-limit", "notify-keyspace-events",
                           "tls-cert-file", "tls-key-file", "tls-ca-cert-file", "tls-auth-clients",
                           "tls-protocols", "tls-ciphers"}) {
    EXPECT_EQ(Spec(name).mutability, Mutability::kMutable) << name;
  }
  EXPECT_TRUE(Spec("requirepass").sensitive);
  EXPECT_TRUE(Spec("tls-key-file-pass").sensitive);
  EXPECT_FALSE(Spec("port").sensitive);
}

TEST_F(ConfigSchemaTest, DefaultsFormatAsConfigGetPrintsThem) {
  EXPECT_EQ(Get("port"), "6379");
  EXPECT_EQ(Get("bind"), "127.0.0.1");
  EXPECT_EQ(Get("tcp-backlog"), "511");
  EXPECT_EQ(Get("io-backend"), "uring");
  EXPECT_EQ(Get("dir"), "./data");
  EXPECT_EQ(Get("requirepass"), "");
  EXPECT_EQ(Get("proto-max-bulk-len"), "536870912");
  EXPECT_EQ(Get("client-query-buffer-limit"), "1073741824");
  EXPECT_EQ(Get("loglevel"), "notice");
  EXPECT_EQ(Get("daemonize"), "no");
  EXPECT_EQ(Get("hz"), "10");
  EXPECT_EQ(Get("save"), "");
  EXPECT_EQ(Get("appendonly"), "yes");
  EXPECT_EQ(Get("appendfsync"), "everysec");
  EXPECT_EQ(Get("segment-max-bytes"), "67108864");
  EXPECT_EQ(Get("open-segments-max"), "1024");
  EXPECT_EQ(Get("maxmemory"), "0");
  EXPECT_EQ(Get("maxmemory-policy"), "noeviction");
  EXPECT_EQ(Get("maxmemory-samples"), "5");
  EXPECT_EQ(Get("lfu-log-factor"), "10");
  EXPECT_EQ(Get("lfu-decay-time"), "1");
  // redis-server 7.0.15's CONFIG GET tls-* defaults.
  EXPECT_EQ(Get("tls-port"), "0");
  EXPECT_EQ(Get("tls-cert-file"), "");
  EXPECT_EQ(Get("tls-auth-clients"), "yes");
  EXPECT_EQ(Get("tls-protocols"), "");
  EXPECT_EQ(Get("tls-prefer-server-ciphers"), "no");
  EXPECT_EQ(Get("tls-session-caching"), "yes");
  EXPECT_EQ(Get("tls-session-cache-size"), "20480");
  EXPECT_EQ(Get("tls-session-cache-timeout"), "300");
}

TEST_F(ConfigSchemaTest, MaxmemoryPolicyBindsTheEngineEnum) {
  EXPECT_TRUE(Set("maxmemory-policy", {"ALLKEYS-LFU"}).ok());
  EXPECT_EQ(config_.maxmemory_policy, keyspace::EvictionPolicy::kAllKeysLfu);
  EXPECT_TRUE(Set("maxmemory-policy", {"volatile-ttl"}).ok());
  EXPECT_EQ(config_.maxmemory_policy, keyspace::EvictionPolicy::kVolatileTtl);
  EXPECT_EQ(Get("maxmemory-policy"), "volatile-ttl");
}

TEST_F(ConfigSchemaTest, MaxmemoryZeroMeansNoLimitAndTakesUnits) {
  EXPECT_TRUE(Set("maxmemory", {"100mb"}).ok());
  EXPECT_EQ(config_.maxmemory, 100 * 1024 * 1024);
  EXPECT_TRUE(Set("maxmemory", {"0"}).ok());
  EXPECT_EQ(config_.maxmemory, 0);
  EXPECT_EQ(SetError("maxmemory", ""), "argument must be a memory value");
}

TEST_F(ConfigSchemaTest, IntegerParsesLikeString2ll) {
  EXPECT_TRUE(Set("port", {"6380"}).ok());
  EXPECT_EQ(config_.port, 6380);
  EXPECT_EQ(Get("port"), "6380");
  EXPECT_TRUE(Set("port", {"0"}).ok());
  EXPECT_EQ(config_.port, 0);
  for (const char* bad :
       {"abc", "", "+1", " 1", "1 ", "01", "-0", "1.5", "1k", "0x10", "99999999999999999999"}) {
    EXPECT_EQ(SetError("port", bad), "argument couldn't be parsed into an integer") << bad;
  }
}

TEST_F(ConfigSchemaTest, IntegerBoundsUseRedisWording) {
  EXPECT_EQ(SetError("port", "65536"), "argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(SetError("port", "-1"), "argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(SetError("maxclients", "0"), "argument must be between 1 and 2147483647 inclusive");
  EXPECT_EQ(SetError("timeout", "2147483648"),
            "argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(SetError("databases", "0"), "argument must be between 1 and 2147483647 inclusive");
  EXPECT_EQ(SetError("hz", "501"), "argument must be between 1 and 500 inclusive");
  EXPECT_EQ(SetError("hz", "500"), "");
  EXPECT_EQ(config_.hz, 500);
  EXPECT_EQ(SetError("tcp-keepalive", "2147483647"), "");
}

TEST_F(ConfigSchemaTest, MemoryAcceptsUnitsAndPrintsBytes) {
  EXPECT_EQ(SetError("proto-max-bulk-len", "1gb"), "");
  EXPECT_EQ(config_.proto_max_bulk_len, 1024LL * 1024 * 1024);
  EXPECT_EQ(Get("proto-max-bulk-len"), "1073741824");
  EXPECT_EQ(SetError("client-query-buffer-limit", "2MB"), "");
  EXPECT_EQ(Get("client-query-buffer-limit"), "2097152");
  EXPECT_EQ(SetError("client-query-buffer-limit", "1048576"), "");
  EXPECT_EQ(SetError("proto-max-bulk-len", "1m"),
            "argument must be between 1048576 and 9223372036854775807 inclusive");
  for (const char* bad : {"abc", "-1", "1.5mb", "10tb", "1 mb", ""}) {
    EXPECT_EQ(SetError("proto-max-bulk-len", bad), "argument must be a memory value") << bad;
  }
}

TEST_F(ConfigSchemaTest, ParseMemoryUnitsAreRedisMemtoull) {
  const std::pair<const char*, int64_t> kCases[] = {
      {"0", 0},           {"100", 100},          {"5b", 5},
      {"1k", 1000},       {"1K", 1000},          {"1kb", 1024},
      {"1KB", 1024},      {"3m", 3000000},       {"3mb", 3145728},
      {"2g", 2000000000}, {"2Gb", 2147483648LL}, {"9223372036854775807", INT64_MAX},
  };
  for (const auto& [text, bytes] : kCases) {
    absl::StatusOr<int64_t> parsed = ParseMemory(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(*parsed, bytes) << text;
  }
  for (const char* bad : {"", "kb", "-1", "+1", "1.5", "1 kb", "1kbb", "1t", "1gib",
                          "9223372036854775808", "8589934592gb"}) {
    absl::StatusOr<int64_t> parsed = ParseMemory(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().message(), "argument must be a memory value");
  }
}

TEST_F(ConfigSchemaTest, BoolIsYesOrNo) {
  EXPECT_EQ(SetError("daemonize", "NO"), "");
  EXPECT_FALSE(config_.daemonize);
  EXPECT_EQ(Get("daemonize"), "no");
  EXPECT_EQ(SetError("daemonize", "true"), "argument must be 'yes' or 'no'");
  EXPECT_EQ(SetError("daemonize", "1"), "argument must be 'yes' or 'no'");
}

TEST_F(ConfigSchemaTest, DaemonizeYesIsRefused) {
  EXPECT_EQ(SetError("daemonize", "yes"),
            "daemonize is not supported; run under a service manager");
  EXPECT_FALSE(config_.daemonize);
}

TEST_F(ConfigSchemaTest, AppendonlyIsAlwaysYes) {
  EXPECT_TRUE(config_.appendonly);
  EXPECT_EQ(SetError("appendonly", "YES"), "");
  EXPECT_EQ(SetError("appendonly", "no"),
            "argument must be 'yes' in Runnel: the stream log is always on");
  EXPECT_TRUE(config_.appendonly);
  EXPECT_EQ(SetError("appendonly", "maybe"), "argument must be 'yes' or 'no'");
}

TEST_F(ConfigSchemaTest, AppendfsyncIsRedisPolicyEnum) {
  EXPECT_EQ(config_.appendfsync, AppendFsync::kEverysec);
  EXPECT_EQ(SetError("appendfsync", "ALWAYS"), "");
  EXPECT_EQ(config_.appendfsync, AppendFsync::kAlways);
  EXPECT_EQ(Get("appendfsync"), "always");
  EXPECT_EQ(SetError("appendfsync", "no"), "");
  EXPECT_EQ(config_.appendfsync, AppendFsync::kNo);
  EXPECT_EQ(SetError("appendfsync", "sometimes"),
            "argument(s) must be one of the following: always, everysec, no");
  EXPECT_EQ(config_.appendfsync, AppendFsync::kNo);
}

TEST_F(ConfigSchemaTest, SaveTakesSecondsChangesPairsAndIsPrintedBack) {
  EXPECT_TRUE(Set("save", {"3600", "1", "300", "100"}).ok());
  EXPECT_THAT(config_.save, ElementsAre("3600", "1", "300", "100"));
  EXPECT_EQ(Get("save"), "3600 1 300 100");
  EXPECT_TRUE(Set("save", {""}).ok());  // save "" turns snapshots off, as in Redis
  EXPECT_THAT(config_.save, IsEmpty());
  EXPECT_EQ(Get("save"), "");
  EXPECT_TRUE(Set("save", {"60", "0"}).ok());  // zero changes is allowed
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"900"}, {"0", "1"}, {"900", "-1"}, {"900", "x"}, {"1.5", "1"}}) {
    EXPECT_EQ(Set("save", bad).message(), "Invalid save parameters") << absl::StrJoin(bad, " ");
  }
  EXPECT_THAT(config_.save, ElementsAre("60", "0"));
}

TEST_F(ConfigSchemaTest, SegmentLimitsAreBounded) {
  EXPECT_EQ(SetError("segment-max-bytes", "128mb"), "");
  EXPECT_EQ(config_.segment_max_bytes, 128LL * 1024 * 1024);
  EXPECT_EQ(SetError("segment-max-bytes", "64kb"), "");
  EXPECT_EQ(SetError("segment-max-bytes", "1gb"), "");
  EXPECT_EQ(SetError("segment-max-bytes", "65535"),
            "argument must be between 65536 and 1073741824 inclusive");
  EXPECT_EQ(SetError("segment-max-bytes", "2gb"),
            "argument must be between 65536 and 1073741824 inclusive");
  EXPECT_EQ(config_.segment_max_bytes, 1024LL * 1024 * 1024);
  EXPECT_EQ(SetError("open-segments-max", "16"), "");
  EXPECT_EQ(config_.open_segments_max, 16);
  EXPECT_EQ(SetError("open-segments-max", "65536"), "");
  EXPECT_EQ(SetError("open-segments-max", "15"), "argument must be between 16 and 65536 inclusive");
  EXPECT_EQ(SetError("open-segments-max", "65537"),
            "argument must be between 16 and 65536 inclusive");
  EXPECT_EQ(SetError("open-segments-max", "1k"), "argument couldn't be parsed into an integer");
}

TEST_F(ConfigSchemaTest, EnumByNameCaseInsensitive) {
  EXPECT_EQ(SetError("loglevel", "WARNING"), "");
  EXPECT_EQ(config_.loglevel, LogLevel::kWarning);
  EXPECT_EQ(Get("loglevel"), "warning");
  EXPECT_EQ(SetError("loglevel", "nothing"), "");
  EXPECT_EQ(config_.loglevel, LogLevel::kNothing);
  EXPECT_EQ(SetError("io-backend", "epoll"), "");
  EXPECT_EQ(config_.io_backend, io::IoBackend::kEpoll);
  EXPECT_EQ(Get("io-backend"), "epoll");
  EXPECT_EQ(SetError("loglevel", "loud"),
            "argument(s) must be one of the following: debug, verbose, notice, warning, nothing");
  EXPECT_EQ(SetError("io-backend", "kqueue"),
            "argument(s) must be one of the following: uring, epoll");
}

TEST_F(ConfigSchemaTest, StringsAreStoredAsGiven) {
  EXPECT_EQ(SetError("requirepass", "s3cr et\"x"), "");
  EXPECT_EQ(config_.requirepass, "s3cr et\"x");
  EXPECT_EQ(Get("requirepass"), "s3cr et\"x");  // shown by CONFIG GET, as in Redis
  EXPECT_EQ(SetError("requirepass", ""), "");
  EXPECT_EQ(config_.requirepass, "");
  EXPECT_EQ(SetError("dir", "/var/lib/runnel"), "");
  EXPECT_EQ(config_.dir, "/var/lib/runnel");
}

TEST_F(ConfigSchemaTest, StringListTakesEveryWord) {
  EXPECT_TRUE(Set("bind", {"127.0.0.1", "::1"}).ok());
  EXPECT_THAT(config_.bind, ElementsAre("127.0.0.1", "::1"));
  EXPECT_EQ(Get("bind"), "127.0.0.1 ::1");
  EXPECT_TRUE(Set("bind", {""}).ok());  // a single empty word clears it, as in Redis
  EXPECT_THAT(config_.bind, IsEmpty());
  EXPECT_EQ(Get("bind"), "");
  EXPECT_EQ(Set("bind", std::vector<std::string>(17, "10.0.0.1")).message(),
            "Too many bind addresses specified.");
  EXPECT_TRUE(Set("bind", std::vector<std::string>(16, "10.0.0.1")).ok());
}

TEST_F(ConfigSchemaTest, WrongArityIsRefused) {
  EXPECT_EQ(Set("port", {}).message(), "wrong number of arguments");
  EXPECT_EQ(Set("port", {"1", "2"}).message(), "wrong number of arguments");
  EXPECT_EQ(Set("requirepass", {"a", "b"}).message(), "wrong number of arguments");
  EXPECT_EQ(Set("bind", {}).message(), "wrong number of arguments");
}

TEST_F(ConfigSchemaTest, FailedSetLeavesConfigUnchanged) {
  const ServerConfig before = config_;
  EXPECT_FALSE(Set("port", {"nope"}).ok());
  EXPECT_FALSE(Set("bind", std::vector<std::string>(20, "x")).ok());
  EXPECT_FALSE(Set("daemonize", {"yes"}).ok());
  EXPECT_EQ(config_.port, before.port);
  EXPECT_EQ(config_.bind, before.bind);
  EXPECT_EQ(config_.daemonize, before.daemonize);
}

TEST_F(ConfigSchemaTest, SetAcceptsACopiedSpec) {
  const OptionSpec copy = Spec("hz");
  EXPECT_TRUE(schema_.Set(config_, copy, {"42"}).ok());
  EXPECT_EQ(config_.hz, 42);
  EXPECT_EQ(schema_.Get(config_, copy), "42");
}

TEST_F(ConfigSchemaTest, MatchGlobsNamesCaseInsensitivelyInTableOrder) {
  EXPECT_THAT(schema_.Match(config_, "*max*"),
              ElementsAre(Pair("maxclients", "10000"), Pair("segment-max-bytes", "67108864"),
                          Pair("open-segments-max", "1024"), Pair("acllog-max-len", "128"),
                          Pair("maxmemory", "0"),
                          Pair("maxmemory-policy", "noeviction"), Pair("maxmemory-samples", "5"),
                          Pair("maxmemory-eviction-tenacity", "10"),
                          Pair("proto-max-bulk-len", "536870912")));
  EXPECT_EQ(schema_.Match(config_, "*MAX*"), schema_.Match(config_, "*max*"));
  EXPECT_THAT(schema_.Match(config_, "port"), ElementsAre(Pair("port", "6379")));
  EXPECT_THAT(schema_.Match(config_, "PORT"), ElementsAre(Pair("port", "6379")));
  EXPECT_THAT(schema_.Match(config_, "bind"), ElementsAre(Pair("bind", "127.0.0.1")));
  EXPECT_THAT(schema_.Match(config_, "tcp-*"),
              ElementsAre(Pair("tcp-backlog", "511"), Pair("tcp-keepalive", "300")));
  EXPECT_THAT(schema_.Match(config_, "p?rt"), ElementsAre(Pair("port", "6379")));
  EXPECT_THAT(schema_.Match(config_, "[bp]*"),
              ElementsAre(Pair("port", "6379"), Pair("bind", "127.0.0.1"), Pair("protected-mode", "yes"),
                          Pair("proto-max-bulk-len", "536870912"), Pair("pidfile", "")));
  EXPECT_EQ(schema_.Match(config_, "*").size(), schema_.options().size());
  EXPECT_THAT(schema_.Match(config_, "nope"), IsEmpty());
  EXPECT_THAT(schema_.Match(config_, "nope*"), IsEmpty());
}

TEST_F(ConfigSchemaTest, MatchWithoutGlobCharactersIsAPlainLookup) {
  // As Redis's CONFIG GET: no '*', '?' or '[' means no escapes either.
  EXPECT_THAT(schema_.Match(config_, "p\\ort"), IsEmpty());
  EXPECT_THAT(schema_.Match(config_, "p\\ort*"), ElementsAre(Pair("port", "6379")));
}

TEST_F(ConfigSchemaTest, MatchShowsCurrentValues) {
  ASSERT_TRUE(Set("maxclients", {"50"}).ok());
  ASSERT_TRUE(Set("bind", {"0.0.0.0", "::"}).ok());
  EXPECT_THAT(schema_.Match(config_, "maxclients"), ElementsAre(Pair("maxclients", "50")));
  EXPECT_THAT(schema_.Match(config_, "bind"), ElementsAre(Pair("bind", "0.0.0.0 ::")));
}

}  // namespace
}  // namespace runnel::config
