#include "engine/cache/string_numbers.h"

#include <string>

#include "gtest/gtest.h"

namespace runnel::cache {
namespace {

TEST(StringNumbersTest, ParseLongDoubleAcceptsWhatString2ldAccepts) {
  EXPECT_EQ(ParseLongDouble("1.5"), 1.5L);
  EXPECT_EQ(ParseLongDouble("0x10"), 16.0L);
  EXPECT_EQ(ParseLongDouble("-1e3"), -1000.0L);
  EXPECT_TRUE(ParseLongDouble("inf").has_value());
  for (const char* bad : {"", " 1", "1 ", "nan", "1e5000", "1.5e", "abc"}) {
    EXPECT_FALSE(ParseLongDouble(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseLongDouble(std::string(5 * 1024, '1')).has_value());
}

TEST(StringNumbersTest, FormatLongDoubleDropsTrailingZeros) {
  EXPECT_EQ(FormatLongDouble(3.0L), "3");
  EXPECT_EQ(FormatLongDouble(10.5L), "10.5");
  EXPECT_EQ(FormatLongDouble(-0.0L), "0");
  EXPECT_EQ(FormatLongDouble(1e20L), "100000000000000000000");
  EXPECT_EQ(FormatLongDouble(1e-18L), "0");
  EXPECT_EQ(FormatLongDouble(-1.25L), "-1.25");
}

}  // namespace
}  // namespace runnel::cache
