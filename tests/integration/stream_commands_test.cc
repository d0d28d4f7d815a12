// XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM and the keyspace commands TYPE,
// EXISTS, DEL, UNLINK through the server. Every expected reply and error
// text was checked against redis-server 7.0.15.
#include <string>
#include <vector>

#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using namespace std::string_literals;

RUNNEL_BACKEND_TESTS(StreamCommandsTest);

// ---- XADD ----

TEST_P(StreamCommandsTest, XaddStarReturnsIncreasingMillisecondIds) {
  const RespValue first = Run({"XADD", "s", "*", "f", "v"});
  const RespValue second = Run({"XADD", "s", "*", "f", "v"});
  ASSERT_EQ(first.type, RespValue::Type::kBulk) << first;
  ASSERT_EQ(second.type, RespValue::Type::kBulk) << second;
  EXPECT_LT(SplitId(first.str), SplitId(second.str));
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  EXPECT_LT(std::llabs(static_cast<int64_t>(SplitId(first.str).first) - now_ms), 60'000);
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(2));
}

TEST_P(StreamCommandsTest, XaddStarContinuesFromATopItemAheadOfTheClock) {
  EXPECT_THAT(Run({"XADD", "f", "99999999999999-5", "a", "1"}), IsBulk("99999999999999-5"));
  EXPECT_THAT(Run({"XADD", "f", "*", "a", "1"}), IsBulk("99999999999999-6"));
  EXPECT_THAT(Run({"XADD", "f", "99999999999999-*", "a", "1"}), IsBulk("99999999999999-7"));
  EXPECT_THAT(Run({"XADD", "s", kMaxId, "a", "1"}), IsBulk(kMaxId));
  EXPECT_THAT(Run({"XADD", "s", "*", "a", "1"}),
              IsError("ERR The stream has exhausted the last possible ID, unable to add more items"));
}

TEST_P(StreamCommandsTest, XaddTakesExplicitAndPartialIdsOnlyAboveTheTopItem) {
  EXPECT_THAT(Run({"XADD", "s", "1-1", "a", "1"}), IsBulk("1-1"));
  for (const char* id : {"1-1", "1-0", "1", "0-*"}) {
    EXPECT_THAT(Run({"XADD", "s", id, "a", "1"}), IsError(kTopItem)) << id;
  }
  EXPECT_THAT(Run({"XADD", "s", "2", "a", "1"}), IsBulk("2-0"));
  EXPECT_THAT(Run({"XADD", "s", "2-*", "a", "1"}), IsBulk("2-1"));
  EXPECT_THAT(Run({"XADD", "s", "5-*", "a", "1"}), IsBulk("5-0"));
  EXPECT_THAT(Run({"XADD", "s", "3-*", "a", "1"}), IsError(kTopItem));
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(4));
  // On a new stream "0-*" skips the forbidden 0-0.
  EXPECT_THAT(Run({"XADD", "t", "0-*", "a", "1"}), IsBulk("0-1"));
}

TEST_P(StreamCommandsTest, XaddZeroOrMalformedIdIsRejectedWithoutCreatingTheKey) {
  EXPECT_THAT(Run({"XADD", "s", "0-0", "a", "1"}), IsError(kZeroId));
  EXPECT_THAT(Run({"XADD", "s", "0", "a", "1"}), IsError(kZeroId));
  for (const char* id : {"abc", "1-x", "-1", "-", "+", "1-2-3", "(1", "18446744073709551616-0", ""}) {
    EXPECT_THAT(Run({"XADD", "s", id, "a", "1"}), IsError(kInvalidId)) << id;
  }
  EXPECT_THAT(Run({"EXISTS", "s"}), IsInt(0));
}

