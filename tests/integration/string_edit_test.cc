// APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE, INCR, DECR, INCRBY, DECRBY,
// INCRBYFLOAT and OBJECT ENCODING of strings through the real binary:
// replies, encodings, number formats and error texts checked against
// redis-server 7.0.15.
#include <string>
#include <vector>

#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using namespace std::string_literals;

constexpr char kNotInteger[] = "ERR value is not an integer or out of range";
constexpr char kNotFloat[] = "ERR value is not a valid float";
constexpr char kOverflow[] = "ERR increment or decrement would overflow";
constexpr char kTooLong[] = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

class StringEditTest : public ServerTest {
 protected:
  std::string Encoding(const std::string& key) { return Run({"OBJECT", "ENCODING", key}).str; }
};
RUNNEL_BACKEND_TESTS(StringEditTest);

TEST_P(StringEditTest, AppendCreatesOrExtendsAndKeepsTheTtl) {
  EXPECT_THAT(Run({"APPEND", "k", "hello"}), IsInt(5));
  EXPECT_THAT(Run({"EXPIRE", "k", "100"}), IsInt(1));
  EXPECT_THAT(Run({"APPEND", "k", " world"}), IsInt(11));
  EXPECT_THAT(Run({"GET", "k"}), IsBulk("hello world"));
  EXPECT_THAT(Run({"TTL", "k"}), IsInt(100));
  // Many appends: the value grows with headroom and stays whole.
  std::string expected = "hello world";
  for (int i = 0; i < 2000; ++i) {
    const std::string piece = std::to_string(i) + ",";
    expected += piece;
    ASSERT_THAT(Run({"APPEND", "k", piece}), IsInt(static_cast<int64_t>(expected.size())));
  }
  EXPECT_THAT(Run({"GET", "k"}), IsBulk(expected));
  EXPECT_THAT(Run({"STRLEN", "k"}), IsInt(static_cast<int64_t>(expected.size())));
  // Appending nothing to a missing key creates an empty string.
  EXPECT_THAT(Run({"APPEND", "empty", ""}), IsInt(0));
  EXPECT_THAT(Run({"EXISTS", "empty"}), IsInt(1));
  EXPECT_THAT(Run({"APPEND", "bin", "a\0b"s}), IsInt(3));
  EXPECT_THAT(Run({"APPEND", "bin", "\r\n"}), IsInt(5));
  EXPECT_THAT(Run({"GET", "bin"}), IsBulk("a\0b\r\n"s));
}

TEST_P(StringEditTest, StrLenCountsBytes) {
  EXPECT_THAT(Run({"STRLEN", "missing"}), IsInt(0));
  ASSERT_THAT(Run({"SET", "k", "h\xc3\xa9llo"}), IsSimple("OK"));
  EXPECT_THAT(Run({"STRLEN", "k"}), IsInt(6));
  ASSERT_THAT(Run({"SET", "n", "-12345"}), IsSimple("OK"));
  EXPECT_THAT(Run({"STRLEN", "n"}), IsInt(6));
}

TEST_P(StringEditTest, GetRangeClampsAsRedis70) {
  ASSERT_THAT(Run({"SET", "k", "hello"}), IsSimple("OK"));
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"0", "-1"}, "hello"}, {{"1", "3"}, "ell"},  {{"-3", "-1"}, "llo"}, {{"-100", "100"}, "hello"},
      {{"0", "-100"}, "h"},   {{"-1", "-5"}, ""},   {{"5", "1"}, ""},      {{"4", "4"}, "o"},
      {{"5", "10"}, ""},      {{"0", "0"}, "h"},
  };
  for (const auto& [range, expected] : cases) {
    EXPECT_THAT(Run({"GETRANGE", "k", range[0], range[1]}), IsBulk(expected)) << range[0] << " " << range[1];
  }
  EXPECT_THAT(Run({"SUBSTR", "k", "0", "1"}), IsBulk("he"));
  EXPECT_THAT(Run({"GETRANGE", "missing", "0", "-1"}), IsBulk(""));
  ASSERT_THAT(Run({"SET", "n", "12345"}), IsSimple("OK"));
  EXPECT_THAT(Run({"GETRANGE", "n", "1", "2"}), IsBulk("23"));
  ASSERT_THAT(Run({"SET", "e", ""}), IsSimple("OK"));
  EXPECT_THAT(Run({"GETRANGE", "e", "0", "-1"}), IsBulk(""));
  EXPECT_THAT(Run({"GETRANGE", "k", "x", "1"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"GETRANGE", "k", "0", "1.0"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"GETRANGE", "k", "0"}), IsError("ERR wrong number of arguments for 'getrange' command"));
}

