// ACL users through the real server: the default user, AUTH and HELLO with
// a username, ACL SETUSER/GETUSER/DELUSER/USERS/LIST/WHOAMI/CAT, and the
// NOPERM checks on commands and keys. Every expected reply and error was
// taken from redis-server 7.0.15.
#include <fstream>
#include <iterator>

#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// SHA-256 of "p1", as Redis 7.0.15 prints it.
constexpr char kP1Hash[] = "f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a";
constexpr char kNoPermKeys[] = "NOPERM this user has no permissions to access one of the keys used as arguments";

std::string NoPermRun(const std::string& command) {
  return "NOPERM this user has no permissions to run the '" + command + "' command";
}

class AclTest : public ServerTest {
 protected:
  // A second client logged in as `user`.
  std::unique_ptr<RespClient> LoginAs(const std::string& user, const std::string& password) {
    auto client = Connect();
    RespValue reply = client->Run({"AUTH", user, password});
    EXPECT_THAT(reply, IsSimple("OK"));
    return client;
  }
  std::vector<std::string> Strings(const RespValue& array) {
    std::vector<std::string> out;
    for (const RespValue& v : array.elements) out.push_back(v.str);
    return out;
  }
};
RUNNEL_BACKEND_TESTS(AclTest);

TEST_P(AclTest, DefaultUserIsOnNopassWithEverything) {
  EXPECT_THAT(Strings(Run({"ACL", "LIST"})), ::testing::ElementsAre("user default on nopass ~* &* +@all"));
  EXPECT_THAT(Strings(Run({"ACL", "USERS"})), ::testing::ElementsAre("default"));
  EXPECT_THAT(Run({"ACL", "WHOAMI"}), IsBulk("default"));
  RespValue user = Run({"ACL", "GETUSER", "default"});
  ASSERT_THAT(user, ArrLen(12));
  EXPECT_THAT(Strings(*user.Find("flags")), ::testing::ElementsAre("on", "nopass"));
  EXPECT_THAT(*user.Find("passwords"), ArrLen(0));
  EXPECT_THAT(*user.Find("commands"), IsBulk("+@all"));
  EXPECT_THAT(*user.Find("keys"), IsBulk("~*"));
  EXPECT_THAT(*user.Find("channels"), IsBulk("&*"));
  EXPECT_THAT(*user.Find("selectors"), ArrLen(0));
}

TEST_P(AclTest, RequirepassIsTheDefaultUsersPassword) {
  StartServer({.args = {"--requirepass", "p1"}});
  EXPECT_THAT(Run({"AUTH", "default", "p1"}), IsSimple("OK"));
  RespValue user = Run({"ACL", "GETUSER", "default"});
  EXPECT_THAT(Strings(*user.Find("flags")), ::testing::ElementsAre("on"));
  EXPECT_THAT(Strings(*user.Find("passwords")), ::testing::ElementsAre(kP1Hash));
  EXPECT_THAT(Run({"CONFIG", "SET", "requirepass", ""}), IsSimple("OK"));
  EXPECT_THAT(Strings(Run({"ACL", "LIST"})), ::testing::ElementsAre("user default on nopass ~* &* +@all"));
  // ACL SETUSER default >pw protects new connections as requirepass does.
  EXPECT_THAT(Run({"ACL", "SETUSER", "default", "resetpass", ">pw"}), IsSimple("OK"));
  auto other = Connect();
  EXPECT_THAT(other->Run({"PING"}), IsError("NOAUTH Authentication required."));
  EXPECT_THAT(other->Run({"AUTH", "pw"}), IsSimple("OK"));
}

