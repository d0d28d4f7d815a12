#include "engine/stream/group_claims.h"

#include "engine/log/mapping_cache.h"
#include "engine/stream/group_reads.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::stream {
namespace {

class GroupClaimsTest : public ::testing::Test {
 protected:
  // Entries 1-0 ... 6-0; 1-0 ... 4-0 delivered to "a" at t=1000.
  void SetUp() override {
    auto log = log::Log::Create(temp_.path() + "/s", options_);
    ASSERT_TRUE(log.ok());
    stream_ = std::make_unique<Stream>(*std::move(log));
    ASSERT_TRUE(stream_->Prepare().ok());
    const log::FieldValue fields[] = {{"f", "v"}};
    for (uint64_t ms = 1; ms <= 6; ++ms) ASSERT_TRUE(stream_->Add(ParsedId{.id = {ms, 0}}, fields, 0).ok());
    ASSERT_TRUE(stream_->groups().CreateGroup("g", kMinId, kEntriesReadUnknown).ok());
    ASSERT_TRUE(DeliverNew(*stream_, "g", "a", 4, PendingMode::kTrack, 1000).ok());
  }
  std::vector<StreamId> ClaimIds(std::vector<StreamId> ids, const ClaimOptions& options, int64_t now = 5000) {
    auto claimed = Claim(*stream_, "g", "b", ids, options, now);
    EXPECT_TRUE(claimed.ok()) << claimed.status();
    return claimed.value_or(std::vector<StreamId>{});
  }
  const ConsumerGroup& group() { return *stream_->groups().Find("g"); }
  std::string Owner(StreamId id) { return group().consumer(group().pel().at(id).owner).name; }

  log::testing::TempDir temp_;
  log::MappingCache cache_{16};
  log::LogOptions options_{.segment_max_bytes = 64 * 1024, .cache = &cache_};
  std::unique_ptr<Stream> stream_;
};

TEST_F(GroupClaimsTest, ClaimMovesIdleEntriesAndCountsADelivery) {
  EXPECT_EQ(ClaimIds({{1, 0}, {2, 0}}, {.min_idle_ms = 4000}), (std::vector<StreamId>{{1, 0}, {2, 0}}));
  EXPECT_EQ(Owner({1, 0}), "b");
  EXPECT_EQ(group().pel().at({1, 0}).delivery_count, 2u);
  EXPECT_EQ(group().pel().at({1, 0}).delivery_ms, 5000);
  EXPECT_EQ(group().FindConsumer("a")->pending.size(), 2u);
  EXPECT_EQ(group().FindConsumer("b")->active_ms, 5000);
  // Not idle long enough now.
  EXPECT_TRUE(ClaimIds({{1, 0}}, {.min_idle_ms = 10}).empty());
  // Not pending (5-0), or no entry at all (9-0): nothing.
  EXPECT_TRUE(ClaimIds({{5, 0}, {9, 0}}, {}).empty());
}

TEST_F(GroupClaimsTest, JustIdRetryCountTimeAndForce) {
  ClaimIds({{1, 0}}, {.count_mode = ClaimCount::kKeep});
  EXPECT_EQ(group().pel().at({1, 0}).delivery_count, 1u);
  ClaimIds({{1, 0}}, {.delivery_ms = 42, .retry_count = 7});
  EXPECT_EQ(group().pel().at({1, 0}).delivery_count, 7u);
  EXPECT_EQ(group().pel().at({1, 0}).delivery_ms, 42);
  // FORCE makes an existing entry pending: Redis's new NACK (count 1) plus
  // this delivery.
  EXPECT_EQ(ClaimIds({{5, 0}, {9, 0}}, {.min_idle_ms = 100000, .force = true}), (std::vector<StreamId>{{5, 0}}));
  EXPECT_EQ(Owner({5, 0}), "b");
  EXPECT_EQ(group().pel().at({5, 0}).delivery_count, 2u);
  EXPECT_EQ(group().pel().count({9, 0}), 0u);
}

TEST_F(GroupClaimsTest, AnIdNamedTwiceIsClaimedTwice) {
  EXPECT_EQ(ClaimIds({{1, 0}, {1, 0}}, {}), (std::vector<StreamId>{{1, 0}, {1, 0}}));
  EXPECT_EQ(group().pel().at({1, 0}).delivery_count, 3u);
}

TEST_F(GroupClaimsTest, DeletedEntriesLeaveThePel) {
  ASSERT_EQ(*stream_->Delete(std::vector<StreamId>{{2, 0}}), 1u);
  EXPECT_EQ(ClaimIds({{2, 0}, {3, 0}}, {}), (std::vector<StreamId>{{3, 0}}));
  EXPECT_EQ(group().pel().count({2, 0}), 0u);
  EXPECT_EQ(group().FindConsumer("a")->pending.size(), 2u);
}

TEST_F(GroupClaimsTest, LastIdOnlyRaisesTheGroupPosition) {
  ClaimIds({}, {.last_id = StreamId{9, 0}});
  EXPECT_EQ(group().last_delivered(), (StreamId{9, 0}));
  ClaimIds({}, {.last_id = StreamId{2, 0}});
  EXPECT_EQ(group().last_delivered(), (StreamId{9, 0}));
  // A claim of nothing still creates the consumer (Redis 7.2).
  EXPECT_NE(group().FindConsumer("b"), nullptr);
}

TEST_F(GroupClaimsTest, AutoClaimPagesThroughThePel) {
  auto first = AutoClaim(*stream_, "g", "b", kMinId, 2, 0, ClaimCount::kIncrement, 5000);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->claimed, (std::vector<StreamId>{{1, 0}, {2, 0}}));
  EXPECT_EQ(first->next_start, (StreamId{3, 0}));
  auto rest = AutoClaim(*stream_, "g", "b", first->next_start, 10, 0, ClaimCount::kKeep, 6000);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->claimed, (std::vector<StreamId>{{3, 0}, {4, 0}}));
  EXPECT_EQ(rest->next_start, kMinId);  // the end of the PEL
  EXPECT_EQ(group().pel().at({1, 0}).delivery_count, 2u);
  EXPECT_EQ(group().pel().at({3, 0}).delivery_count, 1u);  // JUSTID
  EXPECT_EQ(group().pel().at({3, 0}).delivery_ms, 6000);
}

