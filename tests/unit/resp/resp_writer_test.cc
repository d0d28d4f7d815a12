// Tests for ReplyBuilder: the exact bytes of every reply in RESP2 and RESP3,
// muting, error counting and observing, and Redis 7.2's double formatting.

#include "server/resp/resp_writer.h"

#include <sys/uio.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "tests/unit/resp/allocation_counter.h"

namespace runnel::resp {
namespace {

// Reads back everything queued, the way the event loop sends it.
std::string Drain(io::OutputBuffer& out) {
  std::string bytes;
  while (!out.empty()) {
    iovec iov[8];
    const int n = out.PrepareSend(iov, 8);
    size_t sent = 0;
    for (int i = 0; i < n; ++i) {
      bytes.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
      sent += iov[i].iov_len;
    }
    out.ConsumeSent(sent);
  }
  return bytes;
}

// The bytes `write` produces on a fresh builder speaking `protocol`.
std::string Encode(Protocol protocol, const std::function<void(ReplyBuilder&)>& write) {
  io::OutputBuffer out;
  ReplyBuilder builder(&out);
  builder.set_protocol(protocol);
  write(builder);
  return Drain(out);
}

std::string Resp2(const std::function<void(ReplyBuilder&)>& write) {
  return Encode(Protocol::kResp2, write);
}
std::string Resp3(const std::function<void(ReplyBuilder&)>& write) {
  return Encode(Protocol::kResp3, write);
}

std::string Resp3Double(double v) {
  return Resp3([v](ReplyBuilder& b) { b.Double(v); });
}

TEST(ReplyBuilderTest, DefaultsToResp2) {
  io::OutputBuffer out;
  ReplyBuilder builder(&out);
  EXPECT_EQ(builder.protocol(), Protocol::kResp2);
  EXPECT_FALSE(builder.resp3());
  EXPECT_EQ(builder.output(), &out);
}

TEST(ReplyBuilderTest, OkIsPlusOkInBothProtocols) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Ok(); }), "+OK\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Ok(); }), "+OK\r\n");
}

TEST(ReplyBuilderTest, SimpleStringCrAndLfBecomeSpaces) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.SimpleString("a\r\nb\nc"); }), "+a  b c\r\n");
}

TEST(ReplyBuilderTest, ErrorIsMinusTextWithCrAndLfAsSpaces) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Error("ERR bad\r\nthing"); }), "-ERR bad  thing\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Error("WRONGTYPE x"); }), "-WRONGTYPE x\r\n");
}

TEST(ReplyBuilderTest, LongErrorIsSanitizedAcrossItsWholeLength) {
  std::string text(1000, 'e');
  text[10] = '\n';
  text[500] = '\r';
  text[999] = '\n';
  std::string expected = "-" + text + "\r\n";
  expected[11] = expected[501] = expected[1000] = ' ';
  EXPECT_EQ(Resp2([&](ReplyBuilder& b) { b.Error(text); }), expected);
}

TEST(ReplyBuilderTest, ErrorsAreCountedEvenWhenMuted) {
  io::OutputBuffer out;
  ReplyBuilder builder(&out);
  builder.Error("ERR one");
  builder.set_muted(true);
  EXPECT_TRUE(builder.muted());
  builder.Error("ERR two");
  EXPECT_EQ(builder.errors_written(), 2u);
  EXPECT_EQ(Drain(out), "-ERR one\r\n");
}

// Records what the builder reports.
class RecordingObserver : public ErrorObserver {
 public:
  void OnErrorReply(std::string_view text) override { texts.emplace_back(text); }
  std::vector<std::string> texts;
};

TEST(ReplyBuilderTest, ObserverSeesEachErrorWithCrLfAsSpaces) {
  io::OutputBuffer out;
  ReplyBuilder builder(&out);
  RecordingObserver observer;
  builder.set_error_observer(&observer);
  builder.Error("ERR bad\r\nthing");
  builder.Ok();
  builder.Bulk("ERR not an error");
  const std::string long_text = "ERR " + std::string(400, 'x') + "\n";
  builder.Error(long_text);
  ASSERT_EQ(observer.texts.size(), 2u);
  EXPECT_EQ(observer.texts[0], "ERR bad  thing");
  EXPECT_EQ(observer.texts[1], "ERR " + std::string(400, 'x') + " ");
  EXPECT_EQ(Drain(out),
            "-ERR bad  thing\r\n+OK\r\n$16\r\nERR not an error\r\n-" + observer.texts[1] + "\r\n");
}

TEST(ReplyBuilderTest, ObserverSeesErrorsWhileMuted) {
  io::OutputBuffer out;
  ReplyBuilder builder(&out);
  RecordingObserver observer;
  builder.set_error_observer(&observer);
  builder.set_muted(true);
  builder.Error("ERR hidden");
  EXPECT_EQ(observer.texts, std::vector<std::string>({"ERR hidden"}));
  EXPECT_TRUE(out.empty());
  builder.set_error_observer(nullptr);
  builder.Error("ERR unobserved");
  EXPECT_EQ(observer.texts.size(), 1u);
  EXPECT_EQ(builder.errors_written(), 2u);
}

