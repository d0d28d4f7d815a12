// Pub/sub at its limits through the real server: subscribers that do not
// read are disconnected by `client-output-buffer-limit` (hard and soft) and
// everyone else goes on; the same limit for normal clients; and a fan-out of
// 10,000 channels to 1,000 subscribers.
#include <sys/resource.h>
#include <sys/socket.h>

#include <string>
#include <vector>

#include "tests/integration/pubsub_test_support.h"

namespace runnel::testing {
namespace {

class PubSubLimitsTest : public PubSubTestBase {
 protected:
  // A subscriber that never reads, with a small kernel receive buffer so
  // the server's output for it grows soon.
  std::unique_ptr<RespClient> DeafSubscriber(const std::string& channel) {
    auto client = Subscriber({"SUBSCRIBE", channel});
    int bytes = 4096;
    setsockopt(client->fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    return client;
  }
  int64_t StatsField(const std::string& field) { return std::stoll("0" + InfoField("stats", field)); }
  // Publishes `count` messages of `size` bytes to `channel`, pipelined, and
  // returns the receiver counts PUBLISH answered.
  std::vector<int64_t> PublishMany(const std::string& channel, int count, size_t size) {
    const std::string payload(size, 'p');
    std::string pipeline;
    for (int i = 0; i < count; ++i) pipeline += RespClient::Encode({"PUBLISH", channel, payload});
    client_->SendRaw(pipeline);
    std::vector<int64_t> receivers;
    for (int i = 0; i < count; ++i) receivers.push_back(client_->Read().value_or(RespValue{}).integer);
    return receivers;
  }
};
RUNNEL_BACKEND_TESTS(PubSubLimitsTest);

TEST_P(PubSubLimitsTest, ConfigSetTakesOnlyTheNamedClassesAndRefusesBadValues) {
  ASSERT_THAT(Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 2k 5"}), IsSimple("OK"));
  EXPECT_EQ(Run({"CONFIG", "GET", "client-output-buffer-limit"}).elements[1].str,
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2000 5");
  const std::string prefix = "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
  EXPECT_THAT(Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 2k"}),
              IsError(prefix + "Wrong number of arguments in buffer limit configuration."));
  EXPECT_THAT(Run({"CONFIG", "SET", "client-output-buffer-limit", "foo 1mb 2k 4"}),
              IsError(prefix + "Invalid client class specified in buffer limit configuration."));
  EXPECT_THAT(Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2k -4"}),
              IsError(prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration."));
  EXPECT_EQ(Run({"CONFIG", "GET", "client-output-buffer-limit"}).elements[1].str,
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2000 5");
}

TEST_P(PubSubLimitsTest, ASubscriberOverTheHardLimitIsDisconnectedAndOthersGoOn) {
  ASSERT_THAT(Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 4mb 0 0"}), IsSimple("OK"));
  auto deaf = DeafSubscriber("news");
  auto reader = Subscriber({"SUBSCRIBE", "news"});
  // The reader keeps up while 32 MB go to a subscriber that reads none of
  // it: far over 4 MB plus what the kernel buffers hold. The publisher
  // sends 1 MB at a time, so no more than that waits for the reader.
  constexpr int kBatches = 32;
  constexpr int kPerBatch = 64;
  constexpr int kMessages = kBatches * kPerBatch;
  int received = 0;
  std::thread reading([&] {
    for (; received < kMessages; ++received) {
      std::optional<RespValue> message = reader->Read();
      if (!message || message->elements.size() != 3 || message->elements[2].str.size() != 16 * 1024) return;
    }
  });
  std::vector<int64_t> receivers;
  for (int batch = 0; batch < kBatches; ++batch) {
    std::vector<int64_t> answered = PublishMany("news", kPerBatch, 16 * 1024);
    receivers.insert(receivers.end(), answered.begin(), answered.end());
  }
  reading.join();
  EXPECT_EQ(received, kMessages);
  EXPECT_EQ(receivers.front(), 2);
  EXPECT_EQ(receivers.back(), 1);
  EXPECT_EQ(NumSub("news"), 1);
  EXPECT_EQ(StatsField("client_output_buffer_limit_disconnections"), 1);
  // (The deaf socket itself still has what the kernel had accepted to read.)
  // The server serves on; one subscriber is left, and the deaf one's memory
  // went with it.
  EXPECT_THAT(Run({"PUBLISH", "news", "after"}), IsInt(1));
  const std::string clients = Run({"CLIENT", "LIST"}).str;
  EXPECT_EQ(clients.find(" sub=1 "), clients.rfind(" sub=1 ")) << clients;
  for (size_t at = clients.find(" omem="); at != std::string::npos; at = clients.find(" omem=", at + 1)) {
    EXPECT_LT(std::stoll(clients.substr(at + 6)), 1 << 20) << clients;  // nobody holds MBs
  }
}

TEST_P(PubSubLimitsTest, ASubscriberOverTheSoftLimitForLongerThanItsSecondsIsDisconnected) {
  ASSERT_THAT(Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 2mb 2"}), IsSimple("OK"));
  auto deaf = DeafSubscriber("news");
  // Publish until the server holds more than the soft limit for it (its
  // output memory, as CLIENT LIST's omem shows it, less the first 16 KiB).
  auto deaf_omem = [&] {
    const std::string clients = Run({"CLIENT", "LIST"}).str;
    const size_t at = clients.find(" omem=", clients.find(" sub=1 "));
    return at == std::string::npos ? -1 : std::stoll(clients.substr(at + 6));
  };
  for (int batch = 0; batch < 64 && deaf_omem() < (2 << 20) + 16 * 1024; ++batch) {
    PublishMany("news", 16, 16 * 1024);
  }
  ASSERT_GT(deaf_omem(), 2 << 20);
  // Over the soft limit, but not yet for two seconds: still subscribed.
  EXPECT_EQ(NumSub("news"), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(NumSub("news"), 1);  // the limit is checked when output is added
  PublishMany("news", 1, 16);
  EXPECT_TRUE(WaitForNumSub("news", 0));
  EXPECT_EQ(StatsField("client_output_buffer_limit_disconnections"), 1);
}

TEST_P(PubSubLimitsTest, SubscribersUnderTheLimitsAreLeftAlone) {
  ASSERT_THAT(Run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 4mb 1mb 1"}), IsSimple("OK"));
  auto reader = Subscriber({"SUBSCRIBE", "news"});
  for (int round = 0; round < 3; ++round) {
    PublishMany("news", 32, 16 * 1024);
    for (int i = 0; i < 32; ++i) ASSERT_TRUE(reader->Read().has_value());
  }
  EXPECT_EQ(NumSub("news"), 1);
  EXPECT_EQ(StatsField("client_output_buffer_limit_disconnections"), 0);
}

TEST_P(PubSubLimitsTest, TheNormalClassLimitsClientsThatPipelineAndNeverRead) {
  ASSERT_THAT(Run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"}), IsSimple("OK"));
  auto greedy = Connect();
  int bytes = 4096;
  setsockopt(greedy->fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  const std::string payload(64 * 1024, 'e');
  std::string pipeline;
  for (int i = 0; i < 256; ++i) pipeline += RespClient::Encode({"ECHO", payload});
  // Sent from a thread: should the server stop reading without closing, the
  // blocked send is woken by a shutdown below and the test fails with what
  // CLIENT LIST says, rather than hanging.
  std::thread sending([&] { greedy->SendRaw(pipeline); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (StatsField("client_output_buffer_limit_disconnections") == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(StatsField("client_output_buffer_limit_disconnections"), 1) << Run({"CLIENT", "LIST"}).str;
  shutdown(greedy->fd(), SHUT_RDWR);
  sending.join();
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
  // INFO reports the clients' memory.
  EXPECT_GT(std::stoll(InfoField("memory", "mem_clients_normal")), 0);
}

TEST_P(PubSubLimitsTest, TenThousandChannelsFanOutToAThousandSubscribers) {
  // A test of the registries and fan-out at scale, not of the I/O backend:
  // one backend is enough for its half minute under ASan.
  if (GetParam() != "uring") GTEST_SKIP() << "scale test runs on the uring backend only";
  // 1,000 subscribers and this process's connections: raise the soft limit
  // on descriptors (the server inherits it).
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < 4096 && files.rlim_max > files.rlim_cur) {
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, 4096);
    setrlimit(RLIMIT_NOFILE, &files);
    StartServer({});
  }
  constexpr int kChannels = 10000;
  constexpr int kSubscribers = 1000;
  constexpr int kChannelsEach = 100;  // every channel has 10 subscribers
  auto channel = [](int c) { return "ch:" + std::to_string(c % kChannels); };
  std::vector<std::unique_ptr<RespClient>> subscribers;
  for (int s = 0; s < kSubscribers; ++s) {
    std::vector<std::string> subscribe = {"SUBSCRIBE"};
    for (int c = 0; c < kChannelsEach; ++c) subscribe.push_back(channel(s * 10 + c));
    subscribers.push_back(Subscriber(subscribe));
  }
  EXPECT_THAT(Run({"PUBSUB", "CHANNELS"}), ArrLen(kChannels));
  EXPECT_EQ(NumSub("ch:0"), kChannelsEach * kSubscribers / kChannels);
  std::string pipeline;
  for (int c = 0; c < kChannels; ++c) pipeline += RespClient::Encode({"PUBLISH", channel(c), std::to_string(c)});
  client_->SendRaw(pipeline);
  for (int c = 0; c < kChannels; ++c) ASSERT_THAT(client_->Read().value_or(RespValue{}), IsInt(10)) << c;
  // Each subscriber gets its 100 messages, in publication order.
  for (int s = 0; s < kSubscribers; ++s) {
    std::vector<int> expected;
    for (int c = 0; c < kChannelsEach; ++c) expected.push_back((s * 10 + c) % kChannels);
    std::sort(expected.begin(), expected.end());
    for (int c : expected) {
      ASSERT_EQ(Next(*subscribers[s]), "*[message ch:" + std::to_string(c) + " " + std::to_string(c) + "]") << s;
    }
  }
  subscribers.clear();
  EXPECT_TRUE(WaitForNumSub("ch:0", 0));
  EXPECT_THAT(Run({"PUBSUB", "CHANNELS"}), ArrLen(0));
}

}  // namespace
}  // namespace runnel::testing
