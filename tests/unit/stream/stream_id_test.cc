#include "engine/stream/stream_id.h"

#include "gtest/gtest.h"

namespace runnel::stream {
namespace {

std::string Error(const absl::Status& status) {
  return std::string(status.message().data(), status.message().size());
}

StreamId Parse(std::string_view text, IdSyntax syntax, uint64_t missing_seq = 0) {
  auto parsed = ParseId(text, syntax, missing_seq);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? parsed->id : StreamId{};
}

bool Rejected(std::string_view text, IdSyntax syntax) {
  auto parsed = ParseId(text, syntax);
  if (parsed.ok()) return false;
  EXPECT_EQ(Error(parsed.status()), "Invalid stream ID specified as stream command argument");
  return true;
}

TEST(StreamIdTest, FormatsAsMillisecondsDashSequence) {
  EXPECT_EQ(FormatId({1526919030474, 55}), "1526919030474-55");
  EXPECT_EQ(FormatId(kMaxId), "18446744073709551615-18446744073709551615");
  std::string out = "id:";
  AppendId(&out, {0, 1});
  EXPECT_EQ(out, "id:0-1");
}

TEST(StreamIdTest, RangeBoundsAcceptDashPlusAndIncompleteIds) {
  EXPECT_EQ(Parse("-", IdSyntax::kRangeBound), kMinId);
  EXPECT_EQ(Parse("+", IdSyntax::kRangeBound), kMaxId);
  EXPECT_EQ(Parse("5", IdSyntax::kRangeBound, 0), (StreamId{5, 0}));
  EXPECT_EQ(Parse("5", IdSyntax::kRangeBound, UINT64_MAX), (StreamId{5, UINT64_MAX}));
  EXPECT_EQ(Parse("5-3", IdSyntax::kRangeBound), (StreamId{5, 3}));
  auto exclusive = ParseId("(5-3", IdSyntax::kExclusiveRangeBound);
  ASSERT_TRUE(exclusive.ok());
  EXPECT_TRUE(exclusive->exclusive);
  EXPECT_TRUE(Rejected("(5-3", IdSyntax::kRangeBound));
  EXPECT_TRUE(Rejected("(-", IdSyntax::kExclusiveRangeBound));
  EXPECT_TRUE(Rejected("(+", IdSyntax::kExclusiveRangeBound));
  EXPECT_TRUE(Rejected("(", IdSyntax::kExclusiveRangeBound));
  EXPECT_EQ(Parse("(7", IdSyntax::kExclusiveRangeBound, UINT64_MAX), (StreamId{7, UINT64_MAX}));
  EXPECT_TRUE(Rejected("5-*", IdSyntax::kRangeBound));
  EXPECT_TRUE(Rejected("*", IdSyntax::kRangeBound));
}

TEST(StreamIdTest, NumbersFollowRedisString2ull) {
  EXPECT_EQ(Parse("007-+5", IdSyntax::kStrict), (StreamId{7, 5}));
  EXPECT_EQ(Parse("18446744073709551615-0", IdSyntax::kStrict), (StreamId{UINT64_MAX, 0}));
  EXPECT_TRUE(Rejected("18446744073709551616-0", IdSyntax::kStrict));
  EXPECT_TRUE(Rejected("-1", IdSyntax::kStrict));
  EXPECT_TRUE(Rejected("1-2-3", IdSyntax::kStrict));
  EXPECT_TRUE(Rejected("1x", IdSyntax::kStrict));
  EXPECT_TRUE(Rejected("", IdSyntax::kStrict));
  EXPECT_TRUE(Rejected("1-", IdSyntax::kStrict));
  EXPECT_TRUE(Rejected("-", IdSyntax::kStrict));
  EXPECT_TRUE(Rejected("+", IdSyntax::kStrict));
}

TEST(StreamIdTest, AddSyntaxAcceptsAutomaticParts) {
  auto all = ParseId("*", IdSyntax::kAdd);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->auto_all);
  auto seq = ParseId("12-*", IdSyntax::kAdd);
  ASSERT_TRUE(seq.ok());
  EXPECT_TRUE(seq->auto_seq);
  EXPECT_EQ(seq->id.ms, 12u);
  EXPECT_EQ(Parse("12", IdSyntax::kAdd), (StreamId{12, 0}));
  EXPECT_TRUE(Rejected("-", IdSyntax::kAdd));
  EXPECT_TRUE(Rejected("*-1", IdSyntax::kAdd));
}

TEST(StreamIdTest, AutomaticIdsNeverGoBackwards) {
  const ParsedId all{.auto_all = true};
  EXPECT_EQ(*NextId(all, {100, 5}, 200), (StreamId{200, 0}));
  // The clock went back: the ID still grows.
  EXPECT_EQ(*NextId(all, {100, 5}, 50), (StreamId{100, 6}));
  EXPECT_EQ(*NextId(all, {100, UINT64_MAX}, 50), (StreamId{101, 0}));
  EXPECT_EQ(Error(NextId(all, kMaxId, 50).status()),
            "The stream has exhausted the last possible ID, unable to add more items");
}

TEST(StreamIdTest, ExplicitIdsMustExceedTheTopItemAndZero) {
  const std::string not_greater = "The ID specified in XADD is equal or smaller than the target stream top item";
  EXPECT_EQ(*NextId(ParsedId{.id = {5, 1}}, {5, 0}, 0), (StreamId{5, 1}));
  EXPECT_EQ(Error(NextId(ParsedId{.id = {5, 0}}, {5, 0}, 0).status()), not_greater);
  EXPECT_EQ(Error(NextId(ParsedId{.id = {0, 0}}, {0, 0}, 0).status()),
            "The ID specified in XADD must be greater than 0-0");
  const ParsedId seq{.id = {5, 0}, .auto_seq = true};
  EXPECT_EQ(*NextId(seq, {5, 7}, 0), (StreamId{5, 8}));
  EXPECT_EQ(*NextId(seq, {4, 7}, 0), (StreamId{5, 0}));
  EXPECT_EQ(Error(NextId(seq, {6, 0}, 0).status()), not_greater);
  EXPECT_EQ(*NextId(ParsedId{.id = {0, 0}, .auto_seq = true}, {0, 0}, 0), (StreamId{0, 1}));
}

TEST(StreamIdTest, SuccessorAndPredecessorCarryAcrossMilliseconds) {
  EXPECT_EQ(Successor({1, UINT64_MAX}), (StreamId{2, 0}));
  EXPECT_EQ(Successor(kMaxId), std::nullopt);
  EXPECT_EQ(Predecessor({2, 0}), (StreamId{1, UINT64_MAX}));
  EXPECT_EQ(Predecessor(kMinId), std::nullopt);
}

}  // namespace
}  // namespace runnel::stream