TEST_P(StreamCommandsTest, XaddNomkstreamOnAMissingKeyIsNilAndCreatesNothing) {
  EXPECT_THAT(Run({"XADD", "m", "NOMKSTREAM", "*", "a", "1"}), IsNull());
  EXPECT_THAT(Run({"xadd", "m", "nomkstream", "maxlen", "1", "1-0", "a", "1"}), IsNull());
  EXPECT_THAT(Run({"EXISTS", "m"}), IsInt(0));
  EXPECT_THAT(Run({"TYPE", "m"}), IsSimple("none"));
  ASSERT_THAT(Run({"XADD", "m", "1-0", "a", "1"}), IsBulk("1-0"));
  EXPECT_THAT(Run({"XADD", "m", "NOMKSTREAM", "2-0", "a", "1"}), IsBulk("2-0"));
  EXPECT_THAT(Run({"XLEN", "m"}), IsInt(2));
}

TEST_P(StreamCommandsTest, XaddWithoutFieldValuePairsIsAnArityError) {
  const char kArity[] = "ERR wrong number of arguments for 'xadd' command";
  EXPECT_THAT(Run({"XADD", "m"}), IsError(kArity));
  EXPECT_THAT(Run({"XADD", "m", "1-0"}), IsError(kArity));
  EXPECT_THAT(Run({"XADD", "m", "1-0", "a"}), IsError(kArity));
  EXPECT_THAT(Run({"XADD", "m", "1-0", "a", "1", "b"}), IsError(kArity));
  // Five arguments pass the table's arity; no pairs follow the ID.
  EXPECT_THAT(Run({"XADD", "m", "MAXLEN", "2", "1-0"}), IsError(kArity));
  EXPECT_THAT(Run({"EXISTS", "m"}), IsInt(0));
}

TEST_P(StreamCommandsTest, XaddMaxlenAndMinidTrimExactly) {
  AddNumbered("m", 3);
  EXPECT_THAT(Run({"XADD", "m", "MAXLEN", "2", "4-0", "f", "4"}), IsBulk("4-0"));
  EXPECT_EQ(ToIds(Run({"XRANGE", "m", "-", "+"})), (std::vector<std::string>{"3-0", "4-0"}));
  EXPECT_THAT(Run({"XADD", "m", "MAXLEN", "=", "1", "5-0", "f", "5"}), IsBulk("5-0"));
  EXPECT_EQ(ToIds(Run({"XRANGE", "m", "-", "+"})), (std::vector<std::string>{"5-0"}));
  AddNumbered("n", 5);
  EXPECT_THAT(Run({"XADD", "n", "MINID", "4", "6-0", "f", "6"}), IsBulk("6-0"));
  EXPECT_EQ(ToIds(Run({"XRANGE", "n", "-", "+"})), (std::vector<std::string>{"4-0", "5-0", "6-0"}));
}

