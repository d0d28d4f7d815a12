// PING, ECHO, QUIT, HELLO, AUTH, SELECT, RESET through the real server.
#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using ::testing::ElementsAre;

class ConnectionCommandsTest : public ServerTest {};
RUNNEL_BACKEND_TESTS(ConnectionCommandsTest);

TEST_P(ConnectionCommandsTest, PingRepliesPongOrEchoesItsArgument) {
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
  EXPECT_THAT(Run({"ping", "hello world"}), IsBulk("hello world"));
  EXPECT_THAT(Run({"PING", "a", "b"}), IsError("ERR wrong number of arguments for 'ping' command"));
}

TEST_P(ConnectionCommandsTest, EchoIsBinarySafe) {
  std::string payload("a\0b\r\nc", 6);
  EXPECT_THAT(Run({"ECHO", payload}), IsBulk(payload));
  EXPECT_THAT(Run({"ECHO"}), IsError("ERR wrong number of arguments for 'echo' command"));
}

TEST_P(ConnectionCommandsTest, UnknownCommandQuotesItsArguments) {
  EXPECT_THAT(Run({"NOPE", "a", "b"}),
              IsError("ERR unknown command 'NOPE', with args beginning with: 'a' 'b' "));
  EXPECT_THAT(Run({"nope"}), IsError("ERR unknown command 'nope', with args beginning with: "));
}

TEST_P(ConnectionCommandsTest, QuitRepliesOkThenCloses) {
  EXPECT_THAT(Run({"QUIT"}), IsSimple("OK"));
  EXPECT_TRUE(client_->WaitForClose());
}

TEST_P(ConnectionCommandsTest, Hello3SwitchesToResp3Maps) {
  RespValue hello = Run({"HELLO", "3"});
  ASSERT_THAT(hello, MapLen(7));
  EXPECT_THAT(*hello.Find("server"), IsBulk("redis"));
  EXPECT_THAT(*hello.Find("proto"), IsInt(3));
  EXPECT_THAT(*hello.Find("mode"), IsBulk("standalone"));
  EXPECT_THAT(*hello.Find("role"), IsBulk("master"));
  // RESP3 null for a missing client name.
  EXPECT_THAT(Run({"CLIENT", "GETNAME"}), IsNull());
  RespValue hello2 = Run({"HELLO", "2"});
  EXPECT_THAT(hello2, ArrLen(14));
}

TEST_P(ConnectionCommandsTest, HelloRejectsUnknownProtocols) {
  EXPECT_THAT(Run({"HELLO", "4"}), IsError("NOPROTO unsupported protocol version"));
  EXPECT_THAT(Run({"HELLO", "x"}), IsError("ERR Protocol version is not an integer or out of range"));
  EXPECT_THAT(Run({"HELLO", "3", "BOGUS"}), IsError("ERR Syntax error in HELLO option 'BOGUS'"));
}

TEST_P(ConnectionCommandsTest, HelloSetnameNamesTheClient) {
  Run({"HELLO", "2", "SETNAME", "worker-1"});
  EXPECT_THAT(Run({"CLIENT", "GETNAME"}), IsBulk("worker-1"));
}

TEST_P(ConnectionCommandsTest, AuthWithoutPasswordConfiguredIsAnError) {
  EXPECT_THAT(Run({"AUTH", "secret"}),
              IsError("ERR AUTH <password> called without any password configured for the "
                      "default user. Are you sure your configuration is correct?"));
}

TEST_P(ConnectionCommandsTest, RequirepassGatesCommandsUntilAuth) {
  StartServer({.args = {"--requirepass", "s3cret"}});
  EXPECT_THAT(Run({"PING"}), IsError("NOAUTH Authentication required."));
  EXPECT_THAT(Run({"AUTH", "wrong"}),
              IsError("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_THAT(Run({"HELLO", "3"}), ErrorStartsWith("NOAUTH HELLO must be called"));
  EXPECT_THAT(Run({"AUTH", "s3cret"}), IsSimple("OK"));
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));

  auto other = Connect();
  RespValue hello = other->Run({"HELLO", "3", "AUTH", "default", "s3cret"});
  EXPECT_THAT(*hello.Find("proto"), IsInt(3));
  EXPECT_THAT(other->Run({"PING"}), IsSimple("PONG"));
}

TEST_P(ConnectionCommandsTest, SelectChecksTheIndex) {
  EXPECT_THAT(Run({"SELECT", "15"}), IsSimple("OK"));
  EXPECT_THAT(Run({"SELECT", "16"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(Run({"SELECT", "-1"}), IsError("ERR DB index is out of range"));
  EXPECT_THAT(Run({"SELECT", "one"}), IsError("ERR value is not an integer or out of range"));
}

TEST_P(ConnectionCommandsTest, ResetRestoresAFreshConnection) {
  Run({"HELLO", "3"});
  Run({"SELECT", "3"});
  Run({"MULTI"});
  EXPECT_THAT(Run({"RESET"}), IsSimple("RESET"));
  EXPECT_THAT(Run({"EXEC"}), IsError("ERR EXEC without MULTI"));
  RespValue info = Run({"CLIENT", "INFO"});
  EXPECT_NE(info.str.find(" db=0 "), std::string::npos) << info;
  EXPECT_NE(info.str.find(" resp=2 "), std::string::npos) << info;
}

}  // namespace
}  // namespace runnel::testing
