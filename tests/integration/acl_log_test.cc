// ACL LOG and ACL GENPASS through the real server. Every field, order and
// error was taken from redis-server 7.0.15 (which prints age-seconds with
// %.17g; Runnel prints the shortest form, as Redis 7.2).
#include <cstdlib>

#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kWrongPass[] = "WRONGPASS invalid username-password pair or user is disabled.";

class AclLogTest : public ServerTest {
 protected:
  // A client logged in as `t`: +get +publish +multi +exec on ~k* and &ch*.
  std::unique_ptr<RespClient> Restricted() {
    EXPECT_THAT(Run({"ACL", "SETUSER", "t", "on", ">pw", "+get", "+publish", "+multi", "+exec", "~k*", "&ch*"}),
                IsSimple("OK"));
    auto client = Connect();
    EXPECT_THAT(client->Run({"AUTH", "t", "pw"}), IsSimple("OK"));
    return client;
  }
  // The field names of one entry, in order (RESP2: a flat array).
  static std::vector<std::string> Keys(const RespValue& entry) {
    std::vector<std::string> keys;
    for (size_t i = 0; i < entry.elements.size(); i += 2) keys.push_back(entry.elements[i].str);
    return keys;
  }
};
RUNNEL_BACKEND_TESTS(AclLogTest);

TEST_P(AclLogTest, EntriesHaveRedis70FieldsNewestFirst) {
  auto t = Restricted();
  EXPECT_THAT(t->Run({"SET", "k1", "v"}), IsError("NOPERM this user has no permissions to run the 'set' command"));
  EXPECT_THAT(t->Run({"GET", "x"}),
              IsError("NOPERM this user has no permissions to access one of the keys used as arguments"));
  EXPECT_THAT(t->Run({"PUBLISH", "other", "m"}),
              IsError("NOPERM this user has no permissions to access one of the channels used as arguments"));
  EXPECT_THAT(t->Run({"AuTh", "nobody", "bad"}), IsError(kWrongPass));

  RespValue log = Run({"ACL", "LOG"});
  ASSERT_THAT(log, ArrLen(4));
  for (const RespValue& entry : log.elements) {
    EXPECT_THAT(Keys(entry), ElementsAre("count", "reason", "context", "object", "username", "age-seconds",
                                         "client-info"));
    EXPECT_THAT(*entry.Find("count"), IsInt(1));
    EXPECT_THAT(*entry.Find("context"), IsBulk("toplevel"));
    const double age = std::strtod(entry.Find("age-seconds")->str.c_str(), nullptr);
    EXPECT_GE(age, 0);
    EXPECT_LT(age, 60);
  }
  // A failed login logs the name tried and the command word as it was sent.
  EXPECT_THAT(*log.elements[0].Find("reason"), IsBulk("auth"));
  EXPECT_THAT(*log.elements[0].Find("object"), IsBulk("AuTh"));
  EXPECT_THAT(*log.elements[0].Find("username"), IsBulk("nobody"));
  EXPECT_THAT(log.elements[0].Find("client-info")->str, HasSubstr("cmd=auth user=t "));
  EXPECT_THAT(*log.elements[1].Find("reason"), IsBulk("channel"));
  EXPECT_THAT(*log.elements[1].Find("object"), IsBulk("other"));
  EXPECT_THAT(*log.elements[2].Find("reason"), IsBulk("key"));
  EXPECT_THAT(*log.elements[2].Find("object"), IsBulk("x"));
  EXPECT_THAT(*log.elements[3].Find("reason"), IsBulk("command"));
  EXPECT_THAT(*log.elements[3].Find("object"), IsBulk("set"));
  EXPECT_THAT(*log.elements[3].Find("username"), IsBulk("t"));
  // The client's CLIENT LIST line, with the refused command as cmd=.
  EXPECT_THAT(log.elements[3].Find("client-info")->str, HasSubstr(" cmd=set user=t "));
  EXPECT_THAT(log.elements[3].Find("client-info")->str, ::testing::StartsWith("id="));

  EXPECT_THAT(Run({"ACL", "LOG", "1"}), ArrLen(1));
  EXPECT_THAT(Run({"ACL", "LOG", "-1"}), ArrLen(0));
}

TEST_P(AclLogTest, RepeatedRefusalIsOneEntryWithACount) {
  auto t = Restricted();
  t->Run({"GET", "x"});
  t->Run({"GET", "y"});
  t->Run({"GET", "x"});
  t->Run({"GET", "x"});
  RespValue log = Run({"ACL", "LOG"});
  ASSERT_THAT(log, ArrLen(2));
  EXPECT_THAT(*log.elements[0].Find("object"), IsBulk("x"));
  EXPECT_THAT(*log.elements[0].Find("count"), IsInt(3));
  EXPECT_THAT(*log.elements[1].Find("object"), IsBulk("y"));
}