TEST_P(StringEditTest, SetRangeOverwritesPadsAndChecksTheLimit) {
  EXPECT_THAT(Run({"SETRANGE", "k", "0", "hello"}), IsInt(5));
  EXPECT_THAT(Run({"EXPIRE", "k", "100"}), IsInt(1));
  EXPECT_THAT(Run({"SETRANGE", "k", "1", "EL"}), IsInt(5));
  EXPECT_THAT(Run({"GET", "k"}), IsBulk("hELlo"));
  EXPECT_THAT(Run({"SETRANGE", "k", "7", "!"}), IsInt(8));
  EXPECT_THAT(Run({"GET", "k"}), IsBulk("hELlo\0\0!"s));
  EXPECT_THAT(Run({"TTL", "k"}), IsInt(100));
  EXPECT_THAT(Run({"SETRANGE", "pad", "3", "ab"}), IsInt(5));
  EXPECT_THAT(Run({"GET", "pad"}), IsBulk("\0\0\0ab"s));
  // Writing nothing: no key is created; an existing one keeps its length.
  EXPECT_THAT(Run({"SETRANGE", "none", "10", ""}), IsInt(0));
  EXPECT_THAT(Run({"EXISTS", "none"}), IsInt(0));
  EXPECT_THAT(Run({"SETRANGE", "k", "100", ""}), IsInt(8));
  EXPECT_THAT(Run({"SETRANGE", "k", "-1", "x"}), IsError("ERR offset is out of range"));
  EXPECT_THAT(Run({"SETRANGE", "k", "x", "x"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"SETRANGE", "k", "9999999999999999999", "x"}), IsError(kNotInteger));
  // 512 MB (proto-max-bulk-len) is the limit of the result.
  EXPECT_THAT(Run({"SETRANGE", "k", "536870912", "a"}), IsError(kTooLong));
  EXPECT_THAT(Run({"SETRANGE", "k", "536870911", "ab"}), IsError(kTooLong));
  ASSERT_THAT(Run({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}), IsSimple("OK"));
  EXPECT_THAT(Run({"SETRANGE", "k", "1048575", "a"}), IsInt(1048576));
  EXPECT_THAT(Run({"SETRANGE", "k", "1048576", "a"}), IsError(kTooLong));
  EXPECT_THAT(Run({"APPEND", "k", "a"}), IsError(kTooLong));
  EXPECT_THAT(Run({"STRLEN", "k"}), IsInt(1048576));
}

TEST_P(StringEditTest, IncrFamilyFollowsRedisNumberRules) {
  EXPECT_THAT(Run({"INCR", "n"}), IsInt(1));
  EXPECT_THAT(Run({"INCRBY", "n", "41"}), IsInt(42));
  EXPECT_THAT(Run({"DECR", "n"}), IsInt(41));
  EXPECT_THAT(Run({"DECRBY", "n", "50"}), IsInt(-9));
  EXPECT_THAT(Run({"GET", "n"}), IsBulk("-9"));
  EXPECT_THAT(Run({"DECR", "fresh"}), IsInt(-1));
  EXPECT_THAT(Run({"EXPIRE", "n", "100"}), IsInt(1));
  EXPECT_THAT(Run({"INCRBY", "n", "1000000000000"}), IsInt(999999999991));
  EXPECT_THAT(Run({"TTL", "n"}), IsInt(100));  // the TTL stays
  for (const char* bad : {" 1", "1 ", "+1", "01", "-0", "1.0", "abc", "", "9223372036854775808"}) {
    ASSERT_THAT(Run({"SET", "bad", bad}), IsSimple("OK"));
    EXPECT_THAT(Run({"INCR", "bad"}), IsError(kNotInteger)) << bad;
  }
  EXPECT_THAT(Run({"INCRBY", "n", "1.5"}), IsError(kNotInteger));
  EXPECT_THAT(Run({"INCRBY", "n", "9223372036854775808"}), IsError(kNotInteger));
  ASSERT_THAT(Run({"SET", "max", "9223372036854775807"}), IsSimple("OK"));
  EXPECT_THAT(Run({"INCR", "max"}), IsError(kOverflow));
  EXPECT_THAT(Run({"DECRBY", "max", "-1"}), IsError(kOverflow));
  ASSERT_THAT(Run({"SET", "min", "-9223372036854775808"}), IsSimple("OK"));
  EXPECT_THAT(Run({"DECR", "min"}), IsError(kOverflow));
  EXPECT_THAT(Run({"INCR", "min"}), IsInt(-9223372036854775807));
  EXPECT_THAT(Run({"INCRBY", "min", "-1"}), IsInt(INT64_MIN));
  EXPECT_THAT(Run({"DECRBY", "n", "-9223372036854775808"}), IsError("ERR decrement would overflow"));
  EXPECT_THAT(Run({"INCRBY", "n", "9223372036854775807"}), IsError(kOverflow));
  EXPECT_THAT(Run({"GET", "n"}), IsBulk("999999999991"));
}

