// The pub/sub integration tests' shared fixture: raw byte reads, frames
// shown compactly, subscribers, and waiting for PUBSUB NUMSUB to settle.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/server_harness.h"

namespace runnel::testing {

class PubSubTestBase : public ServerTest {
 protected:
  // Reads until `client` has received exactly as many bytes as `expected`
  // (or 10 s passed) and returns them.
  static std::string ReadBytes(RespClient& client, size_t size) {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (got.size() < size && std::chrono::steady_clock::now() < deadline) {
      got += client.ReadRaw(std::chrono::milliseconds(20));
    }
    return got;
  }
  // Exactly `expected` arrives next (read up to its size: a wrong size
  // would wait out the deadline).
  static void ExpectReceived(RespClient& client, const std::string& expected) {
    EXPECT_EQ(ReadBytes(client, expected.size()), expected);
  }
  static void ExpectBytes(RespClient& client, const std::vector<std::string>& command,
                          const std::string& expected) {
    client.Send(command);
    SCOPED_TRACE(command[0]);
    ExpectReceived(client, expected);
  }
  // A frame as "*[subscribe a :1]" (RESP2 array) or ">[...]" (RESP3 push);
  // nil is "nil".
  static std::string Show(const RespValue& v) {
    switch (v.type) {
      case RespValue::Type::kArray:
      case RespValue::Type::kPush: {
        std::string out = v.type == RespValue::Type::kArray ? "*[" : ">[";
        for (size_t i = 0; i < v.elements.size(); ++i) out += (i ? " " : "") + Show(v.elements[i]);
        return out + "]";
      }
      case RespValue::Type::kInteger:
        return ":" + std::to_string(v.integer);
      case RespValue::Type::kNull:
        return "nil";
      case RespValue::Type::kError:
        return "-" + v.str;
      default:
        return v.str;
    }
  }
  static std::string Next(RespClient& client) {
    std::optional<RespValue> v = client.Read(std::chrono::seconds(10));
    return v ? Show(*v) : "(nothing)";
  }
  std::unique_ptr<RespClient> Subscriber(const std::vector<std::string>& command) {
    auto client = Connect();
    client->Send(command);
    for (size_t i = 1; i < command.size(); ++i) client->Read();
    return client;
  }
  // PUBSUB NUMSUB of one channel.
  int64_t NumSub(const std::string& channel) {
    RespValue v = Run({"PUBSUB", "NUMSUB", channel});
    return v.elements.size() == 2 ? v.elements[1].integer : -1;
  }
  // Waits until `channel` has `n` subscribers (a close is seen asynchronously).
  bool WaitForNumSub(const std::string& channel, int64_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (NumSub(channel) == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
};

}  // namespace runnel::testing
