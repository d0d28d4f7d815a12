// Keyspace notifications through the real server: `notify-keyspace-events`
// parsed and printed as Redis does, the events of stream, group and generic
// commands and of expiry, in the order redis-server 7.0.15 sends them (the
// sequences below were recorded from it), and pushes to a RESP3 client about
// its own commands arriving after their replies (Redis 7.2).
#include <string>
#include <vector>

#include "tests/integration/pubsub_test_support.h"

namespace runnel::testing {
namespace {

class KeyspaceEventsTest : public PubSubTestBase {
 protected:
  // A connection listening to every event of database 0 as "event key".
  std::unique_ptr<RespClient> EventListener() { return Subscriber({"PSUBSCRIBE", "__keyevent@0__:*"}); }
  // The next `n` events heard by an EventListener, as "event key".
  static std::vector<std::string> Events(RespClient& listener, size_t n) {
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i) {
      std::optional<RespValue> v = listener.Read(std::chrono::seconds(10));
      if (!v || v->elements.size() != 4) {
        out.push_back(v ? Show(*v) : "(nothing)");
        continue;
      }
      std::string channel = v->elements[2].str;
      out.push_back(channel.substr(channel.find(':') + 1) + " " + v->elements[3].str);
    }
    return out;
  }
  // Nothing more arrives within a short wait.
  static bool Quiet(RespClient& listener) { return listener.ReadRaw(std::chrono::milliseconds(100)).empty(); }
};
RUNNEL_BACKEND_TESTS(KeyspaceEventsTest);

TEST_P(KeyspaceEventsTest, ConfigTakesRedisFlagLettersAndPrintsThemCanonically) {
  EXPECT_THAT(Run({"CONFIG", "GET", "notify-keyspace-events"}), ArrLen(2));
  EXPECT_EQ(Run({"CONFIG", "GET", "notify-keyspace-events"}).elements[1].str, "");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"KEA", "AKE"}, {"K$xtg", "g$xtK"}, {"Agn", "A"}, {"gn", "gn"}, {"Em", "Em"}, {"", ""}};
  for (const auto& [set, shown] : cases) {
    EXPECT_THAT(Run({"CONFIG", "SET", "notify-keyspace-events", set}), IsSimple("OK")) << set;
    EXPECT_EQ(Run({"CONFIG", "GET", "notify-keyspace-events"}).elements[1].str, shown) << set;
  }
  EXPECT_THAT(Run({"CONFIG", "SET", "notify-keyspace-events", "Kq"}),
              IsError("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid "
                      "event class character. Use 'Ag$lshzxeKEtmdn'."));
}

TEST_P(KeyspaceEventsTest, NothingIsSentWhileNotificationsAreOff) {
  auto listener = EventListener();
  Run({"XADD", "s", "*", "f", "v"});
  Run({"DEL", "s"});
  EXPECT_TRUE(Quiet(*listener));
}

TEST_P(KeyspaceEventsTest, StreamAndGenericCommandsNotifyAsRedisDoes) {
  ASSERT_THAT(Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}), IsSimple("OK"));
  auto listener = EventListener();
  Run({"XADD", "s", "MAXLEN", "1", "*", "a", "1"});
  Run({"XADD", "s", "MAXLEN", "1", "*", "a", "1"});
  Run({"XADD", "missing", "NOMKSTREAM", "*", "a", "1"});  // nothing: no stream
  Run({"CONFIG", "SET", "notify-keyspace-events", "KEAn"});
  Run({"XADD", "s2", "*", "a", "1"});
  Run({"RENAME", "s2", "s3"});
  Run({"RENAME", "s3", "s"});
  Run({"EXPIRE", "s", "100"});
  Run({"PERSIST", "s"});
  Run({"PEXPIRE", "s", "-1"});  // in the past: a delete
  EXPECT_EQ(Events(*listener, 14), (std::vector<std::string>{
                                       "xadd s",
                                       "xadd s",
                                       "xtrim s",
                                       "new s2",
                                       "xadd s2",
                                       "new s3",
                                       "rename_from s2",
                                       "rename_to s3",
                                       "new s",
                                       "rename_from s3",
                                       "rename_to s",
                                       "expire s",
                                       "persist s",
                                       "del s",
                                   }));
  Run({"XGROUP", "CREATE", "s3", "g", "$", "MKSTREAM"});
  Run({"XGROUP", "CREATECONSUMER", "s3", "g", "c"});
  Run({"XGROUP", "CREATECONSUMER", "s3", "g", "c"});  // exists: nothing
  Run({"XGROUP", "DELCONSUMER", "s3", "g", "nobody"});  // nothing
  Run({"XGROUP", "SETID", "s3", "g", "0"});
  Run({"XGROUP", "DESTROY", "s3", "g"});
  Run({"XGROUP", "DESTROY", "s3", "g"});  // gone: nothing
  Run({"XSETID", "s3", "5-5"});
  Run({"XDEL", "s3", "1-1"});            // deletes nothing: nothing
  Run({"XTRIM", "s3", "MAXLEN", "0"});  // trims nothing: nothing
  Run({"XADD", "s3", "*", "a", "1"});
  Run({"XTRIM", "s3", "MAXLEN", "0"});
  Run({"DEL", "s3", "nokey"});
  EXPECT_EQ(Events(*listener, 9), (std::vector<std::string>{
                                      "new s3",
                                      "xgroup-create s3",
                                      "xgroup-createconsumer s3",
                                      "xgroup-setid s3",
                                      "xgroup-destroy s3",
                                      "xsetid s3",
                                      "xadd s3",
                                      "xtrim s3",
                                      "del s3",
                                  }));
  EXPECT_TRUE(Quiet(*listener));
}

