#include "server/acl/acl_file.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "server/command/command_spec.h"

namespace runnel::acl {
namespace {

void Noop(command::CommandContext&) {}

class AclFileTest : public ::testing::Test {
 protected:
  AclFileTest() {
    table_.Register({.name = "get", .arity = 2, .flags = command::kReadOnly | command::kFast,
                     .keys = {1, 1, 1}, .handler = Noop});
    table_.Register({.name = "set", .arity = -3, .flags = command::kWrite, .keys = {1, 1, 1}, .handler = Noop});
    path_ = ::testing::TempDir() + "acl_file_test_" + std::to_string(::getpid()) + ".acl";
  }
  ~AclFileTest() override { std::remove(path_.c_str()); }
  void WriteFile(const std::string& text) { std::ofstream(path_) << text; }

  command::CommandTable table_;
  std::string path_;
};

TEST_F(AclFileTest, ReadsOneUserALineAndSkipsBlankLines) {
  WriteFile("user default on nopass ~* &* +@all\n\nuser u on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a ~foo* +get\n");
  absl::StatusOr<std::vector<User>> users = ReadAclFile(path_, table_);
  ASSERT_TRUE(users.ok()) << users.status();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[1].name(), "u");
  EXPECT_TRUE((*users)[1].CheckPassword("p1"));
  EXPECT_EQ((*users)[1].DescribeKeys(), "~foo*");
  EXPECT_TRUE((*users)[1].CanRun(*table_.Lookup("get")));
  EXPECT_FALSE((*users)[1].CanRun(*table_.Lookup("set")));
}

// Redis 7.0.15's text for the same file.
TEST_F(AclFileTest, EveryErrorIsReportedAndNothingIsLoaded) {
  WriteFile("user default on nopass ~* &* +@all\nuser u on bogus\nuser\nfoo bar\nuser v on +nocmd\n");
  absl::StatusOr<std::vector<User>> users = ReadAclFile(path_, table_);
  ASSERT_FALSE(users.ok());
  EXPECT_EQ(users.status().message(),
            path_ + ":2: Syntax error. " + path_ + ":3 should start with user keyword followed by the username. " +
                path_ + ":4 should start with user keyword followed by the username. " + path_ +
                ":5: Error in applying operation '+nocmd': Unknown command or category name in ACL. WARNING: ACL "
                "errors detected, no change to the previously active ACL rules was performed");
}

TEST_F(AclFileTest, DuplicateUserIsAnError) {
  WriteFile("user u on >x\nuser u off\n");
  EXPECT_EQ(ReadAclFile(path_, table_).status().message(),
            "WARNING: Duplicate user 'u' found on line 2. WARNING: ACL errors detected, no change to the "
            "previously active ACL rules was performed");
}

TEST_F(AclFileTest, MissingFileIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(ReadAclFile(path_ + ".nope", table_).status()));
}

TEST_F(AclFileTest, WrittenLinesReadBack) {
  ASSERT_TRUE(WriteAclFile(path_, {"user default on nopass ~* &* +@all", "user k on resetchannels -@all +set"}).ok());
  absl::StatusOr<std::vector<User>> users = ReadAclFile(path_, table_);
  ASSERT_TRUE(users.ok()) << users.status();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_TRUE((*users)[1].enabled());
  EXPECT_TRUE((*users)[1].CanRun(*table_.Lookup("set")));
  EXPECT_FALSE((*users)[1].CanRun(*table_.Lookup("get")));
}

}  // namespace
}  // namespace runnel::acl
