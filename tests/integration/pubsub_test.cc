// Ephemeral pub/sub through the real server: SUBSCRIBE, UNSUBSCRIBE,
// PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the sharded SSUBSCRIBE, SUNSUBSCRIBE,
// SPUBLISH, and PUBSUB, frames byte for byte as
// redis-server 7 sends them in RESP2 and RESP3, the RESP2 subscribed-mode
// restrictions, cleanup when a subscriber leaves, ordering and fan-out.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/pubsub_test_support.h"

namespace runnel::testing {
namespace {

using ::testing::HasSubstr;

class PubSubTest : public PubSubTestBase {};
RUNNEL_BACKEND_TESTS(PubSubTest);

TEST_P(PubSubTest, SubscribeConfirmsEachChannelWithTheRunningCountInResp2) {
  auto sub = Connect();
  ExpectBytes(*sub, {"SUBSCRIBE", "x", "y"},
              "*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\ny\r\n:2\r\n");
  ExpectBytes(*sub, {"PSUBSCRIBE", "x*"}, "*3\r\n$10\r\npsubscribe\r\n$2\r\nx*\r\n:3\r\n");
  // Subscribing again changes nothing but still confirms.
  ExpectBytes(*sub, {"SUBSCRIBE", "x"}, "*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:3\r\n");
  EXPECT_THAT(Run({"PUBLISH", "x", "m"}), IsInt(2));
  ExpectReceived(*sub, "*3\r\n$7\r\nmessage\r\n$1\r\nx\r\n$1\r\nm\r\n"
                       "*4\r\n$8\r\npmessage\r\n$2\r\nx*\r\n$1\r\nx\r\n$1\r\nm\r\n");
  ExpectBytes(*sub, {"UNSUBSCRIBE", "nope"}, "*3\r\n$11\r\nunsubscribe\r\n$4\r\nnope\r\n:3\r\n");
  ExpectBytes(*sub, {"PUNSUBSCRIBE", "x*"}, "*3\r\n$12\r\npunsubscribe\r\n$2\r\nx*\r\n:2\r\n");
}

TEST_P(PubSubTest, Resp3SendsPushFramesAndRunsAnyCommandWhileSubscribed) {
  auto sub = Connect();
  sub->Run({"HELLO", "3"});
  ExpectBytes(*sub, {"UNSUBSCRIBE"}, ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
  ExpectBytes(*sub, {"SUBSCRIBE", "x"}, ">3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n");
  ExpectBytes(*sub, {"PSUBSCRIBE", "*"}, ">3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:2\r\n");
  ExpectBytes(*sub, {"PING"}, "+PONG\r\n");
  ExpectBytes(*sub, {"ECHO", "e"}, "$1\r\ne\r\n");
  EXPECT_THAT(Run({"PUBLISH", "x", "m"}), IsInt(2));
  ExpectReceived(*sub, ">3\r\n$7\r\nmessage\r\n$1\r\nx\r\n$1\r\nm\r\n"
                       ">4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\nx\r\n$1\r\nm\r\n");
  // Its own PUBLISH: the pushes follow the reply, as in Redis 7.2 (7.0 sent
  // them first).
  ExpectBytes(*sub, {"PUBLISH", "x", "self"},
              ":2\r\n>3\r\n$7\r\nmessage\r\n$1\r\nx\r\n$4\r\nself\r\n"
              ">4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\nx\r\n$4\r\nself\r\n");
}

TEST_P(PubSubTest, UnsubscribeWithNothingSubscribedAnswersANilChannelAndZero) {
  auto client = Connect();
  ExpectBytes(*client, {"UNSUBSCRIBE"}, "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  ExpectBytes(*client, {"PUNSUBSCRIBE"}, "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
  // Not subscribed afterwards: an ordinary command runs.
  EXPECT_THAT(client->Run({"ECHO", "ok"}), IsBulk("ok"));
}

TEST_P(PubSubTest, UnsubscribeWithoutArgumentsLeavesEveryChannelButKeepsPatterns) {
  auto sub = Subscriber({"SUBSCRIBE", "a", "b", "c"});
  sub->Send({"PSUBSCRIBE", "p*"});
  EXPECT_EQ(Next(*sub), "*[psubscribe p* :4]");
  sub->Send({"UNSUBSCRIBE"});
  std::vector<std::string> left;
  for (int expected_count = 3; expected_count >= 1; --expected_count) {
    std::optional<RespValue> frame = sub->Read();
    ASSERT_TRUE(frame.has_value());
    ASSERT_EQ(frame->elements.size(), 3u) << Show(*frame);
    EXPECT_EQ(frame->elements[0].str, "unsubscribe");
    left.push_back(frame->elements[1].str);
    EXPECT_THAT(frame->elements[2], IsInt(expected_count));
  }
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(NumSub("a"), 0);
  EXPECT_THAT(Run({"PUBSUB", "NUMPAT"}), IsInt(1));
  // Still subscribed to a pattern: still in subscribed mode, and no stray
  // frame came before PING's answer.
  sub->Send({"PING"});
  EXPECT_EQ(Next(*sub), "*[pong ]");
}

TEST_P(PubSubTest, PunsubscribeWithoutArgumentsLeavesEveryPattern) {
  auto sub = Subscriber({"PSUBSCRIBE", "a*", "b*"});
  sub->Send({"PUNSUBSCRIBE"});
  std::string first = Next(*sub), second = Next(*sub);
  EXPECT_THAT(first, HasSubstr(":1]"));
  EXPECT_THAT(second, HasSubstr(":0]"));
  EXPECT_THAT(Run({"PUBSUB", "NUMPAT"}), IsInt(0));
  EXPECT_THAT(sub->Run({"ECHO", "back"}), IsBulk("back"));
}

TEST_P(PubSubTest, PublishCountsChannelAndPatternReceivers) {
  EXPECT_THAT(Run({"PUBLISH", "news", "lost"}), IsInt(0));
  auto by_channel = Subscriber({"SUBSCRIBE", "news"});
  auto by_pattern = Subscriber({"PSUBSCRIBE", "n*"});
  auto by_both = Subscriber({"SUBSCRIBE", "news"});
  by_both->Send({"PSUBSCRIBE", "n*", "*s"});
  by_both->Read();
  by_both->Read();
  EXPECT_THAT(Run({"PUBLISH", "news", "hi"}), IsInt(5));
  EXPECT_EQ(Next(*by_channel), "*[message news hi]");
  EXPECT_EQ(Next(*by_pattern), "*[pmessage n* news hi]");
  // Channel subscribers first, then each matching pattern.
  EXPECT_EQ(Next(*by_both), "*[message news hi]");
  std::vector<std::string> patterns = {Next(*by_both), Next(*by_both)};
  std::sort(patterns.begin(), patterns.end());
  EXPECT_EQ(patterns, (std::vector<std::string>{"*[pmessage *s news hi]", "*[pmessage n* news hi]"}));
  EXPECT_THAT(Run({"PUBLISH", "other", "x"}), IsInt(0));
}

TEST_P(PubSubTest, PatternsFollowRedisGlobRules) {
  auto sub = Subscriber({"PSUBSCRIBE", "h?llo", "h[^e]llo", "h[a-b]llo", "h\\*llo", "x[\\]]y"});
  struct Case {
    std::string channel;
    std::vector<std::string> patterns;  // those that match, in subscription order
  };
  std::vector<Case> cases = {
      {"hello", {"h?llo"}},
      {"hallo", {"h?llo", "h[^e]llo", "h[a-b]llo"}},
      {"hxllo", {"h?llo", "h[^e]llo"}},
      {"h*llo", {"h?llo", "h[^e]llo", "h\\*llo"}},
      {"hllo", {}},
      {"x]y", {"x[\\]]y"}},
      {"xay", {}},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Run({"PUBLISH", c.channel, "m"}), IsInt(static_cast<int64_t>(c.patterns.size()))) << c.channel;
    std::vector<std::string> got;
    for (size_t i = 0; i < c.patterns.size(); ++i) got.push_back(Next(*sub));
    std::vector<std::string> want;
    for (const std::string& p : c.patterns) want.push_back("*[pmessage " + p + " " + c.channel + " m]");
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << c.channel;
  }
}

TEST_P(PubSubTest, Resp2SubscriberMayRunOnlySubscriptionCommandsPingQuitAndReset) {
  auto sub = Subscriber({"SUBSCRIBE", "x"});
  EXPECT_THAT(sub->Run({"XLEN", "k"}),
              IsError("ERR Can't execute 'xlen': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                      "are allowed in this context"));
  EXPECT_THAT(sub->Run({"CLIENT", "LIST"}),
              IsError("ERR Can't execute 'client|list': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                      "RESET are allowed in this context"));
  EXPECT_THAT(sub->Run({"MULTI"}), ErrorStartsWith("ERR Can't execute 'multi'"));
  // An unknown command is still an unknown command.
  EXPECT_THAT(sub->Run({"NOPE"}), ErrorStartsWith("ERR unknown command 'NOPE'"));
  ExpectBytes(*sub, {"PING"}, "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  ExpectBytes(*sub, {"PING", "hi"}, "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
  ExpectBytes(*sub, {"UNSUBSCRIBE", "x"}, "*3\r\n$11\r\nunsubscribe\r\n$1\r\nx\r\n:0\r\n");
  // Back to normal once nothing is subscribed.
  ExpectBytes(*sub, {"PING"}, "+PONG\r\n");
  EXPECT_THAT(sub->Run({"ECHO", "e"}), IsBulk("e"));
}

TEST_P(PubSubTest, ExecRunsItsWholeQueueAfterAQueuedSubscribe) {
  auto client = Connect();
  client->Run({"MULTI"});
  client->Run({"SUBSCRIBE", "x"});
  client->Run({"PING"});
  client->Run({"ECHO", "e"});
  ExpectBytes(*client, {"EXEC"},
              "*3\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n$1\r\ne\r\n");
  EXPECT_THAT(client->Run({"ECHO", "e"}), ErrorStartsWith("ERR Can't execute 'echo'"));
}

TEST_P(PubSubTest, ResetLeavesEverySubscriptionSilently) {
  auto sub = Subscriber({"SUBSCRIBE", "x", "y"});
  sub->Send({"PSUBSCRIBE", "p*"});
  sub->Read();
  sub->Send({"SSUBSCRIBE", "s"});
  sub->Read();
  ExpectBytes(*sub, {"RESET"}, "+RESET\r\n");
  EXPECT_EQ(Show(Run({"PUBSUB", "SHARDNUMSUB", "s"})), "*[s :0]");
  EXPECT_EQ(NumSub("x"), 0);
  EXPECT_EQ(NumSub("y"), 0);
  EXPECT_THAT(Run({"PUBSUB", "NUMPAT"}), IsInt(0));
  EXPECT_THAT(Run({"PUBLISH", "x", "m"}), IsInt(0));
  EXPECT_THAT(sub->Run({"ECHO", "e"}), IsBulk("e"));
}

TEST_P(PubSubTest, DisconnectQuitAndClientKillDropEverySubscription) {
  {
    auto sub = Subscriber({"SUBSCRIBE", "gone", "other"});
    EXPECT_EQ(NumSub("gone"), 1);
  }
  EXPECT_TRUE(WaitForNumSub("gone", 0));
  EXPECT_TRUE(WaitForNumSub("other", 0));

  auto quitter = Subscriber({"SUBSCRIBE", "gone"});
  EXPECT_THAT(quitter->Run({"QUIT"}), IsSimple("OK"));
  EXPECT_TRUE(quitter->WaitForClose());
  EXPECT_TRUE(WaitForNumSub("gone", 0));

  auto killed = Subscriber({"PSUBSCRIBE", "g*"});
  killed->Send({"SUBSCRIBE", "gone"});
  killed->Read();
  killed->Send({"SSUBSCRIBE", "shard"});
  killed->Read();
  RespValue list = Run({"CLIENT", "LIST", "TYPE", "pubsub"});
  ASSERT_THAT(list.str, HasSubstr("sub=1 psub=1 ssub=1 "));
  ASSERT_THAT(list.str, HasSubstr("flags=P "));
  std::string id = list.str.substr(3, list.str.find(' ') - 3);
  EXPECT_THAT(Run({"CLIENT", "KILL", "ID", id}), IsInt(1));
  EXPECT_TRUE(killed->WaitForClose());
  EXPECT_TRUE(WaitForNumSub("gone", 0));
  EXPECT_THAT(Run({"PUBSUB", "NUMPAT"}), IsInt(0));
  EXPECT_THAT(Run({"PUBSUB", "SHARDCHANNELS"}), ArrLen(0));
  EXPECT_THAT(Run({"PUBLISH", "gone", "m"}), IsInt(0));
}

TEST_P(PubSubTest, APublishPipelinedAfterClientKillNoLongerCountsTheVictim) {
  auto victim = Subscriber({"SUBSCRIBE", "ch"});
  RespValue list = Run({"CLIENT", "LIST", "TYPE", "pubsub"});
  std::string id = list.str.substr(3, list.str.find(' ') - 3);
  client_->SendRaw(RespClient::Encode({"CLIENT", "KILL", "ID", id}) + RespClient::Encode({"PUBLISH", "ch", "m"}));
  EXPECT_THAT(client_->Read().value_or(RespValue{}), IsInt(1));
  EXPECT_THAT(client_->Read().value_or(RespValue{}), IsInt(0));
  EXPECT_TRUE(victim->WaitForClose());
}

TEST_P(PubSubTest, ClientListShowsSubscriptionCountsAndType) {
  auto sub = Subscriber({"SUBSCRIBE", "a", "b"});
  sub->Send({"PSUBSCRIBE", "c*"});
  sub->Read();
  RespValue pubsub_clients = Run({"CLIENT", "LIST", "TYPE", "pubsub"});
  EXPECT_THAT(pubsub_clients.str, HasSubstr(" flags=P db=0 sub=2 psub=1 ssub=0 "));
  RespValue normal_clients = Run({"CLIENT", "LIST", "TYPE", "normal"});
  EXPECT_THAT(normal_clients.str, HasSubstr(" flags=N db=0 sub=0 psub=0 ssub=0 "));
  EXPECT_EQ(std::count(normal_clients.str.begin(), normal_clients.str.end(), '\n'), 1);
}

TEST_P(PubSubTest, InfoCountsSubscribersChannelsAndPatterns) {
  EXPECT_EQ(InfoField("stats", "pubsub_channels"), "0");
  auto one = Subscriber({"SUBSCRIBE", "a", "b"});
  auto two = Subscriber({"SUBSCRIBE", "b"});
  two->Send({"PSUBSCRIBE", "p*"});
  two->Read();
  auto three = Subscriber({"SSUBSCRIBE", "s"});
  EXPECT_EQ(InfoField("stats", "pubsub_channels"), "2");
  EXPECT_EQ(InfoField("stats", "pubsub_patterns"), "1");
  EXPECT_EQ(InfoField("stats", "pubsubshard_channels"), "1");
  EXPECT_EQ(InfoField("clients", "pubsub_clients"), "3");
}

TEST_P(PubSubTest, PubsubIntrospection) {
  auto one = Subscriber({"SUBSCRIBE", "news.tech", "news.art", "weather"});
  auto two = Subscriber({"SUBSCRIBE", "news.tech"});
  auto three = Subscriber({"PSUBSCRIBE", "news.*", "x", "news.*"});
  RespValue all = Run({"PUBSUB", "CHANNELS"});
  ASSERT_THAT(all, ArrLen(3));
  RespValue news = Run({"PUBSUB", "CHANNELS", "news.*"});
  ASSERT_THAT(news, ArrLen(2));
  std::vector<std::string> names = {news.elements[0].str, news.elements[1].str};
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"news.art", "news.tech"}));
  EXPECT_EQ(Show(Run({"PUBSUB", "NUMSUB", "news.tech", "weather", "none"})),
            "*[news.tech :2 weather :1 none :0]");
  EXPECT_EQ(Show(Run({"PUBSUB", "NUMSUB"})), "*[]");
  EXPECT_THAT(Run({"PUBSUB", "NUMPAT"}), IsInt(2));
  EXPECT_THAT(Run({"PUBSUB", "CHANNELS", "a", "b"}),
              IsError("ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."));
  EXPECT_THAT(Run({"PUBSUB", "NUMPAT", "x"}), IsError("ERR wrong number of arguments for 'pubsub|numpat' command"));
  EXPECT_THAT(Run({"PUBSUB"}), IsError("ERR wrong number of arguments for 'pubsub' command"));
  RespValue help = Run({"PUBSUB", "HELP"});
  ASSERT_THAT(help, ArrLen(14));
  EXPECT_THAT(help.elements[0], IsSimple("PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_THAT(help.elements[13], IsSimple("    Prints this help."));
  // In RESP3 NUMSUB stays a flat array, as in Redis.
  Run({"HELLO", "3"});
  EXPECT_EQ(Show(Run({"PUBSUB", "NUMSUB", "weather"})), "*[weather :1]");
}

TEST_P(PubSubTest, ArityAndCommandInfoMatchRedis) {
  EXPECT_THAT(Run({"SUBSCRIBE"}), IsError("ERR wrong number of arguments for 'subscribe' command"));
  EXPECT_THAT(Run({"PSUBSCRIBE"}), IsError("ERR wrong number of arguments for 'psubscribe' command"));
  EXPECT_THAT(Run({"PUBLISH", "x"}), IsError("ERR wrong number of arguments for 'publish' command"));
  RespValue info = Run({"COMMAND", "INFO", "subscribe", "publish"});
  ASSERT_THAT(info, ArrLen(2));
  EXPECT_EQ(Show(info.elements[0]).substr(0, 64), "*[subscribe :-2 *[pubsub noscript loading stale] :0 :0 :0 *[@pub");
  EXPECT_EQ(Show(info.elements[1]).substr(0, 62), "*[publish :3 *[pubsub loading stale fast] :0 :0 :0 *[@pubsub @");
}

TEST_P(PubSubTest, ShardChannelsAreCountedApartAndGetSmessageFrames) {
  auto sub = Connect();
  ExpectBytes(*sub, {"SUNSUBSCRIBE"}, "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n");
  ExpectBytes(*sub, {"SSUBSCRIBE", "x", "y"},
              "*3\r\n$10\r\nssubscribe\r\n$1\r\nx\r\n:1\r\n*3\r\n$10\r\nssubscribe\r\n$1\r\ny\r\n:2\r\n");
  // Channels and patterns count apart from shard channels (Redis 7.0).
  ExpectBytes(*sub, {"SUBSCRIBE", "x"}, "*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n");
  ExpectBytes(*sub, {"PSUBSCRIBE", "*"}, "*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:2\r\n");
  ExpectBytes(*sub, {"SSUBSCRIBE", "z"}, "*3\r\n$10\r\nssubscribe\r\n$1\r\nz\r\n:3\r\n");
  // SPUBLISH reaches shard subscribers only; PUBLISH never reaches them.
  EXPECT_THAT(Run({"SPUBLISH", "x", "m"}), IsInt(1));
  ExpectReceived(*sub, "*3\r\n$8\r\nsmessage\r\n$1\r\nx\r\n$1\r\nm\r\n");
  EXPECT_THAT(Run({"PUBLISH", "x", "m"}), IsInt(2));
  EXPECT_EQ(Next(*sub), "*[message x m]");
  EXPECT_EQ(Next(*sub), "*[pmessage * x m]");
  EXPECT_THAT(Run({"SPUBLISH", "none", "m"}), IsInt(0));

  RespValue all = Run({"PUBSUB", "SHARDCHANNELS"});
  ASSERT_THAT(all, ArrLen(3));
  EXPECT_EQ(Show(Run({"PUBSUB", "SHARDCHANNELS", "z*"})), "*[z]");
  EXPECT_EQ(Show(Run({"PUBSUB", "SHARDNUMSUB", "x", "q"})), "*[x :1 q :0]");
  EXPECT_EQ(Show(Run({"PUBSUB", "NUMSUB", "z"})), "*[z :0]");
  EXPECT_THAT(Run({"PUBSUB", "SHARDCHANNELS", "a", "b"}),
              IsError("ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP."));
  EXPECT_THAT(Run({"CLIENT", "LIST", "TYPE", "pubsub"}).str, HasSubstr(" flags=P db=0 sub=1 psub=1 ssub=3 "));

  ExpectBytes(*sub, {"SUNSUBSCRIBE", "q"}, "*3\r\n$12\r\nsunsubscribe\r\n$1\r\nq\r\n:3\r\n");
  sub->Send({"SUNSUBSCRIBE"});
  std::vector<std::string> frames = {Next(*sub), Next(*sub), Next(*sub)};
  EXPECT_THAT(frames[0], HasSubstr(" :2]"));
  EXPECT_THAT(frames[1], HasSubstr(" :1]"));
  EXPECT_THAT(frames[2], HasSubstr(" :0]"));
  EXPECT_THAT(Run({"PUBSUB", "SHARDCHANNELS"}), ArrLen(0));
  // Still subscribed to a channel and a pattern.
  ExpectBytes(*sub, {"PING"}, "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
}

TEST_P(PubSubTest, ShardSubscriptionsAloneMakeASubscriberAndLeaveWithIt) {
  auto sub = Connect();
  sub->Run({"HELLO", "3"});
  ExpectBytes(*sub, {"SSUBSCRIBE", "s"}, ">3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n");
  EXPECT_THAT(Run({"SPUBLISH", "s", "m"}), IsInt(1));
  ExpectReceived(*sub, ">3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$1\r\nm\r\n");
  sub->Run({"HELLO", "2"});
  EXPECT_THAT(sub->Run({"ECHO", "e"}), ErrorStartsWith("ERR Can't execute 'echo'"));
  sub.reset();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Show(Run({"PUBSUB", "SHARDNUMSUB", "s"})) != "*[s :0]" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(Show(Run({"PUBSUB", "SHARDNUMSUB", "s"})), "*[s :0]");
}

TEST_P(PubSubTest, SsubscribeInsideExecIsRefusedAsRedis70Does) {
  Run({"MULTI"});
  Run({"SSUBSCRIBE", "x"});
  Run({"SUBSCRIBE", "y"});
  RespValue exec = Run({"EXEC"});
  EXPECT_EQ(Show(exec), "*[-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client *[subscribe y :1]]");
  Run({"RESET"});
  EXPECT_EQ(Show(Run({"PUBSUB", "SHARDNUMSUB", "x"})), "*[x :0]");
}

TEST_P(PubSubTest, ShardChannelsAreNotKeys) {
  RespValue info = Run({"COMMAND", "INFO", "spublish"});
  ASSERT_THAT(info, ArrLen(1));
  EXPECT_THAT(Show(info.elements[0]), HasSubstr("*[spublish :3 *[pubsub loading stale fast] :1 :1 :1 "));
  EXPECT_THAT(Show(info.elements[0]), HasSubstr("not_key"));
  EXPECT_THAT(Run({"COMMAND", "GETKEYS", "SPUBLISH", "x", "m"}), IsError("ERR The command has no key arguments"));
  EXPECT_THAT(Run({"SSUBSCRIBE"}), IsError("ERR wrong number of arguments for 'ssubscribe' command"));
  EXPECT_THAT(Run({"SPUBLISH", "x"}), IsError("ERR wrong number of arguments for 'spublish' command"));
}

TEST_P(PubSubTest, MessagesFromOnePublisherArriveInOrder) {
  auto sub = Subscriber({"SUBSCRIBE", "seq"});
  auto publisher = Connect();
  constexpr int kMessages = 5000;
  std::string pipeline;
  for (int i = 0; i < kMessages; ++i) pipeline += RespClient::Encode({"PUBLISH", "seq", std::to_string(i)});
  publisher->SendRaw(pipeline);
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_EQ(Next(*sub), "*[message seq " + std::to_string(i) + "]");
    ASSERT_THAT(publisher->Read().value_or(RespValue{}), IsInt(1));
  }
}

TEST_P(PubSubTest, FanOutOfAThousandChannelsToAHundredSubscribers) {
  constexpr int kChannels = 1000;
  constexpr int kSubscribers = 100;
  std::vector<std::string> subscribe = {"SUBSCRIBE"};
  for (int c = 0; c < kChannels; ++c) subscribe.push_back("ch:" + std::to_string(c));
  std::vector<std::unique_ptr<RespClient>> subscribers;
  for (int s = 0; s < kSubscribers; ++s) subscribers.push_back(Subscriber(subscribe));
  EXPECT_EQ(NumSub("ch:999"), kSubscribers);
  EXPECT_THAT(Run({"PUBSUB", "CHANNELS", "ch:*"}), ArrLen(kChannels));
  std::string pipeline;
  for (int c = 0; c < kChannels; ++c) pipeline += RespClient::Encode({"PUBLISH", "ch:" + std::to_string(c), "v"});
  client_->SendRaw(pipeline);
  for (int c = 0; c < kChannels; ++c) ASSERT_THAT(client_->Read().value_or(RespValue{}), IsInt(kSubscribers));
  // Every subscriber gets every message, in publication order.
  for (auto& sub : subscribers) {
    for (int c = 0; c < kChannels; ++c) ASSERT_EQ(Next(*sub), "*[message ch:" + std::to_string(c) + " v]");
  }
  subscribers.clear();
  EXPECT_TRUE(WaitForNumSub("ch:0", 0));
  EXPECT_THAT(Run({"PUBSUB", "CHANNELS"}), ArrLen(0));
}

}  // namespace
}  // namespace runnel::testing