TEST_P(StreamCommandsTest, XaddTrimOptionErrorsAddNothing) {
  AddNumbered("m", 1);
  EXPECT_THAT(Run({"XADD", "m", "MAXLEN", "2", "LIMIT", "10", "8-0", "a", "1"}),
              IsError("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  EXPECT_THAT(Run({"XADD", "m", "MINID", "5", "LIMIT", "5", "8-0", "a", "1"}),
              IsError("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  EXPECT_THAT(Run({"XADD", "m", "LIMIT", "5", "8-0", "a", "1"}),
              IsError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"));
  EXPECT_THAT(Run({"XADD", "m", "MAXLEN", "-1", "8-0", "a", "1"}),
              IsError("ERR The MAXLEN argument must be >= 0."));
  EXPECT_THAT(Run({"XADD", "m", "MAXLEN", "~", "2", "LIMIT", "-1", "8-0", "a", "1"}),
              IsError("ERR The LIMIT argument must be >= 0."));
  EXPECT_THAT(Run({"XADD", "m", "MAXLEN", "abc", "8-0", "a", "1"}), IsError(kNotInteger));
  // The ID is taken as MAXLEN's argument.
  EXPECT_THAT(Run({"XADD", "m", "MAXLEN", "8-0", "a", "1"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XADD", "m", "MINID", "abc", "8-0", "a", "1"}), IsError(kInvalidId));
  EXPECT_THAT(Run({"XADD", "m", "MAXLEN", "1", "MINID", "1", "8-0", "a", "1"}),
              IsError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"));
  EXPECT_THAT(Run({"XADD", "e", "MAXLEN", "-1", "*", "a", "1"}),
              IsError("ERR The MAXLEN argument must be >= 0."));
  EXPECT_THAT(Run({"XLEN", "m"}), IsInt(1));
  EXPECT_THAT(Run({"EXISTS", "e"}), IsInt(0));
}

// Emptied by XADD MAXLEN 0, XDEL or XTRIM, a stream still exists, and its
// top ID still bounds the next one.
TEST_P(StreamCommandsTest, EmptiedStreamStillExistsAndKeepsItsTopId) {
  EXPECT_THAT(Run({"XADD", "z", "MAXLEN", "0", "1-0", "a", "1"}), IsBulk("1-0"));
  AddNumbered("d", 2);
  ASSERT_THAT(Run({"XDEL", "d", "1-0", "2-0"}), IsInt(2));
  AddNumbered("t", 3);
  ASSERT_THAT(Run({"XTRIM", "t", "MAXLEN", "0"}), IsInt(3));
  EXPECT_THAT(Run({"EXISTS", "z", "d", "t"}), IsInt(3));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(3));
  for (const char* key : {"z", "d", "t"}) {
    EXPECT_THAT(Run({"TYPE", key}), IsSimple("stream")) << key;
    EXPECT_THAT(Run({"XLEN", key}), IsInt(0)) << key;
    EXPECT_THAT(Run({"XRANGE", key, "-", "+"}), ArrLen(0)) << key;
  }
  EXPECT_THAT(Run({"XADD", "z", "1-0", "a", "1"}), IsError(kTopItem));
  EXPECT_THAT(Run({"XADD", "z", "2-0", "a", "1"}), IsBulk("2-0"));
  EXPECT_THAT(Run({"XADD", "d", "2-0", "f", "x"}), IsError(kTopItem));
  EXPECT_THAT(Run({"XADD", "d", "2-*", "f", "x"}), IsBulk("2-1"));
  EXPECT_THAT(Run({"XADD", "t", "3-0", "f", "x"}), IsError(kTopItem));
}

TEST_P(StreamCommandsTest, FieldsAndValuesAreBinarySafeEmptyOrLarge) {
  const std::string field = "f\0\r\n"s;
  const std::string value = "v\0\xff\r\n$3\r\n"s;
  ASSERT_THAT(Run({"XADD", "b", "1-0", field, value, "", ""}), IsBulk("1-0"));
  EXPECT_EQ(ToEntries(Run({"XRANGE", "b", "-", "+"})),
            (Entries{{"1-0", {field, value, "", ""}}}));
  std::string large(256 * 1024, 'x');
  for (size_t i = 0; i < large.size(); i += 4093) large[i] = static_cast<char>(i % 256);
  ASSERT_THAT(Run({"XADD", "b", "2-0", "v", large}), IsBulk("2-0"));
  EXPECT_EQ(ToEntries(Run({"XRANGE", "b", "2-0", "+"})), (Entries{{"2-0", {"v", large}}}));
}

TEST_P(StreamCommandsTest, ManyFieldsComeBackInOrderWithDuplicateNames) {
  std::vector<std::string> command = {"XADD", "s", "1-0"};
  std::vector<std::string> pairs;
  for (int i = 0; i < 1000; ++i) {
    pairs.push_back("field" + std::to_string(i % 10));  // each name ten times
    pairs.push_back(std::to_string(i));
  }
  command.insert(command.end(), pairs.begin(), pairs.end());
  ASSERT_THAT(Run(command), IsBulk("1-0"));
  ASSERT_THAT(Run({"XADD", "s", "2-0", "f", "1", "f", "2", "f", "1"}), IsBulk("2-0"));
  EXPECT_EQ(ToEntries(Run({"XRANGE", "s", "-", "+"})),
            (Entries{{"1-0", pairs}, {"2-0", {"f", "1", "f", "2", "f", "1"}}}));
}

// ---- XLEN ----

TEST_P(StreamCommandsTest, XlenCountsAddsAndDeletes) {
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(0));
  AddNumbered("s", 3);
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(3));
  ASSERT_THAT(Run({"XDEL", "s", "2-0"}), IsInt(1));
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(2));
  EXPECT_THAT(Run({"XLEN"}), IsError("ERR wrong number of arguments for 'xlen' command"));
}

// ---- XRANGE / XREVRANGE ----

TEST_P(StreamCommandsTest, XrangeIsOldestFirstAndXrevrangeNewestFirst) {
  AddFive();
  EXPECT_EQ(ToEntries(Run({"XRANGE", "r", "-", "+"})),
            (Entries{{"1-0", {"f", "1"}}, {"1-1", {"f", "2"}}, {"2-0", {"f", "3"}},
                     {"3-5", {"f", "4"}}, {"5-0", {"f", "5"}}}));
  EXPECT_EQ(ToIds(Run({"XREVRANGE", "r", "+", "-"})),
            (std::vector<std::string>{"5-0", "3-5", "2-0", "1-1", "1-0"}));
  EXPECT_EQ(ToEntries(Run({"XREVRANGE", "r", "+", "-", "COUNT", "1"})),
            (Entries{{"5-0", {"f", "5"}}}));
}

TEST_P(StreamCommandsTest, XrangeCountLimitsTheReplyAndTheLastCountWins) {
  AddFive();
  EXPECT_EQ(ToIds(Run({"XRANGE", "r", "-", "+", "COUNT", "2"})),
            (std::vector<std::string>{"1-0", "1-1"}));
  EXPECT_EQ(ToIds(Run({"XRANGE", "r", "-", "+", "count", "2", "COUNT", "1"})),
            (std::vector<std::string>{"1-0"}));
  EXPECT_EQ(ToIds(Run({"XREVRANGE", "r", "+", "-", "COUNT", "2"})),
            (std::vector<std::string>{"5-0", "3-5"}));
  EXPECT_EQ(ToIds(Run({"XRANGE", "r", "-", "+", "COUNT", "100"})).size(), 5u);
}

// Redis replies *-1 (not an empty array) for COUNT <= 0 on an existing
// stream, and an empty array on a missing key (looked up first).
TEST_P(StreamCommandsTest, XrangeCountZeroOrNegativeIsANullArray) {
  AddFive();
  EXPECT_THAT(Run({"XRANGE", "r", "-", "+", "COUNT", "0"}), IsNullArray());
  EXPECT_THAT(Run({"XRANGE", "r", "-", "+", "COUNT", "-1"}), IsNullArray());
  EXPECT_THAT(Run({"XREVRANGE", "r", "+", "-", "COUNT", "0"}), IsNullArray());
  EXPECT_THAT(Run({"XRANGE", "nope", "-", "+", "COUNT", "0"}), ArrLen(0));
}

TEST_P(StreamCommandsTest, XrangeIncompleteIdsCoverWholeMilliseconds) {
  AddFive();
  EXPECT_EQ(ToIds(Run({"XRANGE", "r", "1", "1"})), (std::vector<std::string>{"1-0", "1-1"}));
  EXPECT_EQ(ToIds(Run({"XRANGE", "r", "2", "3"})), (std::vector<std::string>{"2-0", "3-5"}));
  EXPECT_EQ(ToIds(Run({"XREVRANGE", "r", "3", "1"})),
            (std::vector<std::string>{"3-5", "2-0", "1-1", "1-0"}));
}

TEST_P(StreamCommandsTest, XrangeExclusiveBoundsLeaveOutTheBound) {
  AddFive();
  EXPECT_EQ(ToIds(Run({"XRANGE", "r", "(1-0", "(3-5"})), (std::vector<std::string>{"1-1", "2-0"}));
  // "(1" starts after 1-0; "(2" ends before 2-18446744073709551615.
  EXPECT_EQ(ToIds(Run({"XRANGE", "r", "(1", "+"})),
            (std::vector<std::string>{"1-1", "2-0", "3-5", "5-0"}));
  EXPECT_EQ(ToIds(Run({"XRANGE", "r", "-", "(2"})), (std::vector<std::string>{"1-0", "1-1", "2-0"}));
  EXPECT_EQ(ToIds(Run({"XREVRANGE", "r", "(3-5", "(1-0"})),
            (std::vector<std::string>{"2-0", "1-1"}));
  EXPECT_EQ(ToIds(Run({"XRANGE", "r", "(0-0", "(1-1"})), (std::vector<std::string>{"1-0"}));
  EXPECT_THAT(Run({"XRANGE", "r", "(1-1", "(1-1"}), ArrLen(0));
  EXPECT_THAT(Run({"XRANGE", "r", "1-1", "(1-1"}), ArrLen(0));
  EXPECT_EQ(ToIds(Run({"XREVRANGE", "r", "(" + std::string(kMaxId), "-"})).size(), 5u);
}

TEST_P(StreamCommandsTest, XrangeExclusiveBoundPastTheIdSpaceIsAnIntervalError) {
  AddFive();
  const std::string after_max = "(" + std::string(kMaxId);
  EXPECT_THAT(Run({"XRANGE", "r", after_max, "+"}), IsError("ERR invalid start ID for the interval"));
  EXPECT_THAT(Run({"XRANGE", "r", "-", "(0-0"}), IsError("ERR invalid end ID for the interval"));
  // XREVRANGE takes the end first.
  EXPECT_THAT(Run({"XREVRANGE", "r", "(0-0", "-"}), IsError("ERR invalid end ID for the interval"));
  EXPECT_THAT(Run({"XREVRANGE", "r", "+", after_max}),
              IsError("ERR invalid start ID for the interval"));
}

TEST_P(StreamCommandsTest, XrangeRejectsMalformedBoundsAndOptions) {
  AddFive();
  for (const char* bound : {"(-", "(+", "abc", "*", "(abc", "1-x", "1-*"}) {
    EXPECT_THAT(Run({"XRANGE", "r", bound, "+"}), IsError(kInvalidId)) << bound;
    EXPECT_THAT(Run({"XRANGE", "r", "-", bound}), IsError(kInvalidId)) << bound;
    EXPECT_THAT(Run({"XREVRANGE", "r", bound, "-"}), IsError(kInvalidId)) << bound;
  }
  EXPECT_THAT(Run({"XRANGE", "r", "-", "+", "COUNT"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XRANGE", "r", "-", "+", "LIMIT", "2"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XRANGE", "r", "-", "+", "COUNT", "abc"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XRANGE", "r", "-"}),
              IsError("ERR wrong number of arguments for 'xrange' command"));
  EXPECT_THAT(Run({"XREVRANGE", "r", "+"}),
              IsError("ERR wrong number of arguments for 'xrevrange' command"));
}

TEST_P(StreamCommandsTest, XrangeOnAMissingKeyOrAnInvertedRangeIsEmpty) {
  AddFive();
  EXPECT_THAT(Run({"XRANGE", "nope", "-", "+"}), ArrLen(0));
  EXPECT_THAT(Run({"XREVRANGE", "nope", "+", "-"}), ArrLen(0));
  EXPECT_THAT(Run({"XRANGE", "r", "5", "1"}), ArrLen(0));
  EXPECT_THAT(Run({"XREVRANGE", "r", "1", "3"}), ArrLen(0));
  EXPECT_THAT(Run({"XRANGE", "r", "+", "+"}), ArrLen(0));
  EXPECT_THAT(Run({"XRANGE", "r", "6", "+"}), ArrLen(0));
}

TEST_P(StreamCommandsTest, Resp3KeepsTheEntryArraysAndUsesNullForNil) {
  AddFive();
  ASSERT_EQ(Run({"HELLO", "3"}).type, RespValue::Type::kMap);
  EXPECT_EQ(ToEntries(Run({"XRANGE", "r", "-", "+", "COUNT", "1"})), (Entries{{"1-0", {"f", "1"}}}));
  EXPECT_THAT(Run({"XRANGE", "r", "-", "+", "COUNT", "0"}), IsNull());
  EXPECT_THAT(Run({"XADD", "m", "NOMKSTREAM", "*", "a", "1"}), IsNull());
  EXPECT_THAT(Run({"XADD", "r", "6-0", "f", "6"}), IsBulk("6-0"));
}

// ---- XDEL ----

TEST_P(StreamCommandsTest, XdelCountsOnlyEntriesThatExisted) {
  AddNumbered("d", 4);
  EXPECT_THAT(Run({"XDEL", "d", "2-0", "3-0", "9-0"}), IsInt(2));
  EXPECT_THAT(Run({"XDEL", "d", "2-0"}), IsInt(0));
  EXPECT_THAT(Run({"XDEL", "d", "2-0", "2-0", "4-0", "4-0"}), IsInt(1));
  EXPECT_THAT(Run({"XDEL", "d", "1"}), IsInt(1));  // "1" is 1-0
  EXPECT_THAT(Run({"XLEN", "d"}), IsInt(0));
}

// XDEL looks the key up before it parses the IDs.
TEST_P(StreamCommandsTest, XdelAndXtrimOnAMissingKeyAreZeroAndCreateNothing) {
  EXPECT_THAT(Run({"XDEL", "nope", "1-0"}), IsInt(0));
  EXPECT_THAT(Run({"XDEL", "nope", "abc"}), IsInt(0));
  EXPECT_THAT(Run({"XTRIM", "nope", "MAXLEN", "0"}), IsInt(0));
  EXPECT_THAT(Run({"XTRIM", "nope", "MINID", "5"}), IsInt(0));
  EXPECT_THAT(Run({"EXISTS", "nope"}), IsInt(0));
}

TEST_P(StreamCommandsTest, XdelWithAnInvalidIdDeletesNothing) {
  AddNumbered("d", 2);
  EXPECT_THAT(Run({"XDEL", "d", "1-0", "abc"}), IsError(kInvalidId));
  for (const char* id : {"-", "+", "*", "(1-0", "1-*", "18446744073709551616"}) {
    EXPECT_THAT(Run({"XDEL", "d", id}), IsError(kInvalidId)) << id;
  }
  EXPECT_THAT(Run({"XDEL", "d"}), IsError("ERR wrong number of arguments for 'xdel' command"));
  EXPECT_THAT(Run({"XLEN", "d"}), IsInt(2));
}

// ---- XTRIM ----

TEST_P(StreamCommandsTest, XtrimMaxlenRepliesTheNumberRemoved) {
  AddNumbered("t", 6);
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "4"}), IsInt(2));
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "4"}), IsInt(0));
  EXPECT_EQ(ToIds(Run({"XRANGE", "t", "-", "+", "COUNT", "1"})), (std::vector<std::string>{"3-0"}));
  EXPECT_THAT(Run({"XTRIM", "t", "maxlen", "=", "3"}), IsInt(1));
  EXPECT_EQ(ToIds(Run({"XRANGE", "t", "-", "+"})), (std::vector<std::string>{"4-0", "5-0", "6-0"}));
}