// Descriptions follow Redis 7.0's algorithm (a category when the user holds,
// or lacks, most of it; then single commands) over Runnel's command set.
// Where both command sets give the same text, it is Redis's.
TEST_P(AclTest, SetUserIsDescribedAsRedisDescribesIt) {
  EXPECT_THAT(Run({"ACL", "SETUSER", "u", "on", ">p1", "allcommands", "-get", "~foo*", "&ch*"}), IsSimple("OK"));
  RespValue user = Run({"ACL", "GETUSER", "u"});
  EXPECT_THAT(Strings(*user.Find("flags")), ::testing::ElementsAre("on"));
  EXPECT_THAT(Strings(*user.Find("passwords")), ::testing::ElementsAre(kP1Hash));
  EXPECT_THAT(*user.Find("commands"), IsBulk("+@all -get"));
  EXPECT_THAT(*user.Find("keys"), IsBulk("~foo*"));
  EXPECT_THAT(*user.Find("channels"), IsBulk("&ch*"));
  EXPECT_THAT(Strings(Run({"ACL", "LIST"})),
              Contains(std::string("user u on #") + kP1Hash + " ~foo* resetchannels &ch* +@all -get"));
  EXPECT_THAT(Run({"ACL", "SETUSER", "a", "+get", "+set", "-get"}), IsSimple("OK"));
  RespValue a = Run({"ACL", "GETUSER", "a"});
  EXPECT_THAT(Strings(*a.Find("flags")), ::testing::ElementsAre("off"));
  EXPECT_THAT(*a.Find("commands"), IsBulk("-@all +set"));
  EXPECT_THAT(*a.Find("keys"), IsBulk(""));
  EXPECT_THAT(*a.Find("channels"), IsBulk(""));
  EXPECT_THAT(Run({"ACL", "SETUSER", "d", "+config|get"}), IsSimple("OK"));
  EXPECT_THAT(Strings(Run({"ACL", "LIST"})), Contains("user d off resetchannels -@all +config|get"));
  EXPECT_THAT(Strings(Run({"ACL", "USERS"})), ::testing::ElementsAre("a", "d", "default", "u"));
  EXPECT_THAT(Run({"ACL", "GETUSER", "nope"}), IsNull());
}

TEST_P(AclTest, SetUserErrorsNameTheModifierAndChangeNothing) {
  EXPECT_THAT(Run({"ACL", "SETUSER", "k", "bogus"}),
              IsError("ERR Error in ACL SETUSER modifier 'bogus': Syntax error"));
  EXPECT_THAT(Run({"ACL", "SETUSER", "k", "+nocmd"}),
              IsError("ERR Error in ACL SETUSER modifier '+nocmd': Unknown command or category name in ACL"));
  EXPECT_THAT(Run({"ACL", "SETUSER", "k", "+@nocat"}),
              IsError("ERR Error in ACL SETUSER modifier '+@nocat': Unknown command or category name in ACL"));
  EXPECT_THAT(Run({"ACL", "SETUSER", "k", "<nope"}),
              IsError("ERR Error in ACL SETUSER modifier '<nope': The password you are trying to remove from the "
                      "user does not exist"));
  EXPECT_THAT(Run({"ACL", "SETUSER", "k", "#abc"}),
              IsError("ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters "
                      "and contain only lowercase hexadecimal characters"));
  EXPECT_THAT(Run({"ACL", "SETUSER", "k", "allkeys", "~foo"}),
              IsError("ERR Error in ACL SETUSER modifier '~foo': Adding a pattern after the * pattern (or the "
                      "'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with "
                      "an empty list of patterns"));
  EXPECT_THAT(Run({"ACL", "SETUSER", "k", "on", "+get", "bogus"}), ErrorStartsWith("ERR Error in ACL SETUSER"));
  EXPECT_THAT(Run({"ACL", "GETUSER", "k"}), IsNull());
  EXPECT_THAT(Run({"ACL", "SETUSER"}), IsError("ERR wrong number of arguments for 'acl|setuser' command"));
  EXPECT_THAT(Run({"ACL", "WHOAMI", "x"}), IsError("ERR wrong number of arguments for 'acl|whoami' command"));
  EXPECT_THAT(Run({"ACL", "nope"}), IsError("ERR unknown subcommand 'nope'. Try ACL HELP."));
}

