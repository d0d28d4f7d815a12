#include "server/acl/user.h"

#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/acl/user_table.h"
#include "server/command/command_spec.h"

namespace runnel::acl {
namespace {

using ::testing::ElementsAre;

void Noop(command::CommandContext&) {}

class UserTest : public ::testing::Test {
 protected:
  UserTest() {
    table_.Register({.name = "get", .arity = 2, .flags = command::kReadOnly | command::kFast,
                     .acl_categories = command::kAclString, .keys = {1, 1, 1}, .handler = Noop});
    table_.Register({.name = "set", .arity = -3, .flags = command::kWrite,
                     .acl_categories = command::kAclString, .keys = {1, 1, 1}, .handler = Noop});
    table_.Register({.name = "xlen", .arity = 2, .flags = command::kReadOnly | command::kFast,
                     .acl_categories = command::kAclStream, .keys = {1, 1, 1}, .handler = Noop});
    table_.Register({.name = "xadd", .arity = -5, .flags = command::kWrite,
                     .acl_categories = command::kAclStream, .keys = {1, 1, 1}, .handler = Noop});
    table_.Register({.name = "strlen", .arity = 2, .flags = command::kReadOnly,
                     .acl_categories = command::kAclString, .keys = {1, 1, 1}, .handler = Noop});
    table_.Register({.name = "config", .arity = -2,
                     .subcommands = {{.name = "get", .arity = -3, .flags = command::kAdmin, .handler = Noop},
                                     {.name = "set", .arity = -4, .flags = command::kAdmin, .handler = Noop}}});
  }
  absl::Status Apply(std::vector<std::string_view> rules) {
    for (std::string_view rule : rules) {
      absl::Status status = user_.ApplyRule(rule, table_);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }
  const command::ResolvedCommand& Cmd(std::string_view name) { return *table_.Lookup(name); }

  command::CommandTable table_;
  User user_{"u", 0};
  void SetUp() override { user_ = User("u", table_.resolved_count()); }
};

TEST_F(UserTest, NewUserIsOffWithNothingAllowed) {
  EXPECT_FALSE(user_.enabled());
  EXPECT_FALSE(user_.CheckPassword(""));
  EXPECT_FALSE(user_.CanRun(Cmd("get")));
  EXPECT_FALSE(user_.CanAccessKey("k"));
  EXPECT_EQ(user_.Describe(table_), "off resetchannels -@all");
}

TEST_F(UserTest, PasswordsAreStoredAsSha256Hex) {
  ASSERT_TRUE(Apply({"on", ">p1"}).ok());
  EXPECT_THAT(user_.password_hashes(),
              ElementsAre("f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a"));
  EXPECT_TRUE(user_.CheckPassword("p1"));
  EXPECT_FALSE(user_.CheckPassword("p2"));
  ASSERT_TRUE(Apply({"<p1"}).ok());
  EXPECT_FALSE(user_.CheckPassword("p1"));
}

TEST_F(UserTest, HashRulesTakeLowerCaseHexOnly) {
  ASSERT_TRUE(Apply({"on", "#f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a"}).ok());
  EXPECT_TRUE(user_.CheckPassword("p1"));
  EXPECT_EQ(Apply({"#F64551FCD6F07823CB87971CFB91446425DA18286B3AB1EF935E0CBD7A69F68A"}).message(),
            "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");
  ASSERT_TRUE(Apply({"!f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a"}).ok());
  EXPECT_TRUE(user_.password_hashes().empty());
}

TEST_F(UserTest, RemovingAnUnknownPasswordIsAnError) {
  EXPECT_EQ(Apply({"<nope"}).message(), "The password you are trying to remove from the user does not exist");
}

TEST_F(UserTest, NopassOpensToAnyPasswordAndResetpassClosesIt) {
  ASSERT_TRUE(Apply({"on", ">p1", "nopass"}).ok());
  EXPECT_TRUE(user_.password_hashes().empty());
  EXPECT_TRUE(user_.CheckPassword("anything"));
  ASSERT_TRUE(Apply({"resetpass"}).ok());
  EXPECT_FALSE(user_.CheckPassword("anything"));
}

TEST_F(UserTest, DisabledUserOpensToNothing) {
  ASSERT_TRUE(Apply({"off", "nopass"}).ok());
  EXPECT_FALSE(user_.CheckPassword("x"));
}

TEST_F(UserTest, CategoriesExpandToTheirCommands) {
  ASSERT_TRUE(Apply({"+@read"}).ok());
  EXPECT_TRUE(user_.CanRun(Cmd("get")));
  EXPECT_TRUE(user_.CanRun(Cmd("xlen")));
  EXPECT_FALSE(user_.CanRun(Cmd("set")));
  ASSERT_TRUE(Apply({"-get"}).ok());
  EXPECT_FALSE(user_.CanRun(Cmd("get")));
  EXPECT_EQ(user_.DescribeCommands(table_), "-@all +@read -get");
}

TEST_F(UserTest, ContainerRuleCoversItsSubcommands) {
  ASSERT_TRUE(Apply({"+config"}).ok());
  EXPECT_TRUE(user_.CanRun(Cmd("config|get")));
  EXPECT_TRUE(user_.CanRun(Cmd("config|set")));
  ASSERT_TRUE(Apply({"-config|set"}).ok());
  EXPECT_FALSE(user_.CanRun(Cmd("config|set")));
  EXPECT_EQ(user_.DescribeCommands(table_), "-@all +config|get");
}

// Redis's greedy description: a category is printed when the user holds
// (or lacks) most of it, then single commands fix the rest. Here @write is
// {set, xadd}: with set back, neither side is a majority.
TEST_F(UserTest, AllCommandsThenRemovalIsDescribedFromPlusAll) {
  ASSERT_TRUE(Apply({"allcommands", "-@write", "+set"}).ok());
  EXPECT_EQ(user_.DescribeCommands(table_), "+@all -xadd");
  ASSERT_TRUE(Apply({"-@write"}).ok());
  EXPECT_EQ(user_.DescribeCommands(table_), "+@all -@write");
  ASSERT_TRUE(Apply({"nocommands", "+get", "+set", "-get"}).ok());
  EXPECT_EQ(user_.DescribeCommands(table_), "-@all +set");
}

TEST_F(UserTest, UnknownCommandOrCategoryIsRejected) {
  EXPECT_EQ(Apply({"+nope"}).message(), "Unknown command or category name in ACL");
  EXPECT_EQ(Apply({"+@nope"}).message(), "Unknown command or category name in ACL");
  EXPECT_EQ(Apply({"+config|nope"}).message(), "Unknown command or category name in ACL");
  EXPECT_EQ(Apply({"bogus"}).message(), "Syntax error");
  // A Redis category that no Runnel command carries is still a category.
  EXPECT_TRUE(Apply({"+@hash"}).ok());
}

TEST_F(UserTest, KeyPatternsAreGlobs) {
  ASSERT_TRUE(Apply({"~foo*", "~bar"}).ok());
  EXPECT_TRUE(user_.CanAccessKey("foo:1"));
  EXPECT_TRUE(user_.CanAccessKey("bar"));
  EXPECT_FALSE(user_.CanAccessKey("baz"));
  EXPECT_EQ(user_.DescribeKeys(), "~foo* ~bar");
  ASSERT_TRUE(Apply({"resetkeys", "allkeys"}).ok());
  EXPECT_TRUE(user_.CanAccessKey("baz"));
  EXPECT_EQ(user_.DescribeKeys(), "~*");
}

TEST_F(UserTest, PatternAfterAllIsAnError) {
  ASSERT_TRUE(Apply({"allkeys", "allchannels"}).ok());
  EXPECT_THAT(std::string(Apply({"~foo"}).message()), ::testing::StartsWith("Adding a pattern after the *"));
  EXPECT_THAT(std::string(Apply({"&foo"}).message()), ::testing::EndsWith("empty list of channels"));
}

TEST_F(UserTest, ChannelsAreStoredAndDescribed) {
  ASSERT_TRUE(Apply({"&news.*"}).ok());
  EXPECT_EQ(user_.DescribeChannels(), "&news.*");
  EXPECT_EQ(user_.Describe(table_), "off resetchannels &news.* -@all");
}

TEST_F(UserTest, UnrestrictedNeedsAllCommandsKeysAndChannels) {
  ASSERT_TRUE(Apply({"+@all"}).ok());
  EXPECT_FALSE(user_.unrestricted());
  ASSERT_TRUE(Apply({"allkeys"}).ok());
  EXPECT_FALSE(user_.unrestricted());
  ASSERT_TRUE(Apply({"allchannels"}).ok());
  EXPECT_TRUE(user_.unrestricted());
  ASSERT_TRUE(Apply({"-get"}).ok());
  EXPECT_FALSE(user_.unrestricted());
}

TEST_F(UserTest, ResetReturnsToANewUser) {
  ASSERT_TRUE(Apply({"on", ">p", "~*", "&*", "+@all", "reset"}).ok());
  EXPECT_EQ(user_.Describe(table_), "off resetchannels -@all");
}

TEST_F(UserTest, DefaultUserMirrorsRequirepass) {
  UserTable users(table_);
  EXPECT_EQ(users.default_user().Describe(table_), "on nopass ~* &* +@all");
  users.SetDefaultPassword("secret");
  EXPECT_EQ(users.Authenticate("default", "x"), nullptr);
  EXPECT_EQ(users.Authenticate("default", "secret"), &users.default_user());
  users.SetDefaultPassword("");
  EXPECT_TRUE(users.default_user().nopass());
}

TEST_F(UserTest, SetUserIsAllOrNothing) {
  UserTable users(table_);
  std::vector<std::string_view> good = {"on", ">p", "+get"};
  ASSERT_TRUE(users.SetUser("u", good).ok());
  std::vector<std::string_view> bad = {"+set", "+nope"};
  EXPECT_EQ(users.SetUser("u", bad).message(),
            "ERR Error in ACL SETUSER modifier '+nope': Unknown command or category name in ACL");
  EXPECT_FALSE(users.Find("u")->CanRun(Cmd("set")));
  EXPECT_FALSE(users.Delete("default"));
  EXPECT_TRUE(users.Delete("u"));
  EXPECT_EQ(users.Find("u"), nullptr);
}

TEST_F(UserTest, ChannelsMatchAsGlobsButPatternsOnlyLiterally) {
  ASSERT_TRUE(Apply({"&ch*", "&news"}).ok());
  EXPECT_TRUE(user_.CanAccessChannel("ch1", User::ChannelUse::kChannel));
  EXPECT_TRUE(user_.CanAccessChannel("news", User::ChannelUse::kChannel));
  EXPECT_FALSE(user_.CanAccessChannel("other", User::ChannelUse::kChannel));
  EXPECT_TRUE(user_.CanAccessChannel("ch*", User::ChannelUse::kPattern));
  EXPECT_FALSE(user_.CanAccessChannel("ch1", User::ChannelUse::kPattern));
  EXPECT_FALSE(user_.CanAccessChannel("c*", User::ChannelUse::kPattern));
  ASSERT_TRUE(Apply({"allchannels"}).ok());
  EXPECT_TRUE(user_.CanAccessChannel("c*", User::ChannelUse::kPattern));
}

TEST_F(UserTest, ChannelDefaultGivesNewAndResetUsersTheirChannels) {
  User all("a", table_.resolved_count(), ChannelDefault::kAllChannels);
  EXPECT_EQ(all.DescribeChannels(), "&*");
  EXPECT_EQ(user_.DescribeChannels(), "");
  user_.set_channel_default(ChannelDefault::kAllChannels);
  ASSERT_TRUE(Apply({"&x", "reset"}).ok());
  EXPECT_EQ(user_.DescribeChannels(), "&*");
}

}  // namespace
}  // namespace runnel::acl