TEST_P(StreamCommandsTest, XtrimMinidRemovesEntriesBelowTheId) {
  AddNumbered("t", 6);
  EXPECT_THAT(Run({"XTRIM", "t", "MINID", "5"}), IsInt(4));
  EXPECT_EQ(ToIds(Run({"XRANGE", "t", "-", "+"})), (std::vector<std::string>{"5-0", "6-0"}));
  EXPECT_THAT(Run({"XTRIM", "t", "MINID", "=", "1"}), IsInt(0));
  EXPECT_THAT(Run({"XTRIM", "t", "MINID", "0"}), IsInt(0));
}

// "~" trims whole Redis nodes (100 entries) or whole Runnel segments, so it
// removes nothing from a handful of entries. (MAXLEN ~ 0, and MINID ~ above
// every entry, do empty a small Redis stream; not asserted.)
TEST_P(StreamCommandsTest, ApproximateTrimRemovesNothingFromAShortStream) {
  AddNumbered("t", 3);
  EXPECT_THAT(Run({"XADD", "t", "MAXLEN", "~", "1", "4-0", "f", "4"}), IsBulk("4-0"));
  EXPECT_THAT(Run({"XADD", "t", "MAXLEN", "~", "2", "LIMIT", "10", "5-0", "f", "5"}), IsBulk("5-0"));
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "~", "2"}), IsInt(0));
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "~", "1", "LIMIT", "100"}), IsInt(0));
  EXPECT_THAT(Run({"XTRIM", "t", "MINID", "~", "3"}), IsInt(0));
  EXPECT_THAT(Run({"XLEN", "t"}), IsInt(5));
}