TEST_P(KeyspaceEventsTest, StringCommandsNotifyAsRedisDoes) {
  ASSERT_THAT(Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}), IsSimple("OK"));
  auto listener = EventListener();
  const std::vector<std::vector<std::string>> commands = {
      {"SET", "a", "1"},
      {"SET", "a", "2", "EX", "100"},
      {"SET", "a", "3", "NX"},  // not set: nothing
      {"SET", "a", "4", "XX", "KEEPTTL", "GET"},
      {"SETNX", "b", "1"},
      {"SETEX", "c", "100", "v"},
      {"PSETEX", "d", "100000", "v"},
      {"GETSET", "a", "5"},
      {"GETDEL", "b"},
      {"GETDEL", "nokey"},  // nothing
      {"GETEX", "a", "EX", "50"},
      {"GETEX", "a", "PERSIST"},
      {"GETEX", "a"},  // nothing
      {"GETEX", "c", "PXAT", "1"},
      {"MSET", "e", "1", "f", "2"},
      {"MSETNX", "g", "1", "e", "2"},  // e exists: nothing
      {"MSETNX", "g", "1", "h", "2"},
      {"APPEND", "a", "x"},
      {"SETRANGE", "a", "0", "y"},
      {"SETRANGE", "a", "0", ""},   // writes nothing: nothing
      {"SETRANGE", "zz", "0", ""},  // nothing
      {"INCR", "i"},
      {"DECRBY", "i", "5"},
      {"INCRBYFLOAT", "j", "1.5"},
  };
  for (const auto& command : commands) Run(command);
  // Recorded from redis-server 7.0.15.
  EXPECT_EQ(Events(*listener, 23), (std::vector<std::string>{
                                       "set a",      "set a",        "expire a", "set a",    "set b",
                                       "set c",      "expire c",     "set d",    "expire d", "set a",
                                       "del b",      "expire a",     "persist a", "del c",   "set e",
                                       "set f",      "set g",        "set h",    "append a", "setrange a",
                                       "incrby i",   "incrby i",     "incrbyfloat j",
                                   }));
  EXPECT_TRUE(Quiet(*listener));
}

TEST_P(KeyspaceEventsTest, ConsumersCreatedByReadsAndClaimsAreAnnounced) {
  ASSERT_THAT(Run({"CONFIG", "SET", "notify-keyspace-events", "Et"}), IsSimple("OK"));
  Run({"XADD", "s", "1-1", "a", "1"});
  Run({"XGROUP", "CREATE", "s", "g", "0"});
  auto listener = EventListener();
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0"});  // known consumer: nothing
  Run({"XCLAIM", "s", "g", "c3", "0", "1-1"});
  Run({"XAUTOCLAIM", "s", "g", "c4", "0", "0"});
  Run({"XGROUP", "DELCONSUMER", "s", "g", "c4"});
  Run({"XACK", "s", "g", "1-1"});  // no event
  EXPECT_EQ(Events(*listener, 4), (std::vector<std::string>{
                                      "xgroup-createconsumer s",
                                      "xgroup-createconsumer s",
                                      "xgroup-createconsumer s",
                                      "xgroup-delconsumer s",
                                  }));
  EXPECT_TRUE(Quiet(*listener));
}

