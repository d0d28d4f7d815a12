// CLIENT ID/SETNAME/GETNAME/SETINFO/LIST/INFO/KILL/REPLY through the server.
#include <regex>

#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

class ClientCommandsTest : public ServerTest {};
RUNNEL_BACKEND_TESTS(ClientCommandsTest);

TEST_P(ClientCommandsTest, IdsAreUniqueAndIncreasing) {
  RespValue first = Run({"CLIENT", "ID"});
  auto other = Connect();
  RespValue second = other->Run({"CLIENT", "ID"});
  ASSERT_EQ(first.type, RespValue::Type::kInteger);
  EXPECT_GT(second.integer, first.integer);
}

TEST_P(ClientCommandsTest, SetNameValidatesAndGetNameReturnsIt) {
  EXPECT_THAT(Run({"CLIENT", "GETNAME"}), IsNull());
  EXPECT_THAT(Run({"CLIENT", "SETNAME", "worker"}), IsSimple("OK"));
  EXPECT_THAT(Run({"CLIENT", "GETNAME"}), IsBulk("worker"));
  EXPECT_THAT(Run({"CLIENT", "SETNAME", "two words"}),
              IsError("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_THAT(Run({"CLIENT", "SETNAME", ""}), IsSimple("OK"));
  EXPECT_THAT(Run({"CLIENT", "GETNAME"}), IsNull());
}

TEST_P(ClientCommandsTest, ListShowsEveryClientWithRedisFields) {
  Run({"CLIENT", "SETNAME", "lister"});
  Run({"CLIENT", "SETINFO", "LIB-NAME", "mylib"});
  auto other = Connect();
  other->Run({"SELECT", "4"});
  RespValue list = Run({"CLIENT", "LIST"});
  ASSERT_EQ(list.type, RespValue::Type::kBulk);
  std::regex line(
      "id=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:\\d+ fd=\\d+ name=\\S* age=\\d+ "
      "idle=\\d+ flags=\\S+ db=\\d+ sub=0 psub=0 ssub=0 multi=-1 qbuf=\\d+ qbuf-free=\\d+ "
      "argv-mem=\\d+ multi-mem=\\d+ rbs=\\d+ rbp=\\d+ obl=\\d+ oll=\\d+ omem=\\d+ tot-mem=\\d+ "
      "events=\\S+ cmd=\\S+ user=default redir=-1 resp=2 lib-name=\\S* lib-ver=\\S*\n");
  std::string text = list.str;
  int lines = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) ++lines;
  EXPECT_EQ(lines, 2) << text;
  EXPECT_NE(text.find("name=lister"), std::string::npos);
  EXPECT_NE(text.find("lib-name=mylib"), std::string::npos);
  EXPECT_NE(text.find(" db=4 "), std::string::npos);
  EXPECT_NE(text.find("cmd=client|list"), std::string::npos);
}

TEST_P(ClientCommandsTest, ListFiltersByIdAndType) {
  int64_t id = Run({"CLIENT", "ID"}).integer;
  auto other = Connect();
  RespValue mine = Run({"CLIENT", "LIST", "ID", std::to_string(id)});
  EXPECT_EQ(std::count(mine.str.begin(), mine.str.end(), '\n'), 1);
  EXPECT_THAT(Run({"CLIENT", "LIST", "TYPE", "pubsub"}), IsBulk(""));
  EXPECT_THAT(Run({"CLIENT", "LIST", "TYPE", "bogus"}), IsError("ERR Unknown client type 'bogus'"));
  EXPECT_THAT(Run({"CLIENT", "LIST", "ID", "x"}), IsError("ERR Invalid client ID"));
}

TEST_P(ClientCommandsTest, KillByIdClosesThatClientOnly) {
  auto victim = Connect();
  int64_t id = victim->Run({"CLIENT", "ID"}).integer;
  EXPECT_THAT(Run({"CLIENT", "KILL", "ID", std::to_string(id)}), IsInt(1));
  EXPECT_TRUE(victim->WaitForClose());
  EXPECT_THAT(Run({"CLIENT", "KILL", "ID", std::to_string(id)}), IsInt(0));
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
}

TEST_P(ClientCommandsTest, KillByAddressOldForm) {
  auto victim = Connect();
  RespValue info = victim->Run({"CLIENT", "INFO"});
  std::smatch m;
  std::regex addr("addr=(\\S+)");
  ASSERT_TRUE(std::regex_search(info.str, m, addr));
  EXPECT_THAT(Run({"CLIENT", "KILL", m[1].str()}), IsSimple("OK"));
  EXPECT_TRUE(victim->WaitForClose());
  EXPECT_THAT(Run({"CLIENT", "KILL", "1.2.3.4:5"}), IsError("ERR No such client"));
}

TEST_P(ClientCommandsTest, KillSkipsCallerUnlessAsked) {
  auto a = Connect();
  auto b = Connect();
  EXPECT_THAT(Run({"CLIENT", "KILL", "USER", "default"}), IsInt(2));
  EXPECT_TRUE(a->WaitForClose());
  EXPECT_TRUE(b->WaitForClose());
  EXPECT_THAT(Run({"CLIENT", "KILL", "ID", "0"}), IsError("ERR client-id should be greater than 0"));
  EXPECT_THAT(Run({"CLIENT", "KILL", "SKIPME", "maybe"}), IsError("ERR syntax error"));
  EXPECT_THAT(Run({"CLIENT", "KILL", "USER", "nobody"}), IsError("ERR No such user 'nobody'"));
  EXPECT_THAT(Run({"CLIENT", "KILL", "SKIPME", "no"}), IsInt(1));
  EXPECT_TRUE(client_->WaitForClose());
}

TEST_P(ClientCommandsTest, ReplyOffSilencesUntilOnAndSkipSilencesOne) {
  client_->Send({"CLIENT", "REPLY", "OFF"});
  client_->Send({"PING"});
  client_->Send({"CLIENT", "REPLY", "ON"});
  EXPECT_THAT(*client_->Read(), IsSimple("OK"));
  client_->Send({"CLIENT", "REPLY", "SKIP"});
  client_->Send({"ECHO", "skipped"});
  client_->Send({"ECHO", "seen"});
  EXPECT_THAT(*client_->Read(), IsBulk("seen"));
}

TEST_P(ClientCommandsTest, SetInfoValidates) {
  EXPECT_THAT(Run({"CLIENT", "SETINFO", "LIB-VER", "1.2.3"}), IsSimple("OK"));
  EXPECT_THAT(Run({"CLIENT", "SETINFO", "FOO", "x"}), IsError("ERR Unrecognized option 'FOO'"));
  EXPECT_THAT(Run({"CLIENT", "SETINFO", "LIB-NAME", "a b"}),
              IsError("ERR lib-name cannot contain spaces, newlines or special characters."));
}

TEST_P(ClientCommandsTest, UnknownSubcommand) {
  EXPECT_THAT(Run({"CLIENT", "FLY"}), IsError("ERR unknown subcommand 'FLY'. Try CLIENT HELP."));
  EXPECT_THAT(Run({"CLIENT", "SETNAME"}),
              IsError("ERR wrong number of arguments for 'client|setname' command"));
}

}  // namespace
}  // namespace runnel::testing
