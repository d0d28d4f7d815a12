#include "engine/cache/string_value.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace runnel::cache {
namespace {

using namespace std::string_literals;

TEST(StringValueTest, SmallValueTakesSixteenBytesWithTheBytesAfterATwelveByteHeader) {
  static_assert(sizeof(StringValue) == 16);
  auto value = StringValue::FromBytes("xxx");
  EXPECT_EQ(value->view(), "xxx");
  EXPECT_EQ(value->capacity(), 3u);
  EXPECT_EQ(value->view().data(), reinterpret_cast<const char*>(value.get()) + 12);
  EXPECT_EQ(StringValue::FromBytes("")->view(), "");
}

TEST(StringValueTest, RawValueKeepsItsCapacityInFourMoreHeaderBytes) {
  auto value = StringValue::Raw("abc", 32);
  EXPECT_EQ(value->view(), "abc");
  EXPECT_EQ(value->capacity(), 32u);
  EXPECT_EQ(value->view().data(), reinterpret_cast<const char*>(value.get()) + 16);
  EXPECT_EQ(StringValue::Plain(std::string(45, 'a'))->capacity(), 45u);
}

TEST(StringValueTest, EncodingFollowsTryObjectEncoding) {
  EXPECT_EQ(StringValue::FromBytes("123")->encoding(), "int");
  EXPECT_EQ(StringValue::FromBytes("-9223372036854775808")->encoding(), "int");
  EXPECT_EQ(StringValue::FromBytes("9223372036854775808")->encoding(), "embstr");
  EXPECT_EQ(StringValue::FromBytes("0123")->encoding(), "embstr");
  EXPECT_EQ(StringValue::FromBytes(std::string(44, 'a'))->encoding(), "embstr");
  EXPECT_EQ(StringValue::FromBytes(std::string(45, 'a'))->encoding(), "raw");
  EXPECT_EQ(StringValue::Plain("12")->encoding(), "embstr");
  EXPECT_EQ(StringValue::FromInt(-5)->view(), "-5");
}

TEST(StringValueTest, AppendGrowsWithHeadroomAndKeepsTheBytes) {
  std::unique_ptr<keyspace::Value> slot = StringValue::FromBytes("ab");
  EXPECT_EQ(Append(slot, "cd"), 4u);
  EXPECT_EQ(AsString(*slot).view(), "abcd");
  EXPECT_EQ(AsString(*slot).encoding(), "raw");
  EXPECT_EQ(AsString(*slot).capacity(), 8u);  // twice the size, as sdsMakeRoomFor
  const keyspace::Value* before = slot.get();
  EXPECT_EQ(Append(slot, "ef"), 6u);
  EXPECT_EQ(slot.get(), before);  // fitted in place
  EXPECT_EQ(AsString(*slot).view(), "abcdef");
}

TEST(StringValueTest, WriteAtZeroPadsAGap) {
  std::unique_ptr<keyspace::Value> slot = StringValue::FromBytes("hello");
  EXPECT_EQ(WriteAt(slot, 1, "EL"), 5u);
  EXPECT_EQ(AsString(*slot).view(), "hELlo");
  EXPECT_EQ(WriteAt(slot, 7, "!"), 8u);
  EXPECT_EQ(AsString(*slot).view(), "hELlo\0\0!"s);
}

TEST(StringValueTest, StoreIntRewritesInPlaceWhenItFits) {
  std::unique_ptr<keyspace::Value> slot = StringValue::FromBytes("99");
  const keyspace::Value* before = slot.get();
  StoreInt(slot, 42);
  EXPECT_EQ(slot.get(), before);
  EXPECT_EQ(AsString(*slot).view(), "42");
  StoreInt(slot, 1000);
  EXPECT_EQ(AsString(*slot).view(), "1000");
  EXPECT_EQ(AsString(*slot).encoding(), "int");
}

TEST(StringValueTest, IntWrittenIntoARawValueKeepsItsRoom) {
  std::unique_ptr<keyspace::Value> slot = StringValue::Raw("7", 32);
  const keyspace::Value* before = slot.get();
  StoreInt(slot, 123456);
  EXPECT_EQ(slot.get(), before);
  EXPECT_EQ(AsString(*slot).view(), "123456");
  EXPECT_EQ(AsString(*slot).encoding(), "int");
  EXPECT_EQ(AsString(*slot).capacity(), 32u);
  EXPECT_EQ(Append(slot, "7"), 7u);  // still fits in place, raw again
  EXPECT_EQ(slot.get(), before);
  EXPECT_EQ(AsString(*slot).view(), "1234567");
  EXPECT_EQ(AsString(*slot).encoding(), "raw");
}

TEST(StringValueTest, EditingAnExactValueInPlaceRangeCopiesItRaw) {
  std::unique_ptr<keyspace::Value> slot = StringValue::FromBytes("hello");
  EXPECT_EQ(WriteAt(slot, 0, "J"), 5u);
  EXPECT_EQ(AsString(*slot).view(), "Jello");
  EXPECT_EQ(AsString(*slot).encoding(), "raw");
  EXPECT_EQ(AsString(*slot).capacity(), 5u);  // an exact copy, as dbUnshareStringValue
}

}  // namespace
}  // namespace runnel::cache