TEST_P(StreamCommandsTest, XtrimOptionErrors) {
  AddNumbered("t", 2);
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "1", "LIMIT", "100"}),
              IsError("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  EXPECT_THAT(Run({"XTRIM", "t", "LIMIT", "5"}),
              IsError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"));
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "-1"}), IsError("ERR The MAXLEN argument must be >= 0."));
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "~", "1", "LIMIT", "-1"}),
              IsError("ERR The LIMIT argument must be >= 0."));
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "abc"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "~", "1", "LIMIT", "abc"}), IsError(kNotInteger));
  for (const char* id : {"abc", "-", "+", "(5"}) {
    EXPECT_THAT(Run({"XTRIM", "t", "MINID", id}), IsError(kInvalidId)) << id;
  }
  EXPECT_THAT(Run({"XTRIM", "t", "FOO", "1"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "1", "extra"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN", "1", "MINID", "1"}),
              IsError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"));
  EXPECT_THAT(Run({"XTRIM", "t", "MAXLEN"}),
              IsError("ERR wrong number of arguments for 'xtrim' command"));
  EXPECT_THAT(Run({"XLEN", "t"}), IsInt(2));
}

// ---- TYPE, EXISTS, DEL, UNLINK ----

TEST_P(StreamCommandsTest, TypeIsStreamOrNoneAndExistsCountsRepeats) {
  AddNumbered("a", 1);
  AddNumbered("b", 1);
  EXPECT_THAT(Run({"TYPE", "a"}), IsSimple("stream"));
  EXPECT_THAT(Run({"TYPE", "c"}), IsSimple("none"));
  EXPECT_THAT(Run({"TYPE", "a", "b"}), IsError("ERR wrong number of arguments for 'type' command"));
  EXPECT_THAT(Run({"EXISTS", "a"}), IsInt(1));
  EXPECT_THAT(Run({"EXISTS", "a", "b", "c"}), IsInt(2));
  EXPECT_THAT(Run({"EXISTS", "a", "a", "a"}), IsInt(3));
  EXPECT_THAT(Run({"EXISTS", "c"}), IsInt(0));
  EXPECT_THAT(Run({"EXISTS"}), IsError("ERR wrong number of arguments for 'exists' command"));
}

TEST_P(StreamCommandsTest, DelCountsRemovedKeysAndTheStreamIsGone) {
  AddNumbered("a", 2);
  AddNumbered("b", 1);
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(2));
  EXPECT_THAT(Run({"DEL", "a", "c", "a"}), IsInt(1));
  EXPECT_THAT(Run({"EXISTS", "a"}), IsInt(0));
  EXPECT_THAT(Run({"XLEN", "a"}), IsInt(0));
  EXPECT_THAT(Run({"TYPE", "a"}), IsSimple("none"));
  EXPECT_THAT(Run({"XRANGE", "a", "-", "+"}), ArrLen(0));
  EXPECT_THAT(Run({"DEL", "a"}), IsInt(0));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(1));
  EXPECT_THAT(Run({"DEL"}), IsError("ERR wrong number of arguments for 'del' command"));
  // The top ID went with the key: the next XADD starts a fresh stream.
  EXPECT_THAT(Run({"XADD", "a", "1-0", "f", "new"}), IsBulk("1-0"));
  EXPECT_EQ(ToEntries(Run({"XRANGE", "a", "-", "+"})), (Entries{{"1-0", {"f", "new"}}}));
}

