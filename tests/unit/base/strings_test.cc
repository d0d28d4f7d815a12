#include "engine/base/strings.h"

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace runnel::base {
namespace {

TEST(StrCatTest, JoinsViewsStringsAndIntegers) {
  std::string_view view = "view";
  std::string owned = "owned";
  EXPECT_EQ(StrCat(view, "-", owned, "-", 42, "-", -7L, "-", size_t{18446744073709551615u}),
            "view-owned-42--7-18446744073709551615");
  EXPECT_EQ(StrCat(absl::string_view("absl")), "absl");
  EXPECT_EQ(StrCat(), "");
}

TEST(StrCatTest, AppendKeepsWhatWasThere) {
  std::string out = "a";
  StrAppend(&out, "b", 1, std::string_view("c"));
  EXPECT_EQ(out, "ab1c");
}

TEST(StringsTest, CaseHelpersAreAsciiOnly) {
  EXPECT_TRUE(EqualsIgnoreCase("PiNg", "ping"));
  EXPECT_FALSE(EqualsIgnoreCase("ping", "pin"));
  EXPECT_FALSE(EqualsIgnoreCase("\xC9", "\xE9"));
  EXPECT_EQ(AsciiLower("CONFIG|Get"), "config|get");
  EXPECT_EQ(AsciiUpper("help\xE9"), "HELP\xE9");
}

}  // namespace
}  // namespace runnel::base