TEST_F(GroupClaimsTest, AutoClaimRemovesDeletedEntriesWithinCount) {
  ASSERT_EQ(*stream_->Delete(std::vector<StreamId>{{1, 0}, {2, 0}}), 2u);
  auto result = AutoClaim(*stream_, "g", "b", kMinId, 1, 0, ClaimCount::kIncrement, 5000);
  ASSERT_TRUE(result.ok());
  // A deleted entry takes a place of COUNT, as in Redis.
  EXPECT_TRUE(result->claimed.empty());
  EXPECT_EQ(result->deleted, (std::vector<StreamId>{{1, 0}}));
  EXPECT_EQ(result->next_start, (StreamId{2, 0}));
  EXPECT_EQ(group().pel().count({1, 0}), 0u);
}

TEST_F(GroupClaimsTest, AutoClaimVisitsAtMostTenTimesCount) {
  // 4 pending, none idle enough: COUNT 1 allows 10 visits, so all are seen.
  auto all = AutoClaim(*stream_, "g", "b", kMinId, 1, 100000, ClaimCount::kIncrement, 5000);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->claimed.empty());
  EXPECT_EQ(all->next_start, kMinId);
  // 25 more pending for "a": COUNT 1 stops after 10 visits.
  const log::FieldValue fields[] = {{"f", "v"}};
  for (uint64_t ms = 10; ms < 35; ++ms) ASSERT_TRUE(stream_->Add(ParsedId{.id = {ms, 0}}, fields, 0).ok());
  ASSERT_TRUE(DeliverNew(*stream_, "g", "a", 0, PendingMode::kTrack, 4000).ok());
  auto some = AutoClaim(*stream_, "g", "b", kMinId, 1, 100000, ClaimCount::kIncrement, 5000);
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some->next_start, (StreamId{14, 0}));  // 1-0 ... 6-0 and 10-0 ... 13-0 visited
}

}  // namespace
}  // namespace runnel::stream
