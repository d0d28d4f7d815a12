// ACL channel permissions (&pattern, allchannels, resetchannels,
// acl-pubsub-default) and `user` lines in the config file, through the
// real server. Replies and errors were taken from redis-server 7.0.15.
#include <fstream>

#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kNoPermChannels[] =
    "NOPERM this user has no permissions to access one of the channels used as arguments";

class AclChannelTest : public ServerTest {
 protected:
  // A client logged in as `c`: every command and key, channels ch* and news.
  std::unique_ptr<RespClient> ChannelUser() {
    EXPECT_THAT(Run({"ACL", "SETUSER", "c", "on", "nopass", "+@all", "~*", "&ch*", "&news"}), IsSimple("OK"));
    auto client = Connect();
    EXPECT_THAT(client->Run({"AUTH", "c", "x"}), IsSimple("OK"));
    return client;
  }
};
RUNNEL_BACKEND_TESTS(AclChannelTest);

TEST_P(AclChannelTest, ChannelsOutsideThePatternsAreRefused) {
  auto c = ChannelUser();
  EXPECT_THAT(c->Run({"PUBLISH", "other", "m"}), IsError(kNoPermChannels));
  EXPECT_THAT(c->Run({"SPUBLISH", "other", "m"}), IsError(kNoPermChannels));
  EXPECT_THAT(c->Run({"PUBLISH", "ch1", "m"}), IsInt(0));
  // One forbidden channel refuses the whole SUBSCRIBE.
  EXPECT_THAT(c->Run({"SUBSCRIBE", "ch1", "other"}), IsError(kNoPermChannels));
  EXPECT_THAT(c->Run({"SSUBSCRIBE", "other"}), IsError(kNoPermChannels));
  // A pattern must be one of the user's patterns, literally.
  EXPECT_THAT(c->Run({"PSUBSCRIBE", "ch1"}), IsError(kNoPermChannels));
  EXPECT_THAT(c->Run({"PSUBSCRIBE", "c*"}), IsError(kNoPermChannels));
  RespValue confirm = c->Run({"PSUBSCRIBE", "ch*"});
  ASSERT_THAT(confirm, ArrLen(3));
  EXPECT_THAT(confirm.elements[1], IsBulk("ch*"));
  // Unsubscribing is never refused.
  EXPECT_THAT(c->Run({"UNSUBSCRIBE", "other"}), ArrLen(3));
}

TEST_P(AclChannelTest, DryRunNamesTheChannel) {
  ChannelUser();
  EXPECT_THAT(Run({"ACL", "DRYRUN", "c", "publish", "other", "m"}),
              IsBulk("This user has no permissions to access the 'other' channel"));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "c", "subscribe", "ch1", "other"}),
              IsBulk("This user has no permissions to access the 'other' channel"));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "c", "psubscribe", "ch1"}),
              IsBulk("This user has no permissions to access the 'ch1' channel"));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "c", "psubscribe", "ch*"}), IsSimple("OK"));
  EXPECT_THAT(Run({"ACL", "DRYRUN", "c", "pubsub", "channels", "other"}), IsSimple("OK"));
}

TEST_P(AclChannelTest, PubsubDefaultDecidesNewUsersChannels) {
  EXPECT_THAT(*Run({"CONFIG", "GET", "acl-pubsub-default"}).Find("acl-pubsub-default"), IsBulk("resetchannels"));
  EXPECT_THAT(Run({"CONFIG", "SET", "acl-pubsub-default", "foo"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'acl-pubsub-default') - argument(s) must "
                      "be one of the following: allchannels, resetchannels"));
  Run({"ACL", "SETUSER", "before"});
  EXPECT_THAT(Run({"CONFIG", "SET", "acl-pubsub-default", "AllChannels"}), IsSimple("OK"));
  EXPECT_THAT(*Run({"CONFIG", "GET", "acl-pubsub-default"}).Find("acl-pubsub-default"), IsBulk("allchannels"));
  Run({"ACL", "SETUSER", "after"});
  Run({"ACL", "SETUSER", "r", "resetchannels", "&x", "reset"});
  EXPECT_THAT(*Run({"ACL", "GETUSER", "before"}).Find("channels"), IsBulk(""));
  EXPECT_THAT(*Run({"ACL", "GETUSER", "after"}).Find("channels"), IsBulk("&*"));
  EXPECT_THAT(*Run({"ACL", "GETUSER", "r"}).Find("channels"), IsBulk("&*"));
}

