#include "server/config/config_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace runnel::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<std::string> Split(std::string_view line) {
  absl::StatusOr<std::vector<std::string>> words = SplitConfigLine(line);
  EXPECT_TRUE(words.ok()) << line << ": " << words.status();
  return words.ok() ? *words : std::vector<std::string>{};
}

TEST(SplitConfigLineTest, BareWordsSplitOnBlanks) {
  EXPECT_THAT(Split("set key value"), ElementsAre("set", "key", "value"));
  EXPECT_THAT(Split("  a \t b\r\n"), ElementsAre("a", "b"));
  EXPECT_THAT(Split(""), IsEmpty());
  EXPECT_THAT(Split("   "), IsEmpty());
  EXPECT_THAT(Split("back\\slash"), ElementsAre("back\\slash"));  // no escapes outside quotes
}

TEST(SplitConfigLineTest, DoubleQuotesTakeCEscapes) {
  EXPECT_THAT(Split(R"("hello world")"), ElementsAre("hello world"));
  EXPECT_THAT(Split(R"("a\nb\rc\td\be\af")"), ElementsAre("a\nb\rc\td\be\af"));
  EXPECT_THAT(Split(R"("q\"q" "s\\s")"), ElementsAre("q\"q", "s\\s"));
  EXPECT_THAT(Split(R"("\x41\x4a\x00z")"), ElementsAre(std::string("AJ\0z", 4)));
  EXPECT_THAT(Split(R"("\xZZ")"), ElementsAre("xZZ"));  // not hex: "\x" is just 'x'
  EXPECT_THAT(Split(R"("")"), ElementsAre(""));
  EXPECT_THAT(Split(R"(foo"bar baz")"), ElementsAre("foobar baz"));  // quotes may open mid-word
}

TEST(SplitConfigLineTest, SingleQuotesOnlyEscapeTheQuote) {
  EXPECT_THAT(Split(R"('it\'s')"), ElementsAre("it's"));
  EXPECT_THAT(Split(R"('a\nb')"), ElementsAre("a\\nb"));
  EXPECT_THAT(Split(R"('a "b"' c)"), ElementsAre("a \"b\"", "c"));
}

TEST(SplitConfigLineTest, UnbalancedQuotesAreErrors) {
  for (const char* bad : {R"("unterminated)", R"('unterminated)", R"("closed"glued)",
                          R"('closed'glued)", R"(ok "trailing\")"}) {
    absl::StatusOr<std::vector<std::string>> words = SplitConfigLine(bad);
    EXPECT_FALSE(words.ok()) << bad;
  }
  EXPECT_TRUE(SplitConfigLine(R"("closed" next)").ok());
}

// A scratch directory per test, removed afterwards.
class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "runnel_config_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  absl::Status Apply(std::string_view text, std::string_view origin = "test.conf") {
    return ApplyConfigText(schema_, text, origin, config_);
  }
  absl::Status Load(std::vector<std::string> argv) { return LoadConfig(schema_, argv, config_); }
  // Every option as CONFIG GET shows it.
  std::vector<std::pair<std::string, std::string>> Snapshot(const ServerConfig& config) {
    return schema_.Match(config, "*");
  }

  std::string dir_;
  ConfigSchema schema_;
  ServerConfig config_;
};

TEST_F(ConfigFileTest, AppliesDirectivesSkippingCommentsAndBlankLines) {
  ASSERT_TRUE(Apply("# a comment\n"
                    "\n"
                    "   # indented comment\n"
                    "PORT 7000\r\n"
                    "  bind 127.0.0.1 ::1  \n"
                    "requirepass \"with space\"\n"
                    "loglevel warning\n"
                    "proto-max-bulk-len 2mb")
                  .ok());
  EXPECT_EQ(config_.port, 7000);
  EXPECT_THAT(config_.bind, ElementsAre("127.0.0.1", "::1"));
  EXPECT_EQ(config_.requirepass, "with space");
  EXPECT_EQ(config_.loglevel, LogLevel::kWarning);
  EXPECT_EQ(config_.proto_max_bulk_len, 2 * 1024 * 1024);
}

