// runnel-bench as a process against a real runnel-server: each subcommand
// runs briefly (a few hundred requests or half a second) and what it reports
// must agree with what the server holds afterwards.
#include <stdio.h>
#include <sys/wait.h>

#include <signal.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/integration/process_output.h"
#include "tests/integration/server_harness.h"

namespace runnel::testing {
namespace {

struct BenchRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr

  // A number from the --json output, e.g. Field("requests"); -1 when absent.
  double Field(const std::string& name) const {
    std::smatch match;
    if (!std::regex_search(out, match, std::regex("\"" + name + "\":([-0-9.]+)"))) return -1;
    return std::stod(match[1]);
  }
};

// Runs runnel-bench with `arguments`, its stderr going through `err_path`.
BenchRun RunBench(const std::string& arguments, const std::string& err_path) {
  const ProcessOutput process = RunShellCommand(std::string(RUNNEL_BENCH_BIN) + " " + arguments + " 2>" + err_path);
  BenchRun run{.exit_code = process.exit_code, .out = process.output};
  if (FILE* err = fopen(err_path.c_str(), "r"); err != nullptr) {
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof(buffer), err)) > 0;) run.err.append(buffer, n);
    fclose(err);
  }
  return run;
}

class RunnelBenchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = ServerProcess::Start({});
    ASSERT_TRUE(server_->ready());
    client_ = server_->Connect();
  }

  BenchRun Bench(const std::string& arguments) {
    return RunBench(arguments + " --port " + std::to_string(server_->port()), server_->data_dir() + "/bench.err");
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<RespClient> client_;
};