TEST(ReplyBuilderTest, MutedBuilderWritesNothingInEitherProtocol) {
  for (Protocol protocol : {Protocol::kResp2, Protocol::kResp3}) {
    io::OutputBuffer out;
    ReplyBuilder builder(&out);
    builder.set_protocol(protocol);
    builder.set_muted(true);
    builder.Ok();
    builder.SimpleString("x");
    builder.Error("ERR x");
    builder.Integer(1);
    builder.Bulk("x");
    builder.NullBulk();
    builder.NullArray();
    builder.Array(1);
    builder.Map(1);
    builder.Set(1);
    builder.Push(1);
    builder.Double(1.5);
    builder.Bool(true);
    builder.BigNumber("1");
    builder.Verbatim("txt", "x");
    builder.BulkArray({"a", "b"});
    EXPECT_TRUE(out.empty());
    builder.set_muted(false);
    builder.Integer(7);
    EXPECT_EQ(Drain(out), ":7\r\n");
  }
}

TEST(ReplyBuilderTest, IntegerCoversTheInt64Range) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Integer(0); }), ":0\r\n");
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Integer(-1); }), ":-1\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Integer(INT64_MAX); }), ":9223372036854775807\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Integer(INT64_MIN); }), ":-9223372036854775808\r\n");
}

TEST(ReplyBuilderTest, BulkIsLengthThenPayload) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Bulk("hello"); }), "$5\r\nhello\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Bulk(""); }), "$0\r\n\r\n");
}

TEST(ReplyBuilderTest, BulkKeepsCrLfAndNulInPayload) {
  const std::string payload("a\r\n\0b", 5);
  EXPECT_EQ(Resp2([&](ReplyBuilder& b) { b.Bulk(payload); }), "$5\r\n" + payload + "\r\n");
}

TEST(ReplyBuilderTest, BulkLargerThanABlockArrivesWhole) {
  std::string payload(3 * io::OutputBuffer::kBlockSize + 7, 'x');
  payload.back() = 'y';
  EXPECT_EQ(Resp2([&](ReplyBuilder& b) { b.Bulk(payload); }),
            absl::StrCat("$", payload.size(), "\r\n", payload, "\r\n"));
}

TEST(ReplyBuilderTest, NullsAreDollarAndStarMinusOneInResp2) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.NullBulk(); }), "$-1\r\n");
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.NullArray(); }), "*-1\r\n");
}

TEST(ReplyBuilderTest, NullsAreUnderscoreInResp3) {
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.NullBulk(); }), "_\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.NullArray(); }), "_\r\n");
}

TEST(ReplyBuilderTest, ArrayHeaderIsTheSameInBothProtocols) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Array(3); }), "*3\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Array(0); }), "*0\r\n");
}

TEST(ReplyBuilderTest, MapIsFlatArrayOfTwiceTheEntriesInResp2) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Map(2); }), "*4\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Map(2); }), "%2\r\n");
}

TEST(ReplyBuilderTest, SetAndPushAreArraysInResp2) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Set(3); }), "*3\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Set(3); }), "~3\r\n");
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Push(3); }), "*3\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Push(3); }), ">3\r\n");
}

TEST(ReplyBuilderTest, BoolIsIntegerInResp2AndHashInResp3) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Bool(true); }), ":1\r\n");
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Bool(false); }), ":0\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Bool(true); }), "#t\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Bool(false); }), "#f\r\n");
}

TEST(ReplyBuilderTest, BigNumberIsBulkInResp2AndParenInResp3) {
  const char* digits = "1234567890123456789012345678901234567890";
  EXPECT_EQ(Resp2([&](ReplyBuilder& b) { b.BigNumber(digits); }),
            std::string("$40\r\n") + digits + "\r\n");
  EXPECT_EQ(Resp3([&](ReplyBuilder& b) { b.BigNumber(digits); }),
            std::string("(") + digits + "\r\n");
}

TEST(ReplyBuilderTest, VerbatimLengthCountsFormatAndColon) {
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Verbatim("txt", "Some string"); }),
            "=15\r\ntxt:Some string\r\n");
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Verbatim("txt", "Some string"); }),
            "$11\r\nSome string\r\n");
}

TEST(ReplyBuilderTest, VerbatimFormatIsPaddedOrCutToThreeBytes) {
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Verbatim("md", "x"); }), "=5\r\nmd :x\r\n");
  EXPECT_EQ(Resp3([](ReplyBuilder& b) { b.Verbatim("mkdn", "x"); }), "=5\r\nmkd:x\r\n");
}

TEST(ReplyBuilderTest, BulkArrayIsArrayOfBulks) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) {
              b.BulkArray({"a", "", "xyz"});
            }),
            "*3\r\n$1\r\na\r\n$0\r\n\r\n$3\r\nxyz\r\n");
}

TEST(ReplyBuilderTest, DoubleIsBulkInResp2) {
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Double(1.5); }), "$3\r\n1.5\r\n");
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Double(3); }), "$1\r\n3\r\n");
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Double(std::numeric_limits<double>::infinity()); }),
            "$3\r\ninf\r\n");
  EXPECT_EQ(Resp2([](ReplyBuilder& b) { b.Double(std::nan("")); }), "$3\r\nnan\r\n");
}