TEST_F(ConfigFileTest, LaterLinesOverrideEarlierOnes) {
  ASSERT_TRUE(Apply("port 7000\nport 7001\n").ok());
  EXPECT_EQ(config_.port, 7001);
}

TEST_F(ConfigFileTest, UnknownDirectiveErrorNamesTheLine) {
  absl::Status status = Apply("port 7000\n\nfrobnicate yes\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "\n*** FATAL CONFIG FILE ERROR (Runnel) ***\n"
            "Reading the configuration file, at line 3 (test.conf)\n"
            ">>> 'frobnicate yes'\n"
            "Bad directive or wrong number of arguments");
}

TEST_F(ConfigFileTest, UserLinesAreKeptInOrderWithTheirLine) {
  ASSERT_TRUE(Apply("user alice on >pw ~* +@all\nport 7000\nUSER bob off\n").ok());
  ASSERT_EQ(config_.config_users.size(), 2u);
  EXPECT_THAT(config_.config_users[0].words, ElementsAre("alice", "on", ">pw", "~*", "+@all"));
  EXPECT_EQ(config_.config_users[0].line_number, 1);
  EXPECT_EQ(config_.config_users[0].origin, "test.conf");
  EXPECT_THAT(config_.config_users[1].words, ElementsAre("bob", "off"));
  EXPECT_EQ(config_.config_users[1].line_number, 3);
  EXPECT_EQ(config_.config_users[1].line, "USER bob off");
}

TEST_F(ConfigFileTest, UserLineErrorsAreRedisTexts) {
  EXPECT_THAT(std::string(Apply("user\n").message()), HasSubstr("Bad directive or wrong number of arguments"));
  EXPECT_EQ(Apply("user alice on\nuser alice off\n").message(),
            "\n*** FATAL CONFIG FILE ERROR (Runnel) ***\n"
            "Reading the configuration file, at line 2 (test.conf)\n"
            ">>> 'user alice off'\n"
            "Error in user declaration 'alice': Duplicate user found. A user can only be defined once in config "
            "files");
}

TEST_F(ConfigFileTest, EmptyOriginGivesRedisExactText) {
  EXPECT_EQ(Apply("  port 99999  ", "").message(),
            "\n*** FATAL CONFIG FILE ERROR (Runnel) ***\n"
            "Reading the configuration file, at line 1\n"
            ">>> 'port 99999'\n"
            "argument must be between 0 and 65535 inclusive");
}

TEST_F(ConfigFileTest, BadValuesReportTheOptionReason) {
  EXPECT_THAT(Apply("# x\nmaxclients lots\n").message(),
              HasSubstr("at line 2 (test.conf)\n>>> 'maxclients lots'\n"
                        "argument couldn't be parsed into an integer"));
  EXPECT_THAT(Apply("daemonize yes").message(),
              HasSubstr("\ndaemonize is not supported; run under a service manager"));
  EXPECT_THAT(Apply("io-backend kqueue").message(),
              HasSubstr("\nargument(s) must be one of the following: uring, epoll"));
}

TEST_F(ConfigFileTest, RedisConfPersistenceLinesAreAccepted) {
  ASSERT_TRUE(Apply("save 3600 1 300 100\n"
                    "appendonly yes\n"
                    "appendfsync always\n"
                    "segment-max-bytes 128mb\n"
                    "open-segments-max 256\n")
                  .ok());
  EXPECT_THAT(config_.save, ElementsAre("3600", "1", "300", "100"));
  EXPECT_TRUE(config_.appendonly);
  EXPECT_EQ(config_.appendfsync, AppendFsync::kAlways);
  EXPECT_EQ(config_.segment_max_bytes, 128 * 1024 * 1024);
  EXPECT_EQ(config_.open_segments_max, 256);
  ASSERT_TRUE(Apply("save \"\"\n").ok());
  EXPECT_THAT(config_.save, IsEmpty());
}

TEST_F(ConfigFileTest, AppendonlyNoIsFatal) {
  EXPECT_THAT(Apply("appendonly no").message(),
              HasSubstr(">>> 'appendonly no'\n"
                        "argument must be 'yes' in Runnel: the stream log is always on"));
  EXPECT_THAT(Apply("save 900").message(), HasSubstr("\nInvalid save parameters"));
}