TEST_P(AclTest, AuthWithUsernameChecksPasswordAndEnabled) {
  Run({"ACL", "SETUSER", "u", "on", ">p1", "+@all", "allkeys"});
  Run({"ACL", "SETUSER", "v", "off", ">p1", "+@all", "allkeys"});
  constexpr char kWrongPass[] = "WRONGPASS invalid username-password pair or user is disabled.";
  EXPECT_THAT(Run({"AUTH", "u", "bad"}), IsError(kWrongPass));
  EXPECT_THAT(Run({"AUTH", "nouser", "p1"}), IsError(kWrongPass));
  EXPECT_THAT(Run({"AUTH", "v", "p1"}), IsError(kWrongPass));
  EXPECT_THAT(Run({"ACL", "WHOAMI"}), IsBulk("default"));
  EXPECT_THAT(Run({"AUTH", "u", "p1"}), IsSimple("OK"));
  EXPECT_THAT(Run({"ACL", "WHOAMI"}), IsBulk("u"));
  RespValue info = Run({"CLIENT", "INFO"});
  EXPECT_THAT(info.str, HasSubstr(" user=u "));

  auto other = Connect();
  RespValue hello = other->Run({"HELLO", "3", "AUTH", "u", "p1"});
  EXPECT_THAT(*hello.Find("proto"), IsInt(3));
  EXPECT_THAT(other->Run({"ACL", "WHOAMI"}), IsBulk("u"));
  EXPECT_THAT(other->Run({"HELLO", "3", "AUTH", "u", "bad"}), IsError(kWrongPass));
  // RESET logs the client back in as default.
  EXPECT_THAT(Run({"RESET"}), IsSimple("RESET"));
  EXPECT_THAT(Run({"ACL", "WHOAMI"}), IsBulk("default"));
}

TEST_P(AclTest, CommandsOutsideTheRulesAreRefused) {
  Run({"ACL", "SETUSER", "u", "on", ">p1", "+@read", "-get", "~foo*"});
  auto u = LoginAs("u", "p1");
  EXPECT_THAT(u->Run({"GET", "foo"}), IsError(NoPermRun("get")));
  EXPECT_THAT(u->Run({"SET", "foo", "x"}), IsError(NoPermRun("set")));
  EXPECT_THAT(u->Run({"ACL", "WHOAMI"}), IsError(NoPermRun("acl|whoami")));
  EXPECT_THAT(u->Run({"CONFIG", "GET", "maxmemory"}), IsError(NoPermRun("config|get")));
  EXPECT_THAT(u->Run({"XRANGE", "foo", "-", "+"}), ArrLen(0));
  EXPECT_THAT(u->Run({"STRLEN", "foo"}), IsInt(0));
  // Counted as rejected calls, as Redis does.
  EXPECT_THAT(InfoField("commandstats", "cmdstat_get"), HasSubstr("rejected_calls=1"));
  // Rules change under a logged-in client at once.
  Run({"ACL", "SETUSER", "u", "+get"});
  EXPECT_THAT(u->Run({"GET", "foo"}), IsNull());
}

TEST_P(AclTest, KeysOutsideThePatternsAreRefused) {
  Run({"ACL", "SETUSER", "w", "on", ">pw", "+@all", "~s1"});
  auto w = LoginAs("w", "pw");
  EXPECT_THAT(w->Run({"SET", "s2", "x"}), IsError(kNoPermKeys));
  EXPECT_THAT(w->Run({"SET", "s1", "x"}), IsSimple("OK"));
  EXPECT_THAT(w->Run({"MGET", "s1", "s2"}), IsError(kNoPermKeys));
  EXPECT_THAT(w->Run({"XREAD", "STREAMS", "s2", "0"}), IsError(kNoPermKeys));
  EXPECT_THAT(w->Run({"XADD", "s1x", "*", "f", "v"}), IsError(kNoPermKeys));
  // A refusal while queuing aborts the transaction.
  EXPECT_THAT(w->Run({"MULTI"}), IsSimple("OK"));
  EXPECT_THAT(w->Run({"SET", "s2", "x"}), IsError(kNoPermKeys));
  EXPECT_THAT(w->Run({"SET", "s1", "y"}), IsSimple("QUEUED"));
  EXPECT_THAT(w->Run({"EXEC"}), IsError("EXECABORT Transaction discarded because of previous errors."));
}

TEST_P(AclTest, DefaultUserCanBeNarrowed) {
  EXPECT_THAT(Run({"ACL", "SETUSER", "default", "-flushall"}), IsSimple("OK"));
  EXPECT_THAT(Run({"FLUSHALL"}), IsError(NoPermRun("flushall")));
  EXPECT_THAT(Strings(Run({"ACL", "LIST"})), ::testing::ElementsAre("user default on nopass ~* &* +@all -flushall"));
}