TEST_F(RunnelBenchTest, ProduceAddsExactlyTheRequestedEntries) {
  const BenchRun run = Bench("produce --connections 4 --pipeline 4 --requests 500 --warmup 0 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.Field("requests"), 500);
  EXPECT_EQ(run.Field("count"), 500);  // the request latency histogram's samples
  EXPECT_GT(run.Field("p99_us"), 0);
  EXPECT_THAT(client_->Run({"XLEN", "runnel-bench:stream:0"}), IsInt(500)) << run.out;
}

TEST_F(RunnelBenchTest, ProduceTrimsWithMaxlenAndSpreadsOverStreams) {
  const BenchRun run =
      Bench("produce --connections 2 --streams 2 --requests 400 --warmup 0 --maxlen =50 --fields 3 --size 10 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(client_->Run({"XLEN", "runnel-bench:stream:0"}), IsInt(50));
  EXPECT_THAT(client_->Run({"XLEN", "runnel-bench:stream:1"}), IsInt(50));
}

TEST_F(RunnelBenchTest, ConsumeDrainsAndAcknowledgesEveryPrefilledEntry) {
  const BenchRun run = Bench("consume --prefill 1500 --groups 2 --count 64 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.Field("deliveries"), 3000);
  for (const char* group : {"group:0", "group:1"}) {
    const RespValue pending = client_->Run({"XPENDING", "runnel-bench:stream:0", group});
    ASSERT_FALSE(pending.elements.empty()) << pending;
    EXPECT_THAT(pending.elements[0], IsInt(0)) << group;
  }
}

// Runs whose counts are exact: every measured request answered, every
// entry or message delivered to each of its readers.
struct ExactCounts {
  const char* name;
  const char* arguments;
  double requests;    // -1: not checked
  double deliveries;
};

class RunnelBenchCountsTest : public RunnelBenchTest, public ::testing::WithParamInterface<ExactCounts> {};

TEST_P(RunnelBenchCountsTest, EveryRequestIsAnsweredAndEveryEntryDelivered) {
  const BenchRun run = Bench(std::string(GetParam().arguments) + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  if (GetParam().requests >= 0) {
    EXPECT_EQ(run.Field("requests"), GetParam().requests) << run.out;
  }
  EXPECT_EQ(run.Field("deliveries"), GetParam().deliveries) << run.out;
}

INSTANTIATE_TEST_SUITE_P(
    Workloads, RunnelBenchCountsTest,
    ::testing::Values(
        ExactCounts{"ConsumeOverResp3WithTwoThreads",
                    "consume --resp3 --prefill 500 --streams 2 --consumers 2 --threads 2", -1, 1000},
        ExactCounts{"EndToEndOpenLoop", "e2e --connections 2 --consumers 2 --rate 1000 --requests 300 --warmup 0",
                    300, 300},
        ExactCounts{"EndToEndOverResp3", "e2e --resp3 --connections 2 --requests 200 --warmup 0", 200, 200},
        ExactCounts{"PubSubToThreeSubscribers", "pubsub --connections 2 --subscribers 3 --requests 200 --warmup 0",
                    200, 600},
        ExactCounts{"PubSubOverResp3", "pubsub --resp3 --connections 1 --subscribers 2 --requests 100 --warmup 0",
                    100, 200},
        ExactCounts{"PubSubToNobody", "pubsub --connections 2 --subscribers 0 --requests 100 --warmup 0", 100, 0}),
    [](const ::testing::TestParamInfo<ExactCounts>& info) { return std::string(info.param.name); });

TEST_F(RunnelBenchTest, CacheSetsWhatItMisses) {
  const BenchRun run = Bench("cache --connections 2 --keys 20 --distribution zipf --requests 400 --warmup 0 --json");
  if (run.exit_code != 0 && run.err.find("unknown command") != std::string::npos) {
    GTEST_SKIP() << "runnel-server has no GET yet: " << run.err;
  }
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const double hits = run.Field("hits");
  const double misses = run.Field("misses");
  EXPECT_EQ(hits + misses, 400);
  EXPECT_EQ(run.Field("requests"), 400 + misses);  // a SET per miss
  EXPECT_GE(misses, 1);
}

// The point of the open loop: a 200 ms stall of the server (SIGSTOP) shows in
// the latency of every request that was due during it, not in one request
// per connection as a closed loop would have it (coordinated omission).
TEST_F(RunnelBenchTest, OpenLoopLatencyCountsAServerStallForEveryRequestDueInIt) {
  std::thread stall([pid = server_->pid()] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    kill(pid, SIGSTOP);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    kill(pid, SIGCONT);
  });
  const BenchRun run = Bench("produce --connections 2 --rate 1000 --duration 1 --warmup 0 --json");
  stall.join();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // About 200 of the 1000 requests were due in the stall, with latencies
  // spread from 200 ms down to 0: p90 near 100 ms, max near 200 ms.
  EXPECT_GE(run.Field("p90_us"), 50'000) << run.out;
  EXPECT_GE(run.Field("max_us"), 150'000) << run.out;
}

TEST_F(RunnelBenchTest, ARefusedCommandIsPrintedAndFailsTheRun) {
  const BenchRun run = Bench("produce --password wrong --duration 1");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("runnel-bench: the server refused AUTH: "), std::string::npos) << run.err;
}

TEST_F(RunnelBenchTest, TableAndHistogramFile) {
  const std::string histogram = server_->data_dir() + "/produce.hgrm";
  const BenchRun run = Bench("produce --connections 2 --duration 0.3 --warmup 0.1 --histogram " + histogram);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("entries added (XADD)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("client CPU:"), std::string::npos) << run.out;
  FILE* file = fopen(histogram.c_str(), "r");
  ASSERT_NE(file, nullptr);
  char header[64] = {};
  ASSERT_NE(fgets(header, sizeof(header), file), nullptr);
  fclose(file);
  EXPECT_NE(std::string(header).find("Percentile"), std::string::npos) << header;
}

TEST(RunnelBenchUsageTest, UnknownOptionIsAUsageError) {
  const BenchRun run = RunBench("produce --frobnicate", ::testing::TempDir() + "/runnel-bench-usage.err");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unknown option --frobnicate"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace runnel::testing