TEST_P(AclLogTest, RefusalsInsideMultiHaveContextMulti) {
  auto t = Restricted();
  EXPECT_THAT(t->Run({"MULTI"}), IsSimple("OK"));
  EXPECT_THAT(t->Run({"GET", "x"}), ErrorStartsWith("NOPERM"));
  EXPECT_THAT(t->Run({"EXEC"}), IsError("EXECABORT Transaction discarded because of previous errors."));
  RespValue log = Run({"ACL", "LOG"});
  ASSERT_THAT(log, ArrLen(1));
  EXPECT_THAT(*log.elements[0].Find("context"), IsBulk("multi"));
  EXPECT_THAT(log.elements[0].Find("client-info")->str, HasSubstr(" flags=x "));
}

TEST_P(AclLogTest, ResetCountErrorsAndMaxLen) {
  auto t = Restricted();
  t->Run({"GET", "x"});
  EXPECT_THAT(Run({"ACL", "LOG", "reset"}), IsSimple("OK"));
  EXPECT_THAT(Run({"ACL", "LOG"}), ArrLen(0));
  EXPECT_THAT(Run({"ACL", "LOG", "abc"}), IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"ACL", "LOG", "1", "2"}),
              IsError("ERR unknown subcommand or wrong number of arguments for 'LOG'. Try ACL HELP."));
  EXPECT_THAT(Run({"ACL", "LOG", "RESET", "1"}),
              IsError("ERR unknown subcommand or wrong number of arguments for 'LOG'. Try ACL HELP."));

  EXPECT_THAT(*Run({"CONFIG", "GET", "acllog-max-len"}).Find("acllog-max-len"), IsBulk("128"));
  EXPECT_THAT(Run({"CONFIG", "SET", "acllog-max-len", "-1"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'acllog-max-len') - argument must be "
                      "between 0 and 9223372036854775807 inclusive"));
  EXPECT_THAT(Run({"CONFIG", "SET", "acllog-max-len", "2"}), IsSimple("OK"));
  for (const char* key : {"a", "b", "c"}) t->Run({"GET", key});
  RespValue log = Run({"ACL", "LOG"});
  ASSERT_THAT(log, ArrLen(2));
  EXPECT_THAT(*log.elements[0].Find("object"), IsBulk("c"));
  EXPECT_THAT(*log.elements[1].Find("object"), IsBulk("b"));
}

TEST_P(AclLogTest, Resp3EntriesAreMapsWithADoubleAge) {
  auto t = Restricted();
  t->Run({"HELLO", "3", "AUTH", "t", "bad"});
  Run({"HELLO", "3"});
  RespValue log = Run({"ACL", "LOG"});
  ASSERT_THAT(log, ArrLen(1));
  ASSERT_THAT(log.elements[0], MapLen(7));
  EXPECT_THAT(*log.elements[0].Find("object"), IsBulk("HELLO"));
  EXPECT_THAT(*log.elements[0].Find("username"), IsBulk("t"));
  EXPECT_EQ(log.elements[0].Find("age-seconds")->type, RespValue::Type::kDouble);
}

TEST_P(AclLogTest, GenPassGivesHexOfTheBitsAsked) {
  RespValue a = Run({"ACL", "GENPASS"});
  RespValue b = Run({"ACL", "GENPASS"});
  ASSERT_EQ(a.type, RespValue::Type::kBulk);
  EXPECT_EQ(a.str.size(), 64u);
  EXPECT_EQ(a.str.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a.str, b.str);
  EXPECT_EQ(Run({"ACL", "GENPASS", "1"}).str.size(), 1u);
  EXPECT_EQ(Run({"ACL", "GENPASS", "5"}).str.size(), 2u);
  EXPECT_EQ(Run({"ACL", "GENPASS", "4096"}).str.size(), 1024u);
  const std::string bad_bits =
      "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096";
  EXPECT_THAT(Run({"ACL", "GENPASS", "0"}), IsError(bad_bits));
  EXPECT_THAT(Run({"ACL", "GENPASS", "4097"}), IsError(bad_bits));
  EXPECT_THAT(Run({"ACL", "GENPASS", "abc"}), IsError("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"ACL", "GENPASS", "1", "2"}),
              IsError("ERR unknown subcommand or wrong number of arguments for 'GENPASS'. Try ACL HELP."));
}

}  // namespace
}  // namespace runnel::testing
