#include "engine/base/logging.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace runnel::base {
namespace {

// Each test logs into its own file; the process-wide sink and level are put
// back to standard output and "notice" afterwards.
class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "runnel_log_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/runnel.log";
    ASSERT_TRUE(SetLogFile(path_));
    SetLogLevel(static_cast<int>(LogSeverity::kNotice));
  }
  void TearDown() override {
    SetLogFile("");
    SetLogLevel(static_cast<int>(LogSeverity::kNotice));
    std::filesystem::remove_all(dir_);
  }

  std::vector<std::string> Lines() {
    std::ifstream in(path_);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::string dir_;
  std::string path_;
};

// "pid:M dd Mon yyyy hh:mm:ss.mmm <mark> text", as redis-server writes it.
const std::regex kLine(
    R"(^(\d+):M (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) )"
    R"((\d\d):(\d\d):(\d\d)\.(\d{3}) (.) (.*)$)");

TEST_F(LoggingTest, LineHasRedisFormat) {
  const time_t before = time(nullptr);
  RUNNEL_LOG_NOTICE("Ready to accept connections tcp on port %d", 6379);
  const time_t after = time(nullptr);

  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, kLine)) << lines[0];
  EXPECT_EQ(std::stol(m[1]), getpid());
  EXPECT_EQ(m[9], "*");
  EXPECT_EQ(m[10], "Ready to accept connections tcp on port 6379");

  // The timestamp is local time, between the clock readings around the call.
  std::tm parsed = {};
  std::istringstream when(m[2].str() + " " + m[3].str() + " " + m[4].str() + " " + m[5].str() +
                          ":" + m[6].str() + ":" + m[7].str());
  when >> std::get_time(&parsed, "%d %b %Y %H:%M:%S");
  ASSERT_FALSE(when.fail()) << lines[0];
  parsed.tm_isdst = -1;
  const time_t logged = mktime(&parsed);
  EXPECT_GE(logged, before);
  EXPECT_LE(logged, after);
}

TEST_F(LoggingTest, EachSeverityHasItsMark) {
  SetLogLevel(static_cast<int>(LogSeverity::kDebug));
  RUNNEL_LOG_DEBUG("d");
  RUNNEL_LOG_VERBOSE("v");
  RUNNEL_LOG_NOTICE("n");
  RUNNEL_LOG_WARNING("w");

  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 4u);
  const std::pair<const char*, const char*> kExpected[] = {
      {".", "d"}, {"-", "v"}, {"*", "n"}, {"#", "w"}};
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[i], m, kLine)) << lines[i];
    EXPECT_EQ(m[9], kExpected[i].first);
    EXPECT_EQ(m[10], kExpected[i].second);
  }
}

TEST_F(LoggingTest, MessagesBelowTheLevelAreDropped) {
  SetLogLevel(static_cast<int>(LogSeverity::kWarning));
  EXPECT_FALSE(LogEnabled(LogSeverity::kNotice));
  EXPECT_TRUE(LogEnabled(LogSeverity::kWarning));
  RUNNEL_LOG_DEBUG("dropped");
  RUNNEL_LOG_VERBOSE("dropped");
  RUNNEL_LOG_NOTICE("dropped");
  RUNNEL_LOG_WARNING("kept");

  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" # kept"), std::string::npos) << lines[0];
}

TEST_F(LoggingTest, LevelNothingSilencesEverything) {
  SetLogLevel(static_cast<int>(LogSeverity::kWarning) + 1);
  EXPECT_FALSE(LogEnabled(LogSeverity::kWarning));
  RUNNEL_LOG_WARNING("dropped");
  EXPECT_TRUE(Lines().empty());
}

TEST_F(LoggingTest, TextIsNotAFormatString) {
  RUNNEL_LOG_NOTICE("%s", "100% done %d");
  LogLine(LogSeverity::kNotice, "raw %s text");
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(" * 100% done %d"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(" * raw %s text"), std::string::npos) << lines[1];
}

TEST_F(LoggingTest, SetLogFileAppends) {
  RUNNEL_LOG_NOTICE("first");
  ASSERT_TRUE(SetLogFile(path_));  // reopening must not truncate
  RUNNEL_LOG_NOTICE("second");
  EXPECT_EQ(Lines().size(), 2u);
}

TEST_F(LoggingTest, UnopenableLogFileFailsWithErrno) {
  errno = 0;
  EXPECT_FALSE(SetLogFile(dir_ + "/no/such/dir/runnel.log"));
  EXPECT_EQ(errno, ENOENT);
  RUNNEL_LOG_NOTICE("still goes to the previous sink");
  EXPECT_EQ(Lines().size(), 1u);
}

}  // namespace
}  // namespace runnel::base
