// Tests for RespParser's inline (telnet-style) commands: sdssplitargs
// quoting, escapes, blank lines and the 64 KiB line limit.

#include "tests/unit/resp/parser_test_support.h"

#include "gtest/gtest.h"

namespace runnel::resp {
namespace {

using namespace test_support;  // NOLINT

// --- Inline ------------------------------------------------------------------

TEST(RespParserTest, InlineWordsAreViewsIntoInput) {
  RespParser parser;
  const std::string input = "SET key value\r\n";
  ASSERT_EQ(parser.Parse(input), Result::kCommand);
  ASSERT_EQ(parser.args().size(), 3u);
  EXPECT_EQ(parser.args()[1], "key");
  EXPECT_EQ(parser.args()[1].data(), input.data() + 4);
  EXPECT_EQ(parser.consumed(), input.size());
}

TEST(RespParserTest, InlineAcceptsBareLf) {
  EXPECT_EQ(ParseAll("PING\nPING\r\n").commands, std::vector<Command>({{"PING"}, {"PING"}}));
}

TEST(RespParserTest, InlineWhitespaceRunsSeparateWords) {
  EXPECT_EQ(ParseAll("  SET\t k \r v  \r\n").commands, std::vector<Command>({{"SET", "k", "v"}}));
}

TEST(RespParserTest, InlineVerticalTabInsideAWordIsKept) {
  EXPECT_EQ(ParseAll("\va\vb\n").commands, std::vector<Command>({{"a\vb"}}));
}

TEST(RespParserTest, InlineEmptyAndBlankLinesAreSkipped) {
  EXPECT_EQ(ParseAll("\r\n\n   \r\n\t\nPING\r\n").commands, std::vector<Command>({{"PING"}}));
}

TEST(RespParserTest, InlineDoubleQuotesUnescape) {
  EXPECT_EQ(ParseAll("SET \"a b\" \"\\x41\\x7a\\n\\r\\t\\b\\a\\\\\\\"\\q\"\r\n").commands,
            std::vector<Command>({{"SET", "a b", "Az\n\r\t\b\a\\\"q"}}));
}

TEST(RespParserTest, InlineHexEscapeNeedsTwoHexDigits) {
  EXPECT_EQ(ParseAll("\"\\x4g\" \"\\x\"\n").commands, std::vector<Command>({{"x4g", "x"}}));
}

TEST(RespParserTest, InlineSingleQuotesOnlyUnescapeTheQuote) {
  EXPECT_EQ(ParseAll("'a\\'b\\n\"c' x\n").commands, std::vector<Command>({{"a'b\\n\"c", "x"}}));
}

TEST(RespParserTest, InlineQuoteInsideAWordJoinsIt) {
  EXPECT_EQ(ParseAll("foo\"bar baz\" x\n").commands, std::vector<Command>({{"foobar baz", "x"}}));
}

TEST(RespParserTest, InlineEmptyQuotesAreAnEmptyArgument) {
  EXPECT_EQ(ParseAll("\"\" ''\n").commands, std::vector<Command>({{"", ""}}));
}

TEST(RespParserTest, InlineClosingQuoteFollowedByNonSpaceIsUnbalanced) {
  ExpectError("\"a\"b\r\n", "ERR Protocol error: unbalanced quotes in request");
  ExpectError("'a'b\r\n", "ERR Protocol error: unbalanced quotes in request");
}

TEST(RespParserTest, InlineUnterminatedQuoteIsUnbalanced) {
  ExpectError("SET \"abc\r\n", "ERR Protocol error: unbalanced quotes in request");
  ExpectError("SET 'abc\n", "ERR Protocol error: unbalanced quotes in request");
  ExpectError("SET \"abc\\\"\n", "ERR Protocol error: unbalanced quotes in request");
  ExpectError("SET \"abc\\\n", "ERR Protocol error: unbalanced quotes in request");
}

TEST(RespParserTest, InlineManyQuotedWordsAllStayValid) {
  std::string line;
  Command expected;
  for (int i = 0; i < 200; ++i) {
    const std::string word = absl::StrCat("word ", i, std::string(i, 'x'));
    line += "\"" + word + "\" ";
    expected.push_back(word);
  }
  EXPECT_EQ(ParseAll(line + "\n").commands, std::vector<Command>({expected}));
}

TEST(RespParserTest, InlineLineWithoutLfWithin64KiBIsTooBig) {
  RespParser parser;
  const std::string line = LongLine(kMax + 1, 'a');
  EXPECT_EQ(parser.Parse(std::string_view(line).substr(0, kMax)), Result::kNeedMore);
  EXPECT_EQ(parser.Parse(line), Result::kError);
  EXPECT_EQ(parser.error(), "ERR Protocol error: too big inline request");
}

TEST(RespParserTest, InlineLineOfExactly64KiBIsAccepted) {
  const std::string word = LongLine(kMax, 'a');
  EXPECT_EQ(ParseAll(word + "\n").commands, std::vector<Command>({{word}}));
}

}  // namespace
}  // namespace runnel::resp
