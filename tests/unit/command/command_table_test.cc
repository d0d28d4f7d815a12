#include "server/command/command_table.h"

#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace runnel::command {
namespace {

void Noop(CommandContext&) {}

class CommandTableTest : public ::testing::Test {
 protected:
  CommandTableTest() {
    table_.Register({.name = "get", .arity = 2, .keys = {1, 1, 1}, .handler = Noop});
    table_.Register({.name = "ping", .arity = -1, .handler = Noop});
    table_.Register({.name = "config", .arity = -2,
                     .subcommands = {{.name = "get", .arity = -3, .handler = Noop},
                                     {.name = "help", .arity = 2, .handler = Noop}}});
  }
  CommandTable::Resolution Resolve(std::vector<std::string_view> args) {
    return table_.Resolve(args);
  }
  CommandTable table_;
};

TEST_F(CommandTableTest, LookupIgnoresCase) {
  EXPECT_NE(table_.Find("GeT"), nullptr);
  EXPECT_EQ(table_.Find("gets"), nullptr);
  EXPECT_EQ(table_.Find(std::string(100, 'a')), nullptr);
}

TEST_F(CommandTableTest, ExactArityMustMatch) {
  EXPECT_EQ(Resolve({"GET"}).error, "ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(Resolve({"GET", "a", "b"}).error, "ERR wrong number of arguments for 'get' command");
  EXPECT_NE(Resolve({"GET", "a"}).command, nullptr);
}

TEST_F(CommandTableTest, NegativeArityIsAMinimum) {
  EXPECT_NE(Resolve({"PING"}).command, nullptr);
  EXPECT_NE(Resolve({"PING", "a", "b", "c"}).command, nullptr);
}

TEST_F(CommandTableTest, UnknownCommandListsArgumentsUpTo128Bytes) {
  EXPECT_EQ(Resolve({"foo", "a", "b"}).error,
            "ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
  std::string big(300, 'x');
  std::string error = Resolve({"foo", big, "next"}).error;
  EXPECT_EQ(error.find("next"), std::string::npos);
  EXPECT_EQ(Resolve({"foo\nbar"}).error.find('\n'), std::string::npos);
}

TEST_F(CommandTableTest, SubcommandsResolveWithTheirOwnArity) {
  auto r = Resolve({"config", "GET", "port"});
  ASSERT_NE(r.command, nullptr);
  EXPECT_EQ(r.command->full_name, "config|get");
  EXPECT_EQ(Resolve({"config", "get"}).error,
            "ERR wrong number of arguments for 'config|get' command");
  EXPECT_EQ(Resolve({"config", "nope"}).error, "ERR unknown subcommand 'nope'. Try CONFIG HELP.");
  EXPECT_EQ(Resolve({"config"}).error, "ERR wrong number of arguments for 'config' command");
}

TEST_F(CommandTableTest, RejectedCallsPointAtTheCommand) {
  auto r = Resolve({"config", "get"});
  ASSERT_NE(r.rejected, nullptr);
  EXPECT_EQ(r.rejected->full_name, "config|get");
  EXPECT_EQ(Resolve({"foo"}).rejected, nullptr);
}

TEST_F(CommandTableTest, LookupByFullName) {
  ASSERT_NE(table_.Lookup("CONFIG|HELP"), nullptr);
  EXPECT_EQ(table_.Lookup("config|nope"), nullptr);
  EXPECT_EQ(table_.size(), 3u);
}

}  // namespace
}  // namespace runnel::command
