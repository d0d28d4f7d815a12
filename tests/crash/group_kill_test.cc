// Consumer groups across SIGKILLs of the real server (issues #5, #9): a
// producer XADDs, three consumers XREADGROUP (blocking, COUNT 10) and XACK
// most of what they get, a trimmer XTRIMs entries older than 200 ms (MINID),
// and the server is killed with SIGKILL at a random moment and restarted,
// cycle after cycle on one data directory. After each restart:
//
//   - every XADD that got a reply is in the stream, unless an XTRIM was sent
//     whose MINID is above it; none is that an answered XTRIM removed;
//   - no ID was ever delivered as new ('>') twice, across all cycles;
//   - every ID whose XACK got a reply is not pending;
//   - every ID delivered as new, and whose XACK was never sent, is pending
//     and owned by the consumer it was delivered to;
//   - every entry up to the group's last-delivered ID is pending or had an
//     XACK sent (an XACK cut short by the kill may or may not have applied);
//     nothing above it is pending.
//
// SIGKILL keeps the page cache, so this proves the group journal and the log
// stay consistent with what clients were told whatever instant the process
// dies at, not durability across a power loss (docs/durability.md). The
// cycle count is small in the test suite; RUNNEL_CRASH_CYCLES raises it for
// a soak.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/crash/soak_settings.h"
#include "tests/integration/server_harness.h"
#include "tests/integration/stream_test_support.h"

namespace runnel::testing {
namespace {

using ::testing::Not;
using Id = std::pair<uint64_t, uint64_t>;

int Cycles() { return static_cast<int>(SoakSetting("RUNNEL_CRASH_CYCLES", 6)); }

bool Lost(const RespValue& reply) { return reply.is_error() && reply.str.rfind("IO", 0) == 0; }

// What one consumer saw in one cycle.
struct ConsumerLog {
  std::string name;
  std::vector<std::string> delivered;  // as new, with a reply
  std::set<std::string> ack_sent;      // XACK sent (whether or not it was answered)
  std::set<std::string> ack_replied;   // XACK answered
};

void RunConsumer(RespClient& client, ConsumerLog& log) {
  for (uint64_t batch = 0;; ++batch) {
    const RespValue reply =
        client.Run({"XREADGROUP", "GROUP", "g", log.name, "COUNT", "10", "BLOCK", "100", "STREAMS", "s", ">"});
    if (Lost(reply)) return;
    if (reply.type == RespValue::Type::kNullArray || reply.type == RespValue::Type::kNull) continue;
    ASSERT_EQ(reply.type, RespValue::Type::kArray) << reply;
    ASSERT_EQ(reply.elements.size(), 1u) << reply;
    std::vector<std::string> ack = {"XACK", "s", "g"};
    for (const std::string& id : ToIds(reply.elements[0].elements[1])) {
      log.delivered.push_back(id);
      // Leave some entries pending: they must stay pending across kills.
      if (SplitId(id).second % 7 != 3) ack.push_back(id);
    }
    if (ack.size() == 3) continue;
    log.ack_sent.insert(ack.begin() + 3, ack.end());
    const RespValue acked = client.Run(ack);
    if (Lost(acked)) return;
    ASSERT_EQ(acked.type, RespValue::Type::kInteger) << acked;
    EXPECT_EQ(acked.integer, static_cast<int64_t>(ack.size() - 3));
    log.ack_replied.insert(ack.begin() + 3, ack.end());
  }
}

class GroupKillTest : public ServerTest {};

TEST_P(GroupKillTest, GroupStateStaysConsistentAcrossSigkills) {
  extra_args_ = {"--appendfsync", "always"};
  Restart();
  ASSERT_THAT(Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}), IsSimple("OK"));

  std::mt19937 random(20261129);
  std::set<std::string> added;
  std::map<std::string, std::string> delivered_to;  // every ID delivered as new -> consumer
  std::set<std::string> ack_sent, ack_replied;
  Id trim_sent{0, 0}, trim_replied{0, 0};  // the highest MINID sent, answered
  const int cycles = Cycles();
  for (int cycle = 0; cycle < cycles; ++cycle) {
    std::vector<std::unique_ptr<RespClient>> clients;
    for (int i = 0; i < 5; ++i) clients.push_back(server_->Connect());
    std::vector<ConsumerLog> logs(3);
    std::vector<std::string> produced;
    std::vector<std::thread> threads;
    threads.emplace_back([&] {
      for (int n = 0;; ++n) {
        const RespValue reply = clients[0]->Run({"XADD", "s", "*", "n", std::to_string(n)});
        if (Lost(reply)) return;
        ASSERT_EQ(reply.type, RespValue::Type::kBulk) << reply;
        produced.push_back(reply.str);
      }
    });
    for (int c = 0; c < 3; ++c) {
      logs[c].name = "c" + std::to_string(c);
      threads.emplace_back([&, c] { RunConsumer(*clients[c + 1], logs[c]); });
    }
    threads.emplace_back([&] {
      // IDs are the server's clock, which is this machine's.
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now().time_since_epoch());
        const Id min_id{static_cast<uint64_t>(now.count()) - 200, 0};
        trim_sent = std::max(trim_sent, min_id);
        const RespValue reply =
            clients[4]->Run({"XTRIM", "s", "MINID", std::to_string(min_id.first) + "-0"});
        if (Lost(reply)) return;
        ASSERT_EQ(reply.type, RespValue::Type::kInteger) << reply;
        trim_replied = std::max(trim_replied, min_id);
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 300));
    KillAndRestart();
    for (std::thread& thread : threads) thread.join();

