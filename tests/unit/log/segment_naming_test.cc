#include "engine/log/segment_naming.h"

#include <string>

#include "gtest/gtest.h"

namespace runnel::log {
namespace {

TEST(SegmentNamingTest, PlainKeysKeepTheirNames) {
  EXPECT_EQ(EncodeKeyName("orders-2024_v1.x"), "orders-2024_v1.x");
  EXPECT_EQ(DecodeKeyName("orders-2024_v1.x"), "orders-2024_v1.x");
}

TEST(SegmentNamingTest, EveryOtherByteIsEscapedAndRoundTrips) {
  EXPECT_EQ(EncodeKeyName("orders:eu/2024"), "orders%3Aeu%2F2024");
  EXPECT_EQ(EncodeKeyName(".hidden"), "%2Ehidden");
  EXPECT_EQ(EncodeKeyName(".."), "%2E.");
  EXPECT_EQ(EncodeKeyName(""), "%");
  for (int c = 0; c < 256; ++c) {
    const std::string key = std::string("k") + static_cast<char>(c) + std::string(1, '\0');
    const std::string name = EncodeKeyName(key);
    EXPECT_EQ(name.find('/'), std::string::npos);
    EXPECT_EQ(DecodeKeyName(name), key) << c;
  }
  EXPECT_EQ(DecodeKeyName("%"), std::string());
}

TEST(SegmentNamingTest, LongKeysGetHashedNamesThatFitAFileName) {
  const std::string long_key(10000, '/');
  const std::string name = EncodeKeyName(long_key);
  EXPECT_TRUE(IsHashedKeyName(name));
  EXPECT_LE(name.size(), 255u);
  EXPECT_FALSE(DecodeKeyName(name).has_value());
  EXPECT_NE(EncodeKeyName(long_key + "x"), name);
  EXPECT_EQ(EncodeKeyName(std::string(200, 'a')), std::string(200, 'a'));
  EXPECT_TRUE(IsHashedKeyName(EncodeKeyName(std::string(201, 'a'))));
}

TEST(SegmentNamingTest, MalformedNamesDoNotDecode) {
  EXPECT_FALSE(DecodeKeyName("").has_value());
  EXPECT_FALSE(DecodeKeyName("%4").has_value());
  EXPECT_FALSE(DecodeKeyName("%ZZ").has_value());
  EXPECT_FALSE(DecodeKeyName(".deleted-0x1").has_value());
  EXPECT_FALSE(DecodeKeyName("a b").has_value());
}

TEST(SegmentNamingTest, SegmentNamesSortByBaseIdAndRoundTrip) {
  const RecordId small{0x18c2e3f6a10, 0};
  const RecordId large{0x18c2e3f6a10, 0x10};
  EXPECT_EQ(SegmentFileName(small), "0000018c2e3f6a10-0000000000000000.seg");
  EXPECT_LT(SegmentFileName(small), SegmentFileName(large));
  EXPECT_EQ(ParseSegmentFileName(SegmentFileName(large)), large);
  EXPECT_EQ(ParseSegmentFileName(SegmentFileName(kMaxRecordId)), kMaxRecordId);
  EXPECT_FALSE(ParseSegmentFileName("meta").has_value());
  EXPECT_FALSE(ParseSegmentFileName("0000018C2E3F6A10-0000000000000000.seg").has_value());
  EXPECT_FALSE(ParseSegmentFileName("0000018c2e3f6a10-0000000000000000.tmp").has_value());
}

}  // namespace
}  // namespace runnel::log