TEST_P(StreamCommandsTest, UnlinkCountsRemovedKeysAndTheStreamIsGone) {
  AddNumbered("a", 1);
  AddNumbered("b", 1);
  EXPECT_THAT(Run({"UNLINK", "b", "b", "c"}), IsInt(1));
  EXPECT_THAT(Run({"EXISTS", "b"}), IsInt(0));
  EXPECT_THAT(Run({"TYPE", "b"}), IsSimple("none"));
  EXPECT_THAT(Run({"XLEN", "b"}), IsInt(0));
  EXPECT_THAT(Run({"UNLINK", "a", "b"}), IsInt(1));
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(0));
  EXPECT_THAT(Run({"UNLINK"}), IsError("ERR wrong number of arguments for 'unlink' command"));
}

TEST_P(StreamCommandsTest, EachDatabaseHasItsOwnStreams) {
  AddNumbered("s", 2);
  ASSERT_THAT(Run({"SELECT", "1"}), IsSimple("OK"));
  EXPECT_THAT(Run({"EXISTS", "s"}), IsInt(0));
  EXPECT_THAT(Run({"XADD", "s", "1-0", "db", "1"}), IsBulk("1-0"));
  EXPECT_THAT(Run({"DEL", "s"}), IsInt(1));
  ASSERT_THAT(Run({"SELECT", "0"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XLEN", "s"}), IsInt(2));
}

// Every awkward key is a stream of its own, named back exactly.
TEST_P(StreamCommandsTest, BinaryKeysAreDistinctStreams) {
  const std::vector<std::string> keys = AwkwardKeys();
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_THAT(Run({"XADD", keys[i], "1-0", "key", std::to_string(i)}), IsBulk("1-0")) << i;
  }
  EXPECT_THAT(Run({"DBSIZE"}), IsInt(static_cast<int64_t>(keys.size())));
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(ToEntries(Run({"XRANGE", keys[i], "-", "+"})),
              (Entries{{"1-0", {"key", std::to_string(i)}}}))
        << i;
    EXPECT_THAT(Run({"TYPE", keys[i]}), IsSimple("stream")) << i;
  }
  EXPECT_THAT(Run({"DEL", "a/b\0c"s}), IsInt(1));
  EXPECT_THAT(Run({"EXISTS", "a/b\0d"s, "a/b"}), IsInt(2));
}

// ---- MULTI / EXEC ----

TEST_P(StreamCommandsTest, MultiExecRunsStreamCommandsInOrder) {
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XADD", "s", "1-0", "f", "v"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"XADD", "s", "2-0", "f", "v"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"XLEN", "s"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"XADD", "s", "1-0", "f", "v"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"XRANGE", "s", "-", "+"}), IsSimple("QUEUED"));
  const RespValue exec = Run({"EXEC"});
  ASSERT_THAT(exec, ArrLen(5));
  EXPECT_THAT(exec.elements[0], IsBulk("1-0"));
  EXPECT_THAT(exec.elements[1], IsBulk("2-0"));
  EXPECT_THAT(exec.elements[2], IsInt(2));
  EXPECT_THAT(exec.elements[3], IsError(kTopItem));
  EXPECT_EQ(ToIds(exec.elements[4]), (std::vector<std::string>{"1-0", "2-0"}));

  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"XADD", "s", "3-0", "f", "v"},
                                             {"XDEL", "s", "1-0"},
                                             {"XTRIM", "s", "MAXLEN", "1"},
                                             {"DEL", "s"},
                                             {"EXISTS", "s"}}) {
    EXPECT_THAT(Run(command), IsSimple("QUEUED"));
  }
  const RespValue second = Run({"EXEC"});
  ASSERT_THAT(second, ArrLen(5));
  EXPECT_THAT(second.elements[0], IsBulk("3-0"));
  EXPECT_THAT(second.elements[1], IsInt(1));
  EXPECT_THAT(second.elements[2], IsInt(1));
  EXPECT_THAT(second.elements[3], IsInt(1));
  EXPECT_THAT(second.elements[4], IsInt(0));
}

TEST_P(StreamCommandsTest, XaddArityErrorWhileQueuingAbortsExec) {
  ASSERT_THAT(Run({"MULTI"}), IsSimple("OK"));
  EXPECT_THAT(Run({"XADD", "s", "1-0", "f", "v"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"XADD", "s", "2-0", "f"}),
              IsError("ERR wrong number of arguments for 'xadd' command"));
  EXPECT_THAT(Run({"EXEC"}), IsError("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_THAT(Run({"EXISTS", "s"}), IsInt(0));
}

}  // namespace
}  // namespace runnel::testing