    added.insert(produced.begin(), produced.end());
    for (const ConsumerLog& log : logs) {
      for (const std::string& id : log.delivered) {
        EXPECT_TRUE(delivered_to.emplace(id, log.name).second)
            << id << " delivered as new twice, to " << delivered_to[id] << " and " << log.name;
      }
      ack_sent.insert(log.ack_sent.begin(), log.ack_sent.end());
      ack_replied.insert(log.ack_replied.begin(), log.ack_replied.end());
    }

    const std::vector<std::string> present = ToIds(Run({"XRANGE", "s", "-", "+"}));
    const std::set<std::string> present_set(present.begin(), present.end());
    for (const std::string& id : added) {
      if (SplitId(id) >= trim_sent) {
        ASSERT_TRUE(present_set.contains(id)) << "acknowledged XADD lost: " << id;
      } else if (SplitId(id) < trim_replied) {
        ASSERT_FALSE(present_set.contains(id)) << "acknowledged XTRIM undone: " << id;
      }
    }

    std::map<std::string, std::string> pending;  // id -> owner
    const RespValue pel = Run({"XPENDING", "s", "g", "-", "+", "1000000"});
    ASSERT_EQ(pel.type, RespValue::Type::kArray) << pel;
    for (const RespValue& row : pel.elements) {
      ASSERT_EQ(row.elements.size(), 4u) << row;
      EXPECT_GE(row.elements[3].integer, 1) << row;
      pending.emplace(row.elements[0].str, row.elements[1].str);
      // XTRIM leaves the group's pending entries alone, as in Redis.
      if (SplitId(row.elements[0].str) >= trim_sent) {
        EXPECT_TRUE(present_set.contains(row.elements[0].str)) << "pending entry not in the stream: " << row;
      }
    }
    for (const std::string& id : ack_replied) EXPECT_FALSE(pending.contains(id)) << "acknowledged but pending: " << id;
    for (const auto& [id, consumer] : delivered_to) {
      if (ack_sent.contains(id)) continue;
      auto it = pending.find(id);
      ASSERT_NE(it, pending.end()) << "delivered, never acknowledged, yet not pending: " << id;
      EXPECT_EQ(it->second, consumer) << id;
    }
    const RespValue groups = Run({"XINFO", "GROUPS", "s"});
    ASSERT_EQ(groups.type, RespValue::Type::kArray) << groups;
    ASSERT_EQ(groups.elements.size(), 1u) << groups;
    const RespValue* last = groups.elements[0].Find("last-delivered-id");
    ASSERT_NE(last, nullptr) << groups;
    const auto last_delivered = SplitId(last->str);
    for (const std::string& id : present) {
      if (SplitId(id) <= last_delivered) {
        EXPECT_TRUE(pending.contains(id) || ack_sent.contains(id)) << "delivered entry neither pending nor acked: " << id;
      } else {
        EXPECT_FALSE(pending.contains(id)) << "pending beyond the last-delivered ID " << last->str << ": " << id;
        EXPECT_FALSE(delivered_to.contains(id)) << "delivered beyond the last-delivered ID: " << id;
      }
    }
    if (HasFailure()) return;
  }
  std::printf("%d kills: %zu XADDs acknowledged, %zu entries delivered as new, %zu XACKs acknowledged, "
              "%zu of them trimmed\n",
              cycles, added.size(), delivered_to.size(), ack_replied.size(),
              static_cast<size_t>(std::count_if(added.begin(), added.end(),
                                                [&](const std::string& id) { return SplitId(id) < trim_replied; })));
  EXPECT_GT(delivered_to.size(), 0u);
  EXPECT_GT(ack_replied.size(), 0u);
  EXPECT_GT(trim_replied.first, 0u);
}

RUNNEL_BACKEND_TESTS(GroupKillTest);

}  // namespace
}  // namespace runnel::testing