TEST_P(AclTest, DelUserClosesItsConnections) {
  Run({"ACL", "SETUSER", "u", "on", ">p1", "+@all", "allkeys"});
  auto u = LoginAs("u", "p1");
  EXPECT_THAT(Run({"ACL", "DELUSER", "default"}), IsError("ERR The 'default' user cannot be removed"));
  EXPECT_THAT(Run({"ACL", "DELUSER", "u", "nope"}), IsInt(1));
  EXPECT_TRUE(u->WaitForClose());
  EXPECT_THAT(Strings(Run({"ACL", "USERS"})), ::testing::ElementsAre("default"));
  EXPECT_THAT(Run({"AUTH", "u", "p1"}), IsError("WRONGPASS invalid username-password pair or user is disabled."));
}

TEST_P(AclTest, ClientKillUserFindsAclUsers) {
  Run({"ACL", "SETUSER", "u", "on", ">p1", "+@all", "allkeys"});
  auto u = LoginAs("u", "p1");
  EXPECT_THAT(Run({"CLIENT", "KILL", "USER", "u"}), IsInt(1));
  EXPECT_TRUE(u->WaitForClose());
  EXPECT_THAT(Run({"CLIENT", "KILL", "USER", "nosuch"}), IsError("ERR No such user 'nosuch'"));
}

TEST_P(AclTest, CatListsRedisCategoriesAndTheirCommands) {
  std::vector<std::string> categories = Strings(Run({"ACL", "CAT"}));
  ASSERT_EQ(categories.size(), 21u);
  EXPECT_EQ(categories.front(), "keyspace");
  EXPECT_EQ(categories.back(), "scripting");
  std::vector<std::string> stream = Strings(Run({"ACL", "CAT", "stream"}));
  EXPECT_THAT(stream, Contains("xadd"));
  EXPECT_THAT(stream, Contains("xinfo|stream"));
  EXPECT_THAT(stream, Not(Contains("get")));
  EXPECT_THAT(Run({"ACL", "CAT", "hash"}), ArrLen(0));
  EXPECT_THAT(Run({"ACL", "CAT", "nope"}), IsError("ERR Unknown category 'nope'"));
  EXPECT_THAT(Run({"ACL", "HELP"}).elements.front(),
              IsSimple("ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
}

TEST_P(AclTest, LoadAndSaveNeedAnAclFile) {
  constexpr char kNoAclFile[] =
      "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL "
      "SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in "
      "order to store users in the Redis configuration.";
  EXPECT_THAT(Run({"ACL", "LOAD"}), IsError(kNoAclFile));
  EXPECT_THAT(Run({"ACL", "SAVE"}), IsError(kNoAclFile));
}

TEST_P(AclTest, AclFileIsLoadedAtStartAndSavedAndReloaded) {
  const std::string path = data_root() + "/users.acl";
  std::ofstream(path) << "user default on nopass ~* &* +@all\n"
                      << "user u on #" << kP1Hash << " ~foo* +get\n";
  StartServer({.args = {"--aclfile", path}});
  EXPECT_THAT(Strings(Run({"ACL", "LIST"})),
              ::testing::ElementsAre("user default on nopass ~* &* +@all",
                                     std::string("user u on #") + kP1Hash + " ~foo* resetchannels -@all +get"));
  auto u = LoginAs("u", "p1");
  EXPECT_THAT(Run({"ACL", "SETUSER", "k", "on", ">kk", "+set", "allkeys"}), IsSimple("OK"));
  EXPECT_THAT(Run({"ACL", "SAVE"}), IsSimple("OK"));
  // A bad file changes nothing and names every error.
  std::ofstream(path) << "user u on bogus\n";
  EXPECT_THAT(Run({"ACL", "LOAD"}),
              IsError("ERR " + path + ":1: Syntax error. WARNING: ACL errors detected, no change to the "
                      "previously active ACL rules was performed"));
  EXPECT_THAT(Strings(Run({"ACL", "USERS"})), ::testing::ElementsAre("default", "k", "u"));
  // What SAVE wrote survives a restart.
  std::ofstream(path) << "user default on nopass ~* &* +@all\nuser k on #"
                      << "ad370ed99b189921e7fe26057c40aab9f4fee8385e47606f50f348b9a5530af0 ~* resetchannels -@all +set\n";
  EXPECT_THAT(Run({"ACL", "LOAD"}), IsSimple("OK"));
  // u is gone from the file: its connection is closed.
  EXPECT_TRUE(u->WaitForClose());
  EXPECT_THAT(Strings(Run({"ACL", "USERS"})), ::testing::ElementsAre("default", "k"));
  EXPECT_THAT(Run({"CONFIG", "SET", "aclfile", "/tmp/x"}), ErrorStartsWith("ERR CONFIG SET failed"));
}

TEST_P(AclTest, SaveWritesAclListLines) {
  const std::string path = data_root() + "/saved.acl";
  std::ofstream(path) << "";
  StartServer({.args = {"--aclfile", path}});
  EXPECT_THAT(Run({"ACL", "SETUSER", "k", "on", ">kk", "+set", "allkeys"}), IsSimple("OK"));
  EXPECT_THAT(Run({"ACL", "SAVE"}), IsSimple("OK"));
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "user default on nopass ~* &* +@all\n"
                  "user k on #ad370ed99b189921e7fe26057c40aab9f4fee8385e47606f50f348b9a5530af0 ~* resetchannels "
                  "-@all +set\n");
}

TEST_P(AclTest, BadAclFileStopsStartUp) {
  const std::string path = data_root() + "/bad.acl";
  std::ofstream(path) << "user u on +nocmd\n";
  auto bad = ServerProcess::Start({.backend = GetParam(), .args = {"--aclfile", path}, .expect_start = false});
  EXPECT_EQ(bad->WaitForExit(std::chrono::seconds(10)), 1);
  EXPECT_THAT(bad->log(), HasSubstr("Error in applying operation '+nocmd'"));
}

TEST_P(AclTest, DryRunSaysWhatTheUserWouldBeTold) {
  Run({"ACL", "SETUSER", "t", "on", "nopass", "+@read", "~a*", "+config|help"});
  EXPECT_THAT(Run({"ACL", "DRYRUN", "t", "set", "a", "b"}),
              IsBulk("This user has no permissions to run the 'set' command"));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "t", "get", "b"}), IsBulk("This user has no permissions to access the 'b' key"));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "t", "get", "a1"}), IsSimple("OK"));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "t", "config", "get", "x"}),
              IsBulk("This user has no permissions to run the 'config|get' command"));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "nouser", "get", "a"}), IsError("ERR User 'nouser' not found"));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "t", "nocmd"}), IsError("ERR Command 'nocmd' not found"));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "t", "get"}), IsError("ERR wrong number of arguments for 'get' command"));
}