TEST_F(ConfigFileTest, WrongArgumentCountIsAnError) {
  EXPECT_THAT(Apply("port").message(), HasSubstr(">>> 'port'\nwrong number of arguments"));
  EXPECT_THAT(Apply("port 1 2").message(), HasSubstr("\nwrong number of arguments"));
  EXPECT_THAT(Apply("bind").message(), HasSubstr("\nwrong number of arguments"));
  EXPECT_THAT(Apply("include").message(),
              HasSubstr("\nBad directive or wrong number of arguments"));
}

TEST_F(ConfigFileTest, UnbalancedQuotesNameTheLine) {
  EXPECT_THAT(Apply("port 1\nrequirepass \"abc\n").message(),
              HasSubstr("at line 2 (test.conf)\n>>> 'requirepass \"abc'\n"
                        "Unbalanced quotes in configuration line"));
}

TEST_F(ConfigFileTest, IncludeReadsAnotherFile) {
  const std::string included = WriteFile("inc.conf", "port 7001\nhz 20\n");
  ASSERT_TRUE(Apply("include " + included + "\nhz 30\n").ok());
  EXPECT_EQ(config_.port, 7001);
  EXPECT_EQ(config_.hz, 30);
}

TEST_F(ConfigFileTest, ErrorInIncludedFileNamesThatFile) {
  const std::string included = WriteFile("inc.conf", "# first\nport nope\n");
  EXPECT_THAT(Apply("hz 5\ninclude " + included + "\n").message(),
              HasSubstr("at line 2 (" + included + ")\n>>> 'port nope'\n"));
}

TEST_F(ConfigFileTest, MissingIncludeIsAnError) {
  const std::string missing = dir_ + "/missing.conf";
  EXPECT_EQ(Apply("include " + missing).message(),
            "Fatal error, can't open config file '" + missing + "': No such file or directory");
}

TEST_F(ConfigFileTest, IncludeCycleStops) {
  const std::string path = dir_ + "/self.conf";
  WriteFile("self.conf", "include " + path + "\n");
  EXPECT_THAT(Apply("include " + path).message(), HasSubstr("Too many nested include directives"));
}

TEST_F(ConfigFileTest, LoadsFileThenCommandLineFlags) {
  const std::string path = WriteFile("runnel.conf", "port 7000\nbind 10.0.0.1\nhz 20\n");
  ASSERT_TRUE(Load({path, "--port", "6380", "--bind", "127.0.0.1", "::1"}).ok());
  EXPECT_EQ(config_.port, 6380);
  EXPECT_THAT(config_.bind, ElementsAre("127.0.0.1", "::1"));
  EXPECT_EQ(config_.hz, 20);
  EXPECT_EQ(config_.config_file, path);
}

TEST_F(ConfigFileTest, RelativeConfigPathIsStoredAbsolute) {
  const std::string path = WriteFile("runnel.conf", "port 7000\n");
  const std::string relative =
      std::filesystem::relative(path, std::filesystem::current_path()).string();
  ASSERT_TRUE(Load({relative}).ok());
  EXPECT_EQ(config_.config_file, std::filesystem::path(path).lexically_normal().string());
  EXPECT_TRUE(std::filesystem::path(config_.config_file).is_absolute());
}

TEST_F(ConfigFileTest, FlagsWithoutFileLeaveConfigFileEmpty) {
  ASSERT_TRUE(Load({"--port", "7000", "--LOGLEVEL", "debug", "--requirepass", "a b\"c"}).ok());
  EXPECT_EQ(config_.port, 7000);
  EXPECT_EQ(config_.loglevel, LogLevel::kDebug);
  EXPECT_EQ(config_.requirepass, "a b\"c");  // values are passed through verbatim
  EXPECT_EQ(config_.config_file, "");
  ASSERT_TRUE(Load({}).ok());
}

TEST_F(ConfigFileTest, FlagMayHoldNameAndValueInOneWord) {
  ASSERT_TRUE(Load({"--port 6390", "--hz", "7"}).ok());
  EXPECT_EQ(config_.port, 6390);
  EXPECT_EQ(config_.hz, 7);
}