TEST_P(AclChannelTest, NarrowedChannelsCloseSubscribersOfForbiddenOnes) {
  auto c = ChannelUser();
  auto news = Connect();
  ASSERT_THAT(news->Run({"AUTH", "c", "x"}), IsSimple("OK"));
  ASSERT_THAT(c->Run({"SUBSCRIBE", "ch1"}), ArrLen(3));
  ASSERT_THAT(news->Run({"PSUBSCRIBE", "news"}), ArrLen(3));
  // Adding a pattern takes nothing away: nobody is closed.
  EXPECT_THAT(Run({"ACL", "SETUSER", "c", "&more"}), IsSimple("OK"));
  EXPECT_THAT(c->Run({"PING"}), ArrLen(2));
  EXPECT_THAT(Run({"ACL", "SETUSER", "c", "resetchannels", "&news"}), IsSimple("OK"));
  EXPECT_TRUE(c->WaitForClose());
  EXPECT_THAT(news->Run({"PING"}), ArrLen(2));
  EXPECT_THAT(Run({"PUBLISH", "ch1", "m"}), IsInt(0));
}

TEST_P(AclChannelTest, ConfigFileUserLinesDefineUsers) {
  StartServer({.config_text = "user alice on >pw ~a* &ch* +@all\nuser default on nopass ~* &* +@all -flushall\n"});
  auto alice = Connect();
  EXPECT_THAT(alice->Run({"AUTH", "alice", "pw"}), IsSimple("OK"));
  EXPECT_THAT(alice->Run({"GET", "b"}), ErrorStartsWith("NOPERM"));
  EXPECT_THAT(alice->Run({"PUBLISH", "x", "m"}), IsError(kNoPermChannels));
  EXPECT_THAT(Run({"FLUSHALL"}), IsError("NOPERM this user has no permissions to run the 'flushall' command"));
}

TEST_P(AclChannelTest, BadConfigFileUserLinesStopStartUp) {
  // The config is read before any io backend starts: one backend is enough.
  if (GetParam() != "uring") GTEST_SKIP() << "start-up errors do not depend on the io backend";
  auto bad_rule = ServerProcess::Start(
      {.backend = GetParam(), .config_text = "user alice on >pw\nuser bob on bogus\n", .expect_start = false});
  EXPECT_EQ(bad_rule->WaitForExit(std::chrono::seconds(10)), 1);
  EXPECT_THAT(bad_rule->log(), HasSubstr("at line 2"));
  EXPECT_THAT(bad_rule->log(), HasSubstr("Error in user declaration 'bogus': Syntax error"));

  auto duplicate = ServerProcess::Start(
      {.backend = GetParam(), .config_text = "user alice on\nuser alice off\n", .expect_start = false});
  EXPECT_EQ(duplicate->WaitForExit(std::chrono::seconds(10)), 1);
  EXPECT_THAT(duplicate->log(), HasSubstr("Error in user declaration 'alice': Duplicate user found. A user can "
                                          "only be defined once in config files"));

  const std::string path = data_root() + "/users.acl";
  std::ofstream(path) << "user default on nopass ~* &* +@all\n";
  auto both = ServerProcess::Start({.backend = GetParam(),
                                    .args = {"--aclfile", path},
                                    .config_text = "user alice on\n",
                                    .expect_start = false});
  EXPECT_EQ(both->WaitForExit(std::chrono::seconds(10)), 1);
  EXPECT_THAT(both->log(), HasSubstr("Configuring Redis with users defined in redis.conf and at the same setting "
                                     "an ACL file path is invalid."));
}

}  // namespace
}  // namespace runnel::testing
