// Tests for runnel-bench's command line.
#include "tools/runnel_bench/bench_options.h"

#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace runnel::bench {
namespace {

absl::StatusOr<BenchOptions> Parse(std::vector<std::string_view> args) { return ParseBenchOptions(args); }

TEST(BenchOptionsTest, DefaultsAreAClosedLoopProduceOfTenSeconds) {
  const absl::StatusOr<BenchOptions> options = Parse({"produce"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->workload, Workload::kProduce);
  EXPECT_EQ(options->port, 6379);
  EXPECT_EQ(options->rate, 0);
  EXPECT_EQ(options->duration_s, 10);
  EXPECT_EQ(options->pipeline, 1);
}

TEST(BenchOptionsTest, ValuesAsSeparateArgumentsOrAfterEquals) {
  const absl::StatusOr<BenchOptions> options =
      Parse({"cache", "--port", "7000", "--threads=2", "--rate", "5000.5", "--distribution=zipf", "--resp3", "--json"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->workload, Workload::kCache);
  EXPECT_EQ(options->port, 7000);
  EXPECT_EQ(options->threads, 2);
  EXPECT_DOUBLE_EQ(options->rate, 5000.5);
  EXPECT_EQ(options->distribution, KeyDistribution::kZipf);
  EXPECT_TRUE(options->resp3);
  EXPECT_TRUE(options->json);
}

TEST(BenchOptionsTest, MaxlenIsApproximateUnlessEquals) {
  absl::StatusOr<BenchOptions> options = Parse({"produce", "--maxlen", "~1000"});
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->maxlen, 1000u);
  EXPECT_TRUE(options->maxlen_approximate);
  options = Parse({"produce", "--maxlen", "500"});
  ASSERT_TRUE(options.ok());
  EXPECT_TRUE(options->maxlen_approximate);
  options = Parse({"produce", "--maxlen==500"});
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->maxlen, 500u);
  EXPECT_FALSE(options->maxlen_approximate);
}

TEST(BenchOptionsTest, ErrorsNameTheOption) {
  EXPECT_EQ(Parse({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(Parse({"fly"}).status().message().find("unknown subcommand 'fly'"), std::string::npos);
  EXPECT_NE(Parse({"produce", "--nope"}).status().message().find("unknown option --nope"), std::string::npos);
  EXPECT_NE(Parse({"produce", "--port"}).status().message().find("--port needs a value"), std::string::npos);
  EXPECT_NE(Parse({"produce", "--port", "x"}).status().message().find("--port: 'x' is not an integer"), std::string::npos);
  EXPECT_NE(Parse({"produce", "--threads", "0"}).status().message().find(">= 1"), std::string::npos);
  EXPECT_NE(Parse({"produce", "--resp3=yes"}).status().message().find("takes no value"), std::string::npos);
  EXPECT_NE(Parse({"produce", "--duration", "-1"}).status().message().find("--duration"), std::string::npos);
  EXPECT_FALSE(Parse({"cache", "--distribution", "normal"}).ok());
  EXPECT_FALSE(Parse({"cache", "--zipf-exponent", "0"}).ok());
}

TEST(BenchOptionsTest, ConsumersMustCoverEveryStream) {
  EXPECT_FALSE(Parse({"consume", "--streams", "4", "--consumers", "2"}).ok());
  EXPECT_TRUE(Parse({"consume", "--streams", "4", "--consumers", "4"}).ok());
}

TEST(BenchOptionsTest, RequestsReplaceDuration) {
  EXPECT_FALSE(Parse({"produce", "--duration", "0"}).ok());
  const absl::StatusOr<BenchOptions> options = Parse({"produce", "--duration", "0", "--requests", "1000"});
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->requests, 1000u);
}

TEST(BenchOptionsTest, HelpNeedsNoSubcommand) {
  EXPECT_TRUE(Parse({"--help"})->help);
  EXPECT_TRUE(Parse({"produce", "-h"})->help);
}

}  // namespace
}  // namespace runnel::bench