// Redis 7: a bare --name takes the next word as its value even if it starts with "--".
TEST_F(ConfigFileTest, ValueAfterBareNameMayStartWithDashes) {
  ASSERT_TRUE(Load({"--requirepass", "--secret", "--port", "7000"}).ok());
  EXPECT_EQ(config_.requirepass, "--secret");
  EXPECT_EQ(config_.port, 7000);
}

TEST_F(ConfigFileTest, FlagErrorsSayCommandLine) {
  EXPECT_EQ(Load({"--port", "99999"}).message(),
            "\n*** FATAL CONFIG FILE ERROR (Runnel) ***\n"
            "Reading the configuration file, at line 1 (command line)\n"
            ">>> 'port \"99999\"'\n"
            "argument must be between 0 and 65535 inclusive");
  EXPECT_THAT(Load({"--hz", "5", "--nope", "1"}).message(),
              HasSubstr("at line 2 (command line)\n>>> 'nope \"1\"'\n"
                        "Bad directive or wrong number of arguments"));
  EXPECT_THAT(Load({"--port"}).message(), HasSubstr("\nwrong number of arguments"));
  EXPECT_THAT(Load({"--port", "1", "2"}).message(), HasSubstr("\nwrong number of arguments"));
}

TEST_F(ConfigFileTest, BareWordBeforeAnyFlagIsAnError) {
  const std::string path = WriteFile("runnel.conf", "port 7000\n");
  EXPECT_THAT(Load({path, "stray", "--port", "1"}).message(),
              HasSubstr("(command line)\n>>> '\"stray\"'\nBad directive"));
}

TEST_F(ConfigFileTest, FileErrorsComeBeforeFlags) {
  const std::string path = WriteFile("runnel.conf", "port nope\n");
  EXPECT_THAT(Load({path, "--port", "1"}).message(), HasSubstr("at line 1 (" + path + ")"));
}

TEST_F(ConfigFileTest, UnreadableConfigFileIsAnError) {
  const std::string missing = dir_ + "/nope.conf";
  EXPECT_EQ(Load({missing}).message(),
            "Fatal error, can't open config file '" + missing + "': No such file or directory");
  EXPECT_THAT(Load({dir_}).message(), HasSubstr("Is a directory"));
}

TEST_F(ConfigFileTest, RewriteNeedsAConfigFile) {
  absl::Status status = RewriteConfigFile(schema_, config_);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "The server is running without a config file");
}

TEST_F(ConfigFileTest, RewriteRoundTripsEveryValueAndKeepsComments) {
  const std::string path = WriteFile("runnel.conf",
                                     "# Runnel test config\n"
                                     "port 7000\n"
                                     "\n"
                                     "# network\n"
                                     "bind 127.0.0.1\n"
                                     "timeout 5\n"
                                     "timeout 6\n");
  ASSERT_TRUE(Load({path}).ok());
  ASSERT_EQ(config_.timeout, 6);
  auto set = [&](std::string_view name, std::vector<std::string> args) {
    ASSERT_TRUE(schema_.Set(config_, *schema_.Find(name), args).ok()) << name;
  };
  set("port", {"7100"});
  set("bind", {"10.0.0.1", "::1"});
  set("requirepass", {"p a\"ss\\word\n\x01#"});
  set("dir", {"/tmp/with space"});
  set("logfile", {""});
  set("loglevel", {"warning"});
  set("proto-max-bulk-len", {"2mb"});
  set("client-query-buffer-limit", {"1000001k"});
  set("hz", {"20"});
  set("io-backend", {"epoll"});
  set("save", {"3600", "1"});
  set("appendfsync", {"no"});
  set("segment-max-bytes", {"128mb"});
  set("open-segments-max", {"64"});
  ASSERT_TRUE(RewriteConfigFile(schema_, config_).ok());

  const std::string text = ReadFile(path);
  EXPECT_THAT(text, HasSubstr("# Runnel test config\nport 7100\n\n# network\n"
                              "bind 10.0.0.1 ::1\ntimeout 6\n# Generated by CONFIG REWRITE\n"));
  EXPECT_THAT(text, HasSubstr("\nproto-max-bulk-len 2mb\n"));
  EXPECT_THAT(text, HasSubstr("\ndir \"/tmp/with space\"\n"));
  EXPECT_THAT(text, HasSubstr("\nsave 3600 1\nappendfsync no\nsegment-max-bytes 128mb\n"
                              "open-segments-max 64\n"));
  EXPECT_THAT(text, Not(HasSubstr("appendonly")));
  EXPECT_THAT(text, Not(HasSubstr("databases")));  // still the default: not written
  EXPECT_THAT(text, Not(HasSubstr("logfile")));

  ServerConfig reloaded;
  ASSERT_TRUE(LoadConfig(schema_, {path}, reloaded).ok());
  EXPECT_EQ(Snapshot(reloaded), Snapshot(config_));
  EXPECT_EQ(reloaded.requirepass, "p a\"ss\\word\n\x01#");
}

