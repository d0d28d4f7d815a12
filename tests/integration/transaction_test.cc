// MULTI / EXEC / DISCARD through the server.
#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

class TransactionTest : public ServerTest {};
RUNNEL_BACKEND_TESTS(TransactionTest);

TEST_P(TransactionTest, QueuedCommandsRunAtExecInOrder) {
  EXPECT_THAT(Run({"MULTI"}), IsSimple("OK"));
  EXPECT_THAT(Run({"ECHO", "a"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"PING"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"SELECT", "99"}), IsSimple("QUEUED"));
  RespValue exec = Run({"EXEC"});
  ASSERT_THAT(exec, ArrLen(3));
  EXPECT_THAT(exec.elements[0], IsBulk("a"));
  EXPECT_THAT(exec.elements[1], IsSimple("PONG"));
  EXPECT_THAT(exec.elements[2], IsError("ERR DB index is out of range"));
}

TEST_P(TransactionTest, ErrorsWhileQueuingAbortExec) {
  Run({"MULTI"});
  EXPECT_THAT(Run({"NOPE"}), ErrorStartsWith("ERR unknown command 'NOPE'"));
  EXPECT_THAT(Run({"ECHO"}), IsError("ERR wrong number of arguments for 'echo' command"));
  EXPECT_THAT(Run({"PING"}), IsSimple("QUEUED"));
  EXPECT_THAT(Run({"EXEC"}),
              IsError("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_THAT(Run({"EXEC"}), IsError("ERR EXEC without MULTI"));
}

TEST_P(TransactionTest, DiscardDropsTheQueue) {
  Run({"MULTI"});
  Run({"ECHO", "x"});
  EXPECT_THAT(Run({"DISCARD"}), IsSimple("OK"));
  EXPECT_THAT(Run({"DISCARD"}), IsError("ERR DISCARD without MULTI"));
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
}

TEST_P(TransactionTest, NestedMultiAndNoMultiCommands) {
  Run({"MULTI"});
  EXPECT_THAT(Run({"MULTI"}), IsError("ERR MULTI calls can not be nested"));
  EXPECT_THAT(Run({"SHUTDOWN"}), IsError("ERR Command not allowed inside a transaction"));
  EXPECT_THAT(Run({"EXEC"}),
              IsError("EXECABORT Transaction discarded because of previous errors."));
}

TEST_P(TransactionTest, EmptyTransactionIsAnEmptyArray) {
  Run({"MULTI"});
  EXPECT_THAT(Run({"EXEC"}), ArrLen(0));
}

TEST_P(TransactionTest, ClientListShowsMultiState) {
  Run({"MULTI"});
  Run({"PING"});
  auto other = Connect();
  RespValue list = other->Run({"CLIENT", "LIST"});
  EXPECT_NE(list.str.find("flags=x"), std::string::npos) << list.str;
  EXPECT_NE(list.str.find("multi=1"), std::string::npos) << list.str;
}

}  // namespace
}  // namespace runnel::testing
