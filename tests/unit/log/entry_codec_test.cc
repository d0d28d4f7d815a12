#include "engine/log/entry_codec.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace runnel::log {
namespace {

std::vector<std::pair<std::string, std::string>> Decode(EntryView view) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string_view field, value;
  while (view.Next(&field, &value)) pairs.emplace_back(field, value);
  return pairs;
}

TEST(EntryCodecTest, EntryRoundTripsBinaryFieldsAndValues) {
  const std::string binary("a\0b\xff", 4);
  const std::vector<FieldValue> fields = {{"f", binary}, {binary, ""}, {"", "x"}};
  std::string payload(EncodedEntrySize(fields), '\0');
  EXPECT_EQ(EncodeEntry(payload.data(), fields), payload.data() + payload.size());
  EXPECT_EQ(ValidateEntry(payload), 3);
  EXPECT_EQ(Decode(EntryView(payload, {}, false)),
            (std::vector<std::pair<std::string, std::string>>{{"f", binary}, {binary, ""}, {"", "x"}}));
}

TEST(EntryCodecTest, SameFieldsEntryTakesNamesFromItsNamesRecord) {
  const std::vector<FieldValue> first = {{"name", "ada"}, {"age", "36"}};
  const std::vector<FieldValue> second = {{"name", "alan"}, {"age", "41"}};
  std::string names(EncodedEntrySize(first), '\0');
  EncodeEntry(names.data(), first);
  ASSERT_TRUE(HasSameFieldNames(names, second));
  std::string values(EncodedSameFieldsSize(second, 300), '\0');
  EXPECT_EQ(EncodeSameFields(values.data(), second, 300), values.data() + values.size());
  uint64_t back_offset = 0;
  ASSERT_TRUE(ReadBackOffset(values, &back_offset));
  EXPECT_EQ(back_offset, 300u);
  EXPECT_TRUE(ValidateSameFields(values, 2));
  EXPECT_FALSE(ValidateSameFields(values, 3));
  EXPECT_EQ(Decode(EntryView(names, values, true)),
            (std::vector<std::pair<std::string, std::string>>{{"name", "alan"}, {"age", "41"}}));
}

TEST(EntryCodecTest, DifferentNamesOrCountsAreNotSameFields) {
  const std::vector<FieldValue> first = {{"a", "1"}, {"b", "2"}};
  std::string names(EncodedEntrySize(first), '\0');
  EncodeEntry(names.data(), first);
  EXPECT_FALSE(HasSameFieldNames(names, std::vector<FieldValue>{{"a", "1"}}));
  EXPECT_FALSE(HasSameFieldNames(names, std::vector<FieldValue>{{"a", "1"}, {"c", "2"}}));
  EXPECT_FALSE(HasSameFieldNames(names, std::vector<FieldValue>{{"b", "1"}, {"a", "2"}}));
}

TEST(EntryCodecTest, TruncatedOrHostilePayloadsAreMalformed) {
  const std::vector<FieldValue> fields = {{"field", "value"}};
  std::string payload(EncodedEntrySize(fields), '\0');
  EncodeEntry(payload.data(), fields);
  for (size_t size = 0; size < payload.size(); ++size) {
    EXPECT_LT(ValidateEntry(std::string_view(payload).substr(0, size)), 0) << size;
  }
  EXPECT_LT(ValidateEntry(payload + "x"), 0);  // trailing bytes
  // A count far larger than the bytes could hold is refused before any loop.
  EXPECT_LT(ValidateEntry(std::string("\xff\xff\xff\xff\x0f", 5)), 0);
}

}  // namespace
}  // namespace runnel::log