TEST_F(ConfigFileTest, RewriteIsIdempotent) {
  const std::string path = WriteFile("runnel.conf", "port 7000\n");
  ASSERT_TRUE(Load({path, "--hz", "50", "--requirepass", "x y"}).ok());
  ASSERT_TRUE(RewriteConfigFile(schema_, config_).ok());
  const std::string first = ReadFile(path);
  ASSERT_TRUE(RewriteConfigFile(schema_, config_).ok());
  EXPECT_EQ(ReadFile(path), first);
  EXPECT_EQ(first, "port 7000\n# Generated by CONFIG REWRITE\nrequirepass \"x y\"\nhz 50\n");
}

TEST_F(ConfigFileTest, RewriteKeepsIncludeAndUnknownLinesVerbatim) {
  const std::string included = WriteFile("inc.conf", "hz 11\n");
  const std::string path = WriteFile("runnel.conf", "include " + included +
                                                        "\n"
                                                        "  # indented comment kept as is  \n"
                                                        "future-option   'x'\n"
                                                        "PORT 7000\n");
  config_.config_file = path;
  config_.port = 7200;
  ASSERT_TRUE(RewriteConfigFile(schema_, config_).ok());
  EXPECT_EQ(ReadFile(path), "include " + included +
                                "\n"
                                "  # indented comment kept as is  \n"
                                "future-option   'x'\n"
                                "port 7200\n");
}

TEST_F(ConfigFileTest, RewriteWritesDefaultValueOverAnExistingLine) {
  const std::string path = WriteFile("runnel.conf", "hz 20\n");
  ASSERT_TRUE(Load({path}).ok());
  config_.hz = 10;  // back to the default
  ASSERT_TRUE(RewriteConfigFile(schema_, config_).ok());
  EXPECT_EQ(ReadFile(path), "hz 10\n");
}

TEST_F(ConfigFileTest, RewriteWritesEmptyListAsEmptyString) {
  const std::string path = WriteFile("runnel.conf", "");
  ASSERT_TRUE(Load({path, "--bind", ""}).ok());
  ASSERT_THAT(config_.bind, IsEmpty());
  ASSERT_TRUE(RewriteConfigFile(schema_, config_).ok());
  EXPECT_EQ(ReadFile(path), "# Generated by CONFIG REWRITE\nbind \"\"\n");
  ServerConfig reloaded;
  ASSERT_TRUE(LoadConfig(schema_, {path}, reloaded).ok());
  EXPECT_THAT(reloaded.bind, IsEmpty());
}

TEST_F(ConfigFileTest, RewriteKeepsPermissionsAndLeavesNoTempFile) {
  const std::string path = WriteFile("runnel.conf", "port 7000\n");
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  ASSERT_TRUE(Load({path}).ok());
  config_.port = 7001;
  ASSERT_TRUE(RewriteConfigFile(schema_, config_).ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(ConfigFileTest, RewriteRecreatesADeletedFile) {
  const std::string path = WriteFile("runnel.conf", "port 7000\n");
  ASSERT_TRUE(Load({path}).ok());
  std::filesystem::remove(path);
  ASSERT_TRUE(RewriteConfigFile(schema_, config_).ok());
  EXPECT_EQ(ReadFile(path), "# Generated by CONFIG REWRITE\nport 7000\n");
}

}  // namespace
}  // namespace runnel::config
