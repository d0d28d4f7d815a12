// Tests for RespParser: Redis 7's multibulk and inline grammar, its exact
// error texts and limits, and incremental parsing over any split of a stream.

#include "server/resp/resp_parser.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "tests/unit/resp/allocation_counter.h"
#include "tests/unit/resp/parser_test_support.h"

namespace runnel::resp {
namespace {

using namespace test_support;  // NOLINT

// --- Multibulk -------------------------------------------------------------

TEST(RespParserTest, MultibulkCommandIsParsedWhole) {
  RespParser parser;
  const std::string input = "*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n";
  ASSERT_EQ(parser.Parse(input), Result::kCommand);
  ASSERT_EQ(parser.args().size(), 2u);
  EXPECT_EQ(parser.args()[0], "ECHO");
  EXPECT_EQ(parser.args()[1], "hi");
  EXPECT_EQ(parser.consumed(), input.size());
}

TEST(RespParserTest, MultibulkArgsAreViewsIntoInput) {
  RespParser parser;
  const std::string input = "*1\r\n$4\r\nPING\r\n";
  ASSERT_EQ(parser.Parse(input), Result::kCommand);
  EXPECT_EQ(parser.args()[0].data(), input.data() + 8);
}

TEST(RespParserTest, BinaryPayloadWithCrLfAndNulIsKeptIntact) {
  const std::string payload("a\r\nb\0c\r\n$3\r\n", 12);
  EXPECT_EQ(ParseAll(Multibulk({"SET", payload})).commands,
            std::vector<Command>({{"SET", payload}}));
}

TEST(RespParserTest, EmptyBulkIsAnEmptyArgument) {
  EXPECT_EQ(ParseAll("*2\r\n$3\r\nGET\r\n$0\r\n\r\n").commands,
            std::vector<Command>({{"GET", ""}}));
}

TEST(RespParserTest, PipelinedCommandsAreReturnedOneAtATime) {
  RespParser parser;
  const std::string first = Multibulk({"SET", "k", "v"});
  const std::string input = first + Multibulk({"GET", "k"});
  ASSERT_EQ(parser.Parse(input), Result::kCommand);
  EXPECT_EQ(parser.consumed(), first.size());
  ASSERT_EQ(parser.Parse(std::string_view(input).substr(first.size())), Result::kCommand);
  EXPECT_EQ(parser.args()[0], "GET");
  EXPECT_EQ(parser.Parse(""), Result::kNeedMore);
}

TEST(RespParserTest, PayloadTrailerIsSkippedWithoutCheckingCrLf) {
  // Redis skips the two bytes after a payload unchecked.
  EXPECT_EQ(ParseAll("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n").commands,
            std::vector<Command>({{"PING"}, {"PING"}}));
}

TEST(RespParserTest, HeaderLineEndsAtCrAndTheNextByteIsSkipped) {
  EXPECT_EQ(ParseAll("*1\rx$4\ryPING\r\n").commands, std::vector<Command>({{"PING"}}));
}

TEST(RespParserTest, PayloadWaitsForItsTwoTrailingBytes) {
  RespParser parser;
  EXPECT_EQ(parser.Parse("*1\r\n$4\r\nPING\r"), Result::kNeedMore);
  EXPECT_EQ(parser.bytes_wanted(), 1u);
  EXPECT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n"), Result::kCommand);
}

TEST(RespParserTest, ZeroCountMultibulkIsSkippedSilently) {
  RespParser parser;
  const std::string input = "*0\r\n*1\r\n$4\r\nPING\r\n";
  ASSERT_EQ(parser.Parse(input), Result::kCommand);
  EXPECT_EQ(parser.args()[0], "PING");
  EXPECT_EQ(parser.consumed(), input.size());  // the skipped header counts
}

TEST(RespParserTest, NegativeCountMultibulkIsSkippedSilently) {
  EXPECT_EQ(ParseAll("*-1\r\n*-100\r\n*1\r\n$1\r\nx\r\n").commands, std::vector<Command>({{"x"}}));
}

TEST(RespParserTest, OnlySkippedCommandsAreReportedConsumedOnNeedMore) {
  RespParser parser;
  EXPECT_EQ(parser.Parse("*0\r\n\r\n*-1\r\n"), Result::kNeedMore);
  EXPECT_EQ(parser.consumed(), 11u);
  // A caller that passes those bytes again gets them skipped again.
  EXPECT_EQ(parser.Parse("*0\r\n\r\n*-1\r\n"), Result::kNeedMore);
  EXPECT_EQ(parser.consumed(), 11u);
}

TEST(RespParserTest, DroppingReportedSkippedBytesLeavesNoStaleState) {
  RespParser parser;
  EXPECT_EQ(parser.Parse("*0\r\n"), Result::kNeedMore);
  EXPECT_EQ(parser.consumed(), 4u);
  EXPECT_EQ(parser.Parse("P"), Result::kNeedMore);
  ASSERT_EQ(parser.Parse("PING\r\n"), Result::kCommand);
  EXPECT_EQ(parser.args()[0], "PING");
  EXPECT_EQ(parser.consumed(), 6u);
}

TEST(RespParserTest, SkippedCommandsBeforeAPartialOneStayUnconsumed) {
  RespParser parser;
  const std::string input = "*0\r\n*1\r\n$4\r\nPING\r\n";
  EXPECT_EQ(parser.Parse(std::string_view(input).substr(0, 10)), Result::kNeedMore);
  EXPECT_EQ(parser.consumed(), 0u);
  ASSERT_EQ(parser.Parse(input), Result::kCommand);
  EXPECT_EQ(parser.consumed(), input.size());
}

TEST(RespParserTest, ThousandsOfPipelinedCommandsAllParse) {
  std::string input;
  for (int i = 0; i < 5000; ++i) input += Multibulk({"SET", absl::StrCat("key:", i), "v"});
  const Outcome outcome = ParseAll(input);
  ASSERT_EQ(outcome.commands.size(), 5000u);
  EXPECT_EQ(outcome.commands[4999], Command({"SET", "key:4999", "v"}));
  EXPECT_EQ(outcome.last, Result::kNeedMore);
}

TEST(RespParserTest, PipelinedCommandsReuseArgStorage) {
  std::string input;
  for (int i = 0; i < 1000; ++i) input += Multibulk({"SET", "k", "v"});
  RespParser parser;
  std::string_view rest = input;
  ASSERT_EQ(parser.Parse(rest), Result::kCommand);
  const std::string_view* storage = parser.args().data();
  rest.remove_prefix(parser.consumed());
#if RUNNEL_COUNTS_ALLOCATIONS
  const size_t before = g_allocations;
#endif
  while (parser.Parse(rest) == Result::kCommand) {
    EXPECT_EQ(parser.args().data(), storage);
    rest.remove_prefix(parser.consumed());
  }
  EXPECT_TRUE(rest.empty());
#if RUNNEL_COUNTS_ALLOCATIONS
  EXPECT_EQ(g_allocations, before);
#endif
}

TEST(RespParserTest, InlinePipelineWithoutQuotesDoesNotAllocate) {
  std::string input;
  for (int i = 0; i < 1000; ++i) input += "SET key value\r\n";
  RespParser parser;
  std::string_view rest = input;
  ASSERT_EQ(parser.Parse(rest), Result::kCommand);
  rest.remove_prefix(parser.consumed());
#if RUNNEL_COUNTS_ALLOCATIONS
  const size_t before = g_allocations;
#endif
  int commands = 1;
  while (parser.Parse(rest) == Result::kCommand) {
    ++commands;
    rest.remove_prefix(parser.consumed());
  }
  EXPECT_EQ(commands, 1000);
#if RUNNEL_COUNTS_ALLOCATIONS
  EXPECT_EQ(g_allocations, before);
#endif
}

// --- Multibulk errors --------------------------------------------------------

TEST(RespParserTest, NonIntegerCountIsInvalidMultibulkLength) {
  for (const char* input :
       {"*abc\r\n", "*\r\n", "*+1\r\n", "*01\r\n", "* 1\r\n", "*1 \r\n", "*-0\r\n", "*1x\r\n",
        "*99999999999999999999\r\n", "*123456789012345678901\r\n"}) {
    SCOPED_TRACE(input);
    ExpectError(input, "ERR Protocol error: invalid multibulk length");
  }
}

TEST(RespParserTest, CountAboveIntMaxIsInvalidMultibulkLength) {
  ExpectError("*2147483648\r\n", "ERR Protocol error: invalid multibulk length");
}

TEST(RespParserTest, HugeClaimedCountWaitsWithoutReserving) {
  RespParser parser;
#if RUNNEL_COUNTS_ALLOCATIONS
  const size_t before = g_allocations;
#endif
  EXPECT_EQ(parser.Parse("*2147483647\r\n"), Result::kNeedMore);
#if RUNNEL_COUNTS_ALLOCATIONS
  EXPECT_LE(g_allocations - before, 1u);  // at most the small initial reserve
#endif
}

TEST(RespParserTest, CountAboveConfiguredLimitIsInvalidMultibulkLength) {
  ParserLimits limits;
  limits.max_multibulk_len = 3;
  ExpectError("*4\r\n", "ERR Protocol error: invalid multibulk length", limits);
  EXPECT_EQ(ParseAll(Multibulk({"a", "b", "c"}), limits).commands.size(), 1u);
}

TEST(RespParserTest, UnauthenticatedCountAboveTenIsRefused) {
  ParserLimits limits;
  limits.unauthenticated = true;
  ExpectError("*11\r\n", "ERR Protocol error: unauthenticated multibulk length", limits);
  EXPECT_EQ(ParseAll(Multibulk(Command(10, "x")), limits).commands.size(), 1u);
}

TEST(RespParserTest, InvalidCountTakesPrecedenceOverUnauthenticated) {
  ParserLimits limits;
  limits.unauthenticated = true;
  ExpectError("*2147483648\r\n", "ERR Protocol error: invalid multibulk length", limits);
}

TEST(RespParserTest, BulkHeaderNotStartingWithDollarNamesTheByte) {
  ExpectError("*1\r\n+PING\r\n", "ERR Protocol error: expected '$', got '+'");
  ExpectError("*2\r\n$1\r\na\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'");
}

TEST(RespParserTest, CrOrLfInExpectedDollarErrorBecomesSpace) {
  ExpectError("*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '");
  ExpectError("*1\r\n\n$1\r\n", "ERR Protocol error: expected '$', got ' '");
}

TEST(RespParserTest, BulkHeaderIsCheckedOnlyOnceItsLineIsComplete) {
  RespParser parser;
  EXPECT_EQ(parser.Parse("*1\r\nX"), Result::kNeedMore);
  EXPECT_EQ(parser.Parse("*1\r\nX\r\n"), Result::kError);
}

TEST(RespParserTest, BadBulkLengthIsInvalidBulkLength) {
  for (const char* header :
       {"$-1", "$", "$abc", "$+3", "$03", "$3 ", "$-0", "$99999999999999999999"}) {
    SCOPED_TRACE(header);
    ExpectError(std::string("*1\r\n") + header + "\r\n", "ERR Protocol error: invalid bulk length");
  }
}

TEST(RespParserTest, BulkLongerThanLimitFailsBeforeItsPayloadArrives) {
  ParserLimits limits;
  limits.max_bulk_len = 100;
  ExpectError("*1\r\n$101\r\n", "ERR Protocol error: invalid bulk length", limits);
  RespParser parser(limits);
  EXPECT_EQ(parser.Parse("*1\r\n$100\r\n"), Result::kNeedMore);
}

TEST(RespParserTest, DefaultBulkLimitIs512MiB) {
  ExpectError("*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length");
  RespParser parser;
#if RUNNEL_COUNTS_ALLOCATIONS
  const size_t before = g_allocations;
#endif
  EXPECT_EQ(parser.Parse("*1\r\n$536870912\r\n"), Result::kNeedMore);
  EXPECT_EQ(parser.bytes_wanted(), 536870914u);
#if RUNNEL_COUNTS_ALLOCATIONS
  EXPECT_LE(g_allocations - before, 1u);
#endif
}

TEST(RespParserTest, UnauthenticatedBulkAbove16KiBIsRefused) {
  ParserLimits limits;
  limits.unauthenticated = true;
  ExpectError("*1\r\n$16385\r\n", "ERR Protocol error: unauthenticated bulk length", limits);
  EXPECT_EQ(ParseAll(Multibulk({std::string(16384, 'x')}), limits).commands.size(), 1u);
  // A length over the hard limit is invalid before it is unauthenticated.
  ExpectError("*1\r\n$-5\r\n", "ERR Protocol error: invalid bulk length", limits);
}

TEST(RespParserTest, CountLineWithoutCrWithin64KiBIsTooBig) {
  RespParser parser;
  const std::string line = "*" + LongLine(kMax);
  EXPECT_EQ(parser.Parse(std::string_view(line).substr(0, kMax)), Result::kNeedMore);
  EXPECT_EQ(parser.Parse(line), Result::kError);  // kMax + 1 bytes, no CR
  EXPECT_EQ(parser.error(), "ERR Protocol error: too big mbulk count string");
}

TEST(RespParserTest, CountLineEndingJustInsideTheLimitIsParsed) {
  // The CR at offset kMax is found; the digits are then simply invalid.
  ExpectError("*" + LongLine(kMax - 1) + "\r\n", "ERR Protocol error: invalid multibulk length");
}

TEST(RespParserTest, BulkLineWithoutCrWithin64KiBIsTooBig) {
  ExpectError("*1\r\n$" + LongLine(kMax), "ERR Protocol error: too big bulk count string");
}

TEST(RespParserTest, ErrorIsSticky) {
  RespParser parser;
  EXPECT_EQ(parser.Parse("*x\r\n"), Result::kError);
  EXPECT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n"), Result::kError);
  EXPECT_EQ(parser.error(), "ERR Protocol error: invalid multibulk length");
}

// --- Incremental parsing -----------------------------------------------------

std::string MixedPipeline() {
  return Multibulk({"SET", std::string("bin\r\n\0ary", 10), "v"}) + "*0\r\n" + "PING\r\n" + "\r\n" +
         "SET \"quoted word\" 'x'\n" + "*-1\r\n" + Multibulk({"GET", ""}) +
         Multibulk({std::string(300, 'z')});
}

TEST(RespParserTest, PipelineSplitAtEveryByteYieldsSameCommands) {
  const std::string stream = MixedPipeline();
  const Outcome whole = ParseAll(stream);
  ASSERT_EQ(whole.commands.size(), 5u);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    ASSERT_EQ(FeedInReads(stream, {cut, stream.size() - cut}), whole) << "cut at " << cut;
  }
}

TEST(RespParserTest, BulkFedOneByteAtATimeYieldsSameCommand) {
  const std::string stream = MixedPipeline();
  EXPECT_EQ(FeedInReads(stream, std::vector<size_t>(stream.size(), 1)), ParseAll(stream));
}

TEST(RespParserTest, BytesWantedIsWhatCompletesTheBulk) {
  RespParser parser;
  const std::string command = Multibulk({"SET", "k", std::string(100000, 'v')});
  const size_t payload_start = command.size() - 100002;
  EXPECT_EQ(parser.Parse(std::string_view(command).substr(0, payload_start + 10)),
            Result::kNeedMore);
  EXPECT_EQ(parser.bytes_wanted(), 100000u + 2 - 10);
  EXPECT_EQ(parser.Parse(command), Result::kCommand);
  EXPECT_EQ(parser.bytes_wanted(), 0u);
}

TEST(RespParserTest, ResumedCommandPointsIntoTheNewBuffer) {
  RespParser parser;
  const std::string first = "*2\r\n$3\r\nGET\r\n$3\r\nk";
  EXPECT_EQ(parser.Parse(first), Result::kNeedMore);
  const std::string moved = first + "ey\r\n";  // another allocation
  ASSERT_EQ(parser.Parse(moved), Result::kCommand);
  EXPECT_EQ(parser.args()[0].data(), moved.data() + 8);
  EXPECT_EQ(parser.args()[1], "key");
}

// Builds a random pipeline and the commands it must yield.
struct Pipeline {
  std::string stream;
  std::vector<Command> commands;
};

std::string RandomBytes(std::mt19937& rng, size_t max_len, bool binary) {
  static constexpr char kAlphabet[] = "abcXYZ019_-:";
  std::string s(std::uniform_int_distribution<size_t>(0, max_len)(rng), 'a');
  for (char& c : s) {
    c = binary ? static_cast<char>(rng() & 0xff) : kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
  }
  return s;
}

Pipeline RandomPipeline(std::mt19937& rng) {
  Pipeline p;
  const int n = std::uniform_int_distribution<int>(1, 30)(rng);
  for (int i = 0; i < n; ++i) {
    Command c;
    switch (rng() % 5) {
      case 0:  // skipped
        p.stream += (rng() % 2) ? "*0\r\n" : "\r\n";
        break;
      case 1:  // multibulk, binary payloads
      case 2:
        for (size_t a = 0, args = 1 + rng() % 4; a < args; ++a)
          c.push_back(RandomBytes(rng, 40, true));
        p.stream += Multibulk(c);
        break;
      case 3:  // inline, plain words
        for (size_t a = 0, args = 1 + rng() % 4; a < args; ++a) {
          c.push_back(RandomBytes(rng, 8, false) + "w");
          p.stream += c.back() + " ";
        }
        p.stream += "\r\n";
        break;
      default:  // inline, one double-quoted word with hex escapes
        c.push_back(RandomBytes(rng, 10, true));
        p.stream += "CMD \"";
        for (unsigned char ch : c.back()) {
          static constexpr char kHex[] = "0123456789abcdef";
          p.stream += {'\\', 'x', kHex[ch >> 4], kHex[ch & 15]};
        }
        p.stream += "\"\n";
        c.insert(c.begin(), "CMD");
        break;
    }
    if (!c.empty()) p.commands.push_back(std::move(c));
  }
  return p;
}

TEST(RespParserTest, RandomPipelinesInRandomReadsYieldSameCommands) {
  std::mt19937 rng(20240601);
  for (int round = 0; round < 300; ++round) {
    const Pipeline p = RandomPipeline(rng);
    Outcome expected;
    expected.commands = p.commands;
    ASSERT_EQ(ParseAll(p.stream), expected) << "round " << round;
    std::vector<size_t> reads;
    const size_t max_read = 1 + rng() % 64;
    for (size_t fed = 0; fed < p.stream.size();) {
      reads.push_back(1 + rng() % max_read);
      fed += reads.back();
    }
    ASSERT_EQ(FeedInReads(p.stream, reads), expected) << "round " << round;
  }
}

}  // namespace
}  // namespace runnel::resp