// Redis never refuses the no-auth commands (AUTH, HELLO), so a user
// without them can still switch users.
TEST_P(AclTest, UserWithoutAuthCommandCanStillSwitchUsers) {
  Run({"ACL", "SETUSER", "g", "on", "nopass", "+get", "~*"});
  auto g = LoginAs("g", "x");
  EXPECT_THAT(g->Run({"AUTH", "default", "x"}), IsSimple("OK"));
  EXPECT_THAT(g->Run({"AUTH", "g", "x"}), IsSimple("OK"));
  EXPECT_THAT(g->Run({"HELLO", "2", "AUTH", "default", "x"}), ArrLen(14));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "g", "auth", "x"}), IsSimple("OK"));
}

// As ACL SETUSER does, a reload that narrows a user's channels closes its
// subscribers to channels it lost (Redis 7.0 closes every connection of
// the users in the file; Runnel keeps the others).
TEST_P(AclTest, LoadThatNarrowsChannelsClosesTheirSubscribers) {
  const std::string path = data_root() + "/narrow.acl";
  std::ofstream(path) << "user default on nopass ~* &* +@all\nuser c on nopass ~* resetchannels &ch* +@all\n";
  StartServer({.args = {"--aclfile", path}});
  auto sub = Connect();
  ASSERT_THAT(sub->Run({"AUTH", "c", "x"}), IsSimple("OK"));
  ASSERT_THAT(sub->Run({"SUBSCRIBE", "ch1"}), ArrLen(3));
  auto plain = Connect();
  ASSERT_THAT(plain->Run({"AUTH", "c", "x"}), IsSimple("OK"));
  std::ofstream(path) << "user default on nopass ~* &* +@all\nuser c on nopass ~* resetchannels &news +@all\n";
  EXPECT_THAT(Run({"ACL", "LOAD"}), IsSimple("OK"));
  EXPECT_TRUE(sub->WaitForClose());
  EXPECT_THAT(plain->Run({"PING"}), IsSimple("PONG"));
}

}  // namespace
}  // namespace runnel::testing
