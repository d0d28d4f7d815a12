#include "server/command/arg_parser.h"

#include "gtest/gtest.h"

namespace runnel::command {
namespace {

TEST(ParseInt64Test, AcceptsWhatRedisString2llAccepts) {
  EXPECT_EQ(ParseInt64("0"), 0);
  EXPECT_EQ(ParseInt64("-1"), -1);
  EXPECT_EQ(ParseInt64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseInt64("-9223372036854775808"), INT64_MIN);
}

TEST(ParseInt64Test, RejectsWhatRedisString2llRejects) {
  for (const char* bad : {"", "-", "+1", " 1", "1 ", "01", "-0", "1a", "9223372036854775808",
                          "-9223372036854775809", "99999999999999999999", "0x10"}) {
    EXPECT_FALSE(ParseInt64(bad).has_value()) << bad;
  }
}

TEST(ArgCursorTest, MatchesKeywordsIgnoringCase) {
  std::vector<std::string_view> args = {"CLIENT", "KILL", "id", "5"};
  ArgCursor cursor(args, 2);
  EXPECT_FALSE(cursor.Match("type"));
  EXPECT_TRUE(cursor.Match("ID"));
  EXPECT_EQ(cursor.Next(), "5");
  EXPECT_TRUE(cursor.done());
  EXPECT_FALSE(cursor.Match("x"));
}

}  // namespace
}  // namespace runnel::command
