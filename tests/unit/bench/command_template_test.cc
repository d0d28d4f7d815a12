// Tests for the request encoding: multibulk framing and templates whose
// fixed-width slots are patched per request.
#include "tools/runnel_bench/command_template.h"

#include "gtest/gtest.h"

namespace runnel::bench {
namespace {

TEST(CommandTemplateTest, EncodeCommandIsMultibulk) {
  EXPECT_EQ(EncodeCommand({"GET", "k"}), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
  EXPECT_EQ(EncodeCommand({"SET", "k", ""}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
}

TEST(CommandTemplateTest, SlotsArePatchedInPlace) {
  const CommandTemplate get = CommandTemplate::Builder().Arg("GET").Slot("key:", 6).Build();
  ASSERT_EQ(get.slot_count(), 1u);
  std::string out;
  get.AppendTo(&out, {42});
  get.AppendTo(&out, {7});
  EXPECT_EQ(out, "*2\r\n$3\r\nGET\r\n$10\r\nkey:000042\r\n*2\r\n$3\r\nGET\r\n$10\r\nkey:000007\r\n");
}

TEST(CommandTemplateTest, SlotWithSuffixAndSeveralSlots) {
  const CommandTemplate command = CommandTemplate::Builder().Slot("", 3, "xx").Arg("mid").Slot("k", 2).Build();
  std::string out;
  command.AppendTo(&out, {5, 99});
  EXPECT_EQ(out, "*3\r\n$5\r\n005xx\r\n$3\r\nmid\r\n$3\r\nk99\r\n");
}

TEST(CommandTemplateTest, FixedDecimalRoundTripsAndKeepsLowDigits) {
  char digits[20];
  WriteFixedDecimal(digits, 20, UINT64_MAX);
  uint64_t value = 0;
  ASSERT_TRUE(ReadFixedDecimal(std::string_view(digits, 20), &value));
  EXPECT_EQ(value, UINT64_MAX);
  WriteFixedDecimal(digits, 3, 12345);
  EXPECT_EQ(std::string_view(digits, 3), "345");
  EXPECT_FALSE(ReadFixedDecimal("12a", &value));
  EXPECT_FALSE(ReadFixedDecimal("", &value));
}

}  // namespace
}  // namespace runnel::bench