TEST_P(StringEditTest, IncrByFloatFormatsAsRedis) {
  const std::vector<std::pair<std::string, std::string>> steps = {
      {"10.5", "10.5"}, {"0.1", "10.6"}, {"-5", "5.6"}, {"5.0e3", "5005.60000000000000009"}, {"-5005.6", "0"},
      {"0x10", "16"},   {"1.5e-3", "16.0015"}, {"-16.0015", "0"}, {"0.000000000000000001", "0"},
      {"3.0", "3"},     {"-0", "3"},
  };
  for (const auto& [incr, expected] : steps) {
    EXPECT_THAT(Run({"INCRBYFLOAT", "f", incr}), IsBulk(expected)) << incr;
  }
  EXPECT_THAT(Run({"INCRBYFLOAT", "big", "1e20"}), IsBulk("100000000000000000000"));
  EXPECT_THAT(Run({"INCRBYFLOAT", "neg", "-1.25"}), IsBulk("-1.25"));
  ASSERT_THAT(Run({"SET", "i", "-9223372036854775808"}), IsSimple("OK"));
  EXPECT_THAT(Run({"INCRBYFLOAT", "i", "1"}), IsBulk("-9223372036854775807"));
  ASSERT_THAT(Run({"SET", "x", "12345678901234567890.5"}), IsSimple("OK"));
  EXPECT_THAT(Run({"INCRBYFLOAT", "x", "0"}), IsBulk("12345678901234567890"));
  EXPECT_THAT(Run({"EXPIRE", "f", "100"}), IsInt(1));
  EXPECT_THAT(Run({"INCRBYFLOAT", "f", "1"}), IsBulk("4"));
  EXPECT_THAT(Run({"TTL", "f"}), IsInt(100));
  EXPECT_THAT(Run({"INCRBYFLOAT", "f", "inf"}), IsError("ERR increment would produce NaN or Infinity"));
  for (const char* bad : {"nan", "abc", " 1", "1 ", "1.5e", "1e5000", ""}) {
    EXPECT_THAT(Run({"INCRBYFLOAT", "f", bad}), IsError(kNotFloat)) << bad;
  }
  ASSERT_THAT(Run({"SET", "s", "1.0x"}), IsSimple("OK"));
  EXPECT_THAT(Run({"INCRBYFLOAT", "s", "1"}), IsError(kNotFloat));
  EXPECT_THAT(Run({"GET", "f"}), IsBulk("4"));
}

TEST_P(StringEditTest, ObjectEncodingFollowsRedisRules) {
  const std::vector<std::pair<std::string, std::string>> values = {
      {"12345", "int"},
      {"-9223372036854775808", "int"},
      {"9223372036854775808", "embstr"},  // does not fit in 64 bits
      {"12345678901234567890", "embstr"},
      {"-0", "embstr"},
      {"007", "embstr"},
      {" 1", "embstr"},
      {"", "embstr"},
      {std::string(44, 'a'), "embstr"},
      {std::string(45, 'a'), "raw"},
      {std::string(1000, 'a'), "raw"},
  };
  for (const auto& [value, encoding] : values) {
    ASSERT_THAT(Run({"SET", "k", value}), IsSimple("OK"));
    EXPECT_EQ(Encoding("k"), encoding) << value;
  }
  ASSERT_THAT(Run({"SET", "k", "10"}), IsSimple("OK"));
  EXPECT_THAT(Run({"APPEND", "k", "5"}), IsInt(3));
  EXPECT_EQ(Encoding("k"), "raw");  // APPEND and SETRANGE leave a raw string
  EXPECT_THAT(Run({"INCR", "k"}), IsInt(106));
  EXPECT_EQ(Encoding("k"), "int");
  ASSERT_THAT(Run({"SET", "k", "10"}), IsSimple("OK"));
  EXPECT_THAT(Run({"SETRANGE", "k", "0", "2"}), IsInt(2));
  EXPECT_EQ(Encoding("k"), "raw");
  EXPECT_THAT(Run({"SETRANGE", "k", "0", ""}), IsInt(2));
  EXPECT_THAT(Run({"INCRBYFLOAT", "k", "1"}), IsBulk("21"));
  EXPECT_EQ(Encoding("k"), "embstr");  // INCRBYFLOAT never int-encodes
  ASSERT_THAT(Run({"SET", "k", "abc"}), IsSimple("OK"));
  EXPECT_THAT(Run({"APPEND", "k", ""}), IsInt(3));
  EXPECT_EQ(Encoding("k"), "raw");
  EXPECT_THAT(Run({"APPEND", "new", "123"}), IsInt(3));
  EXPECT_EQ(Encoding("new"), "int");
  EXPECT_THAT(Run({"SETRANGE", "sr", "0", "1"}), IsInt(1));
  EXPECT_EQ(Encoding("sr"), "raw");
  ASSERT_THAT(Run({"MSET", "m", "7", "g", "x"}), IsSimple("OK"));
  EXPECT_EQ(Encoding("m"), "int");
  EXPECT_THAT(Run({"GETSET", "g", "8"}), IsBulk("x"));
  EXPECT_EQ(Encoding("g"), "int");
}

}  // namespace
}  // namespace runnel::testing
