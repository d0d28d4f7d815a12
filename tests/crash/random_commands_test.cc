// Random command streams against the real server (issue #9): every command
// COMMAND LIST names (subcommands too), with random arguments drawn from
// keys, numbers at the edges, stream IDs, option keywords, empty, binary and
// large strings, sent over RESP2 and RESP3, pipelined now and then. The
// server must answer every command (an error is an answer) or close the
// connection cleanly, keep answering a watchdog connection, and exit cleanly
// on SIGTERM with nothing in its log from the sanitizers.
//
// What may not run: SHUTDOWN (ends the test), CONFIG SET and ACL (could
// lock the test out or move the data directory), CLIENT REPLY (a command
// with no reply is indistinguishable from a hung one here), and blocking
// with no timeout (a BLOCK gets 1-50 ms). RUNNEL_RANDOM_COMMANDS and
// RUNNEL_RANDOM_SEED change the count and the stream for a soak.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "tests/crash/soak_settings.h"
#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

using namespace std::chrono_literals;

int CommandCount() { return static_cast<int>(SoakSetting("RUNNEL_RANDOM_COMMANDS", 3000)); }
unsigned Seed() { return SoakSetting("RUNNEL_RANDOM_SEED", 20261129); }

const std::vector<std::string> kKeys = {"k", "s", "t", "{k}x", "ch", "__keyspace@0__:k"};
const std::vector<std::string> kNumbers = {"0", "1", "2", "-1", "10", "100", "1000000", "9223372036854775807",
                                           "-9223372036854775808", "9223372036854775808", "1.5", "-0.0",
                                           "inf", "nan", "1e308", "0x10", " 1", ""};
const std::vector<std::string> kIds = {"0-0", "0-1", "1-0", "1-1", "1", "$", ">", "*", "+", "-", "(1-0",
                                       "5-*", "18446744073709551615-18446744073709551615",
                                       "18446744073709551615-*", "1-18446744073709551615", "abc-1"};
const std::vector<std::string> kWords = {
    "COUNT", "BLOCK", "STREAMS", "MAXLEN", "MINID", "~", "=", "LIMIT", "NOMKSTREAM", "EX", "PX", "EXAT", "PXAT",
    "NX", "XX", "GT", "LT", "GET", "KEEPTTL", "PERSIST", "MATCH", "TYPE", "GROUP", "JUSTID", "IDLE", "TIME",
    "RETRYCOUNT", "FORCE", "LASTID", "MKSTREAM", "ENTRIESREAD", "ENTRIESADDED", "MAXDELETEDID", "FULL", "NOACK",
    "ID", "ADDR", "LADDR", "SKIPME", "USER", "ON", "OFF", "SKIP", "SETNAME", "AUTH", "default", "stream",
    "string", "*", "?", "[a-", "\\"};

class RandomCommandsTest : public ServerTest {
 protected:
  std::string Argument(std::mt19937& random) {
    switch (random() % 9) {
      case 0:
      case 1:
        return kKeys[random() % kKeys.size()];
      case 2:
      case 3:
        return kNumbers[random() % kNumbers.size()];
      case 4:
        return kIds[random() % kIds.size()];
      case 5:
      case 6:
        return kWords[random() % kWords.size()];
      case 7: {
        std::string bytes(random() % 12, '\0');
        for (char& c : bytes) c = static_cast<char>(random());
        return bytes;
      }
      default:
        return std::string(random() % 3 == 0 ? 20000 : 40, 'v');
    }
  }

  // A random command: a name COMMAND LIST gave, then 0-7 arguments.
  std::vector<std::string> Command(const std::vector<std::string>& names, std::mt19937& random) {
    const std::string& name = names[random() % names.size()];
    std::vector<std::string> args;
    const size_t bar = name.find('|');
    args.push_back(name.substr(0, bar));
    if (bar != std::string::npos) args.push_back(name.substr(bar + 1));
    for (int n = random() % 8; n > 0; --n) args.push_back(Argument(random));
    // Never wait without a bound: a BLOCK gets a short timeout.
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (EqualsBlock(args[i])) args[i + 1] = std::to_string(1 + random() % 50);
    }
    return args;
  }
  static bool EqualsBlock(const std::string& word) {
    return word.size() == 5 && (word == "BLOCK" || word == "block");
  }
};
RUNNEL_BACKEND_TESTS(RandomCommandsTest);

TEST_P(RandomCommandsTest, RandomCommandStreamsAreAnsweredAndNeverCrashTheServer) {
  const RespValue list = Run({"COMMAND", "LIST"});
  ASSERT_EQ(list.type, RespValue::Type::kArray) << list;
  std::vector<std::string> names;
  for (const RespValue& name : list.elements) {
    const std::string& text = name.str;
    if (text == "shutdown" || text == "config" || text == "config|set" || text.rfind("acl", 0) == 0 ||
        text == "client|reply") {
      continue;
    }
    names.push_back(text);
  }
  ASSERT_GT(names.size(), 50u);

  std::mt19937 random(Seed());
  auto watchdog = Connect();
  size_t answered = 0, errors = 0, reconnects = 0;
  for (int i = 0; i < CommandCount(); ++i) {
    // Now and then a pipeline of several commands in one write.
    const int batch = random() % 10 == 0 ? 2 + random() % 8 : 1;
    std::string bytes;
    std::vector<std::vector<std::string>> sent;
    for (int b = 0; b < batch; ++b) {
      sent.push_back(Command(names, random));
      bytes += RespClient::Encode(sent.back());
    }
    client_->SendRaw(bytes);
    for (const auto& command : sent) {
      const std::optional<RespValue> reply = client_->Read(10s);
      if (!reply) {
        // Closed (QUIT, CLIENT KILL, a protocol limit) or silent: a silent
        // server is the failure, which the watchdog tells apart.
        ASSERT_THAT(watchdog->Run({"PING"}), IsSimple("PONG"))
            << "no reply to " << RespClient::Encode(command) << "\n" << server_->log();
        client_ = Connect();
        ++reconnects;
        break;
      }
      ++answered;
      if (reply->is_error()) ++errors;
    }
    if (i % 100 == 0) {
      RespValue pong = watchdog->Run({"PING"});
      if (pong.is_error() && pong.str.rfind("IO:", 0) == 0) {  // CLIENT KILL may pick it
        watchdog = Connect();
        pong = watchdog->Run({"PING"});
      }
      ASSERT_THAT(pong, IsSimple("PONG")) << server_->log();
    }
  }
  std::printf("%d command writes: %zu replies (%zu errors), %zu reconnects\n", CommandCount(), answered, errors,
              reconnects);
  client_ = Connect();
  EXPECT_THAT(Run({"PING"}), IsSimple("PONG"));
  client_.reset();
  watchdog.reset();
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
  EXPECT_EQ(server_->log().find("AddressSanitizer"), std::string::npos) << server_->log();
  EXPECT_EQ(server_->log().find("runtime error"), std::string::npos) << server_->log();
}

}  // namespace
}  // namespace runnel::testing