// Which lookups are reads (a miss is `keymiss`) is Redis's per-command
// choice, recorded from redis-server 7.0.15: XACK and SET ... GET read,
// INCR and OBJECT do not, and XREAD looks every key up twice.
TEST_P(KeyspaceEventsTest, ReadsOfMissingKeysAreKeymissEvents) {
  ASSERT_THAT(Run({"CONFIG", "SET", "notify-keyspace-events", "Em"}), IsSimple("OK"));
  auto listener = EventListener();
  const std::vector<std::vector<std::string>> commands = {
      {"GET", "a"}, {"MGET", "a", "b"}, {"EXISTS", "a", "a"}, {"TYPE", "a"}, {"TTL", "a"}, {"STRLEN", "a"},
      {"XLEN", "a"}, {"XRANGE", "a", "-", "+"}, {"XREAD", "STREAMS", "a", "b", "0", "0"},
      {"XREAD", "COUNT", "x", "STREAMS", "a", "0"}, {"XINFO", "STREAM", "a"},
      {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", ">"}, {"XPENDING", "a", "g"}, {"XACK", "a", "g", "1-1"},
      {"SET", "s", "v", "GET"}, {"GETDEL", "a"}, {"INCR", "z"}, {"APPEND", "q", "x"},
      {"XADD", "a", "NOMKSTREAM", "*", "f", "v"}, {"XTRIM", "a", "MAXLEN", "0"}, {"OBJECT", "ENCODING", "a"},
      {"DEL", "nope"}, {"EXPIRE", "nope", "10"}, {"GET", "s"}, {"EXISTS", "last"}};
  for (const auto& command : commands) Run(command);
  EXPECT_EQ(Events(*listener, 21), (std::vector<std::string>{
                                       "keymiss a", "keymiss a", "keymiss b", "keymiss a", "keymiss a",
                                       "keymiss a", "keymiss a", "keymiss a", "keymiss a", "keymiss a",
                                       "keymiss a", "keymiss b", "keymiss a", "keymiss b", "keymiss a",
                                       "keymiss a", "keymiss a", "keymiss a", "keymiss s", "keymiss a",
                                       "keymiss last"}));
  EXPECT_TRUE(Quiet(*listener));
}

TEST_P(KeyspaceEventsTest, KeyspaceChannelsCarryTheEventAndClassesFilter) {
  ASSERT_THAT(Run({"CONFIG", "SET", "notify-keyspace-events", "Kg"}), IsSimple("OK"));
  auto listener = Subscriber({"PSUBSCRIBE", "__key*"});
  Run({"SELECT", "3"});
  Run({"XADD", "s", "*", "a", "1"});  // stream class off: nothing
  Run({"DEL", "s"});
  EXPECT_EQ(Next(*listener), "*[pmessage __key* __keyspace@3__:s del]");
  EXPECT_TRUE(Quiet(*listener));
}

TEST_P(KeyspaceEventsTest, ExpiryIsAnnouncedWhetherLazyOrActive) {
  ASSERT_THAT(Run({"CONFIG", "SET", "notify-keyspace-events", "Ex"}), IsSimple("OK"));
  auto listener = EventListener();
  Run({"XADD", "active", "*", "a", "1"});
  Run({"XADD", "lazy", "*", "a", "1"});
  Run({"PEXPIRE", "active", "30"});
  // Expired by the server's own sampling: nobody touches the key.
  EXPECT_EQ(Events(*listener, 1), std::vector<std::string>{"expired active"});
  Run({"CONFIG", "SET", "hz", "1"});
  Run({"PEXPIRE", "lazy", "1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_THAT(Run({"XLEN", "lazy"}), IsInt(0));
  EXPECT_EQ(Events(*listener, 1), std::vector<std::string>{"expired lazy"});
}

TEST_P(KeyspaceEventsTest, Resp3ClientGetsPushesAboutItsOwnCommandsAfterTheirReplies) {
  ASSERT_THAT(Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}), IsSimple("OK"));
  auto self = Connect();
  self->Run({"HELLO", "3"});
  self->Send({"SUBSCRIBE", "__keyevent@0__:xadd"});
  ASSERT_EQ(Next(*self), ">[subscribe __keyevent@0__:xadd :1]");
  ExpectBytes(*self, {"XADD", "s", "1-1", "a", "1"},
              "$3\r\n1-1\r\n>3\r\n$7\r\nmessage\r\n$19\r\n__keyevent@0__:xadd\r\n$1\r\ns\r\n");
  // Inside EXEC, after the whole array.
  self->Run({"MULTI"});
  self->Run({"XADD", "s", "2-1", "a", "1"});
  self->Run({"XLEN", "s"});
  ExpectBytes(*self, {"EXEC"},
              "*2\r\n$3\r\n2-1\r\n:2\r\n>3\r\n$7\r\nmessage\r\n$19\r\n__keyevent@0__:xadd\r\n$1\r\ns\r\n");
}

}  // namespace
}  // namespace runnel::testing
