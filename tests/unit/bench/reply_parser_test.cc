// Tests for ReplyParser: every RESP2 and RESP3 reply type, nesting, replies
// split at any byte, pipelined replies, and malformed input.
#include "tools/runnel_bench/reply_parser.h"

#include <string>

#include "gtest/gtest.h"

namespace runnel::bench {
namespace {

using Result = ReplyParser::Result;

TEST(ReplyParserTest, SimpleStringErrorAndInteger) {
  ReplyParser parser;
  ASSERT_EQ(parser.Parse("+OK\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().type, ReplyType::kSimpleString);
  EXPECT_EQ(parser.reply().root().text, "OK");
  EXPECT_EQ(parser.consumed(), 5u);
  ASSERT_EQ(parser.Parse("-ERR unknown command 'GET'\r\n"), Result::kReply);
  EXPECT_TRUE(parser.reply().is_error());
  EXPECT_EQ(parser.reply().root().text, "ERR unknown command 'GET'");
  ASSERT_EQ(parser.Parse(":-42\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().integer, -42);
}

TEST(ReplyParserTest, BulkStringMayHoldCrLf) {
  ReplyParser parser;
  ASSERT_EQ(parser.Parse("$4\r\na\r\nb\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().text, "a\r\nb");
  EXPECT_EQ(parser.consumed(), 10u);
}

TEST(ReplyParserTest, Resp2NullsAreNull) {
  ReplyParser parser;
  ASSERT_EQ(parser.Parse("$-1\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().type, ReplyType::kNull);
  ASSERT_EQ(parser.Parse("*-1\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().type, ReplyType::kNull);
}

TEST(ReplyParserTest, NestedArraysAreFlatPreOrderWithSubtreeEnds) {
  ReplyParser parser;
  const std::string input = "*2\r\n$1\r\na\r\n*1\r\n:7\r\n";
  ASSERT_EQ(parser.Parse(input), Result::kReply);
  const Reply reply = parser.reply();
  ASSERT_EQ(reply.size(), 4u);
  EXPECT_EQ(reply.node(0).children, 2u);
  EXPECT_EQ(reply.node(0).end, 4u);
  EXPECT_EQ(reply.node(1).text, "a");
  EXPECT_EQ(reply.NextSibling(1), 2u);
  EXPECT_EQ(reply.node(2).end, 4u);
  EXPECT_EQ(reply.node(3).integer, 7);
  EXPECT_EQ(parser.consumed(), input.size());
}

TEST(ReplyParserTest, XReadGroupReplyInResp2) {
  ReplyParser parser;
  const std::string input =
      "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n"
      "*2\r\n$3\r\n1-0\r\n*2\r\n$2\r\nts\r\n$1\r\n5\r\n"
      "*2\r\n$3\r\n2-0\r\n*-1\r\n";  // a deleted entry has no fields
  ASSERT_EQ(parser.Parse(input), Result::kReply);
  const Reply reply = parser.reply();
  const size_t entries = reply.NextSibling(Reply::FirstChild(Reply::FirstChild(0)));
  EXPECT_EQ(reply.node(entries).children, 2u);
  const size_t first = Reply::FirstChild(entries);
  EXPECT_EQ(reply.node(Reply::FirstChild(first)).text, "1-0");
  const size_t second = reply.NextSibling(first);
  EXPECT_EQ(reply.node(Reply::FirstChild(second)).text, "2-0");
  EXPECT_EQ(reply.NextSibling(second), reply.size());
}

TEST(ReplyParserTest, Resp3Types) {
  ReplyParser parser;
  ASSERT_EQ(parser.Parse("_\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().type, ReplyType::kNull);
  ASSERT_EQ(parser.Parse("#t\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().integer, 1);
  ASSERT_EQ(parser.Parse(",3.14\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().text, "3.14");
  ASSERT_EQ(parser.Parse("(3492890328409238509324850943850943825024385\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().type, ReplyType::kBigNumber);
  ASSERT_EQ(parser.Parse("=8\r\ntxt:some\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().text, "some");
  ASSERT_EQ(parser.Parse("!9\r\nERR oops!\r\n"), Result::kReply);
  EXPECT_TRUE(parser.reply().is_error());
  EXPECT_EQ(parser.reply().root().text, "ERR oops!");
}

TEST(ReplyParserTest, MapChildrenAreKeysAndValues) {
  ReplyParser parser;
  ASSERT_EQ(parser.Parse("%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n:2\r\n"), Result::kReply);
  const Reply reply = parser.reply();
  EXPECT_EQ(reply.root().type, ReplyType::kMap);
  EXPECT_EQ(reply.root().children, 4u);
  EXPECT_EQ(reply.root().end, 6u);
}

TEST(ReplyParserTest, PushAndSetAreAggregates) {
  ReplyParser parser;
  ASSERT_EQ(parser.Parse(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().type, ReplyType::kPush);
  EXPECT_EQ(parser.reply().node(3).text, "hi");
  ASSERT_EQ(parser.Parse("~2\r\n:1\r\n:2\r\n"), Result::kReply);
  EXPECT_EQ(parser.reply().root().type, ReplyType::kArray);
  EXPECT_EQ(parser.reply().root().children, 2u);
}

TEST(ReplyParserTest, AttributesAreDropped) {
  ReplyParser parser;
  ASSERT_EQ(parser.Parse("|1\r\n+key\r\n+value\r\n:5\r\n"), Result::kReply);
  ASSERT_EQ(parser.reply().size(), 1u);
  EXPECT_EQ(parser.reply().root().integer, 5);
  ASSERT_EQ(parser.Parse("*2\r\n|1\r\n+k\r\n+v\r\n:1\r\n:2\r\n"), Result::kReply);
  ASSERT_EQ(parser.reply().size(), 3u);
  EXPECT_EQ(parser.reply().node(1).integer, 1);
  EXPECT_EQ(parser.reply().node(2).integer, 2);
}

TEST(ReplyParserTest, EveryPrefixOfAReplyNeedsMore) {
  const std::string input = "*3\r\n$3\r\nabc\r\n%1\r\n+k\r\n:1\r\n_\r\n";
  ReplyParser parser;
  for (size_t n = 0; n < input.size(); ++n) {
    EXPECT_EQ(parser.Parse(std::string_view(input).substr(0, n)), Result::kNeedMore) << n;
  }
  EXPECT_EQ(parser.Parse(input), Result::kReply);
}

TEST(ReplyParserTest, PipelinedRepliesAreTakenOneAtATime) {
  ReplyParser parser;
  std::string_view input = "+OK\r\n:1\r\n$1\r\nx\r\n";
  int replies = 0;
  while (!input.empty()) {
    ASSERT_EQ(parser.Parse(input), Result::kReply);
    input.remove_prefix(parser.consumed());
    ++replies;
  }
  EXPECT_EQ(replies, 3);
}

TEST(ReplyParserTest, MalformedRepliesAreErrors) {
  ReplyParser parser;
  EXPECT_EQ(parser.Parse("?what\r\n"), Result::kError);
  EXPECT_EQ(parser.Parse(":12x\r\n"), Result::kError);
  EXPECT_EQ(parser.Parse("$3\r\nabcd\r\n"), Result::kError);
  EXPECT_EQ(parser.Parse("+OK\n"), Result::kError);
  EXPECT_EQ(parser.Parse("$-2\r\n"), Result::kError);
  std::string deep;
  for (size_t i = 0; i <= ReplyParser::kMaxDepth; ++i) deep += "*1\r\n";
  EXPECT_EQ(parser.Parse(deep), Result::kError);
}

}  // namespace
}  // namespace runnel::bench