TEST(ReplyBuilderTest, DoubleIsCommaLineInResp3) {
  EXPECT_EQ(Resp3Double(1.5), ",1.5\r\n");
  EXPECT_EQ(Resp3Double(std::numeric_limits<double>::infinity()), ",inf\r\n");
  EXPECT_EQ(Resp3Double(-std::numeric_limits<double>::infinity()), ",-inf\r\n");
  EXPECT_EQ(Resp3Double(-std::nan("")), ",nan\r\n");
}

TEST(ReplyBuilderTest, DoubleZeroKeepsItsSign) {
  EXPECT_EQ(Resp3Double(0.0), ",0\r\n");
  EXPECT_EQ(Resp3Double(-0.0), ",-0\r\n");
}

TEST(ReplyBuilderTest, IntegralDoublesUpToHalfInt64MaxPrintAsIntegers) {
  EXPECT_EQ(Resp3Double(3), ",3\r\n");
  EXPECT_EQ(Resp3Double(-42), ",-42\r\n");
  EXPECT_EQ(Resp3Double(1e15), ",1000000000000000\r\n");
  EXPECT_EQ(Resp3Double(1e18), ",1000000000000000000\r\n");
  EXPECT_EQ(Resp3Double(4611686018427387904.0), ",4611686018427387904\r\n");  // 2^62
}

TEST(ReplyBuilderTest, DoublesUseShortestRoundTripDigits) {
  EXPECT_EQ(Resp3Double(0.1), ",0.1\r\n");
  EXPECT_EQ(Resp3Double(3.14), ",3.14\r\n");
  EXPECT_EQ(Resp3Double(1.0 / 3), ",0.3333333333333333\r\n");
  EXPECT_EQ(Resp3Double(123456.789), ",123456.789\r\n");
  EXPECT_EQ(Resp3Double(-2.5e-5), ",-0.000025\r\n");
}

// fpconv_dtoa's layout, not printf's: small exponents are written out in
// full, others as d.ddde±x without zero padding of the exponent.
TEST(ReplyBuilderTest, DoubleLayoutFollowsRedisFpconv) {
  EXPECT_EQ(Resp3Double(0.0001), ",0.0001\r\n");
  EXPECT_EQ(Resp3Double(0.000001), ",0.000001\r\n");
  EXPECT_EQ(Resp3Double(1e-7), ",1e-7\r\n");
  EXPECT_EQ(Resp3Double(1.2345e-7), ",1.2345e-7\r\n");
  EXPECT_EQ(Resp3Double(0.000001234), ",1.234e-6\r\n");
  EXPECT_EQ(Resp3Double(1e19), ",1e+19\r\n");
  EXPECT_EQ(Resp3Double(1e21), ",1e+21\r\n");
  EXPECT_EQ(Resp3Double(9223372036854775808.0), ",9223372036854776000\r\n");  // 2^63
  EXPECT_EQ(Resp3Double(1.5e300), ",1.5e+300\r\n");
  EXPECT_EQ(Resp3Double(1.7976931348623157e308), ",1.7976931348623157e+308\r\n");
  EXPECT_EQ(Resp3Double(-5e-324), ",-5e-324\r\n");
}

TEST(ReplyBuilderTest, ProtocolSwitchAppliesToLaterReplies) {
  io::OutputBuffer out;
  ReplyBuilder builder(&out);
  builder.NullBulk();
  builder.set_protocol(Protocol::kResp3);
  EXPECT_TRUE(builder.resp3());
  builder.NullBulk();
  EXPECT_EQ(Drain(out), "$-1\r\n_\r\n");
}

TEST(ReplyBuilderTest, RepliesInterleaveWithPartialSends) {
  io::OutputBuffer out;
  ReplyBuilder builder(&out);
  builder.Array(2);
  builder.Bulk("hello");
  iovec iov[4];
  ASSERT_GE(out.PrepareSend(iov, 4), 1);
  out.ConsumeSent(6);  // "*2\r\n$5"
  builder.Integer(9);
  EXPECT_EQ(Drain(out), "\r\nhello\r\n:9\r\n");
}

TEST(ReplyBuilderTest, SteadyStateRepliesDoNotAllocate) {
#if RUNNEL_COUNTS_ALLOCATIONS
  io::OutputBuffer out;
  ReplyBuilder builder(&out);
  auto write_batch = [&builder] {
    builder.Array(4);
    builder.Bulk("some value");
    builder.Integer(123456789);
    builder.Double(2.75);
    builder.Error("ERR something\nwent wrong");
  };
  write_batch();
  Drain(out);  // the first block is allocated once and then recycled
  const size_t before = g_allocations;
  for (int i = 0; i < 1000; ++i) {
    write_batch();
    out.ConsumeSent(out.size());
  }
  EXPECT_EQ(g_allocations, before);
#else
  GTEST_SKIP() << "allocation counting is off under sanitizers";
#endif
}

}  // namespace
}  // namespace runnel::resp
