#include "engine/stream/group_reads.h"

#include "engine/log/mapping_cache.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::stream {
namespace {

class GroupReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = log::Log::Create(temp_.path() + "/s", options_);
    ASSERT_TRUE(log.ok());
    stream_ = std::make_unique<Stream>(*std::move(log));
    ASSERT_TRUE(stream_->Prepare().ok());
    for (uint64_t ms = 1; ms <= 5; ++ms) Add(ms);
    ASSERT_TRUE(stream_->groups().CreateGroup("g", kMinId, kEntriesReadUnknown).ok());
  }
  void Add(uint64_t ms) {
    const log::FieldValue fields[] = {{"f", "v"}};
    ASSERT_TRUE(stream_->Add(ParsedId{.id = {ms, 0}}, fields, 0).ok());
  }
  std::vector<StreamId> Deliver(std::string_view consumer, uint64_t count, PendingMode mode = PendingMode::kTrack,
                                int64_t now = 1000) {
    auto ids = DeliverNew(*stream_, "g", consumer, count, mode, now);
    EXPECT_TRUE(ids.ok()) << ids.status();
    return ids.value_or(std::vector<StreamId>{});
  }
  const ConsumerGroup& group() { return *stream_->groups().Find("g"); }

  log::testing::TempDir temp_;
  log::MappingCache cache_{16};
  log::LogOptions options_{.segment_max_bytes = 64 * 1024, .cache = &cache_};
  std::unique_ptr<Stream> stream_;
};

TEST_F(GroupReadsTest, NewEntriesGoToOneConsumerEachAndAdvanceTheGroup) {
  EXPECT_EQ(Deliver("a", 2), (std::vector<StreamId>{{1, 0}, {2, 0}}));
  EXPECT_EQ(Deliver("b", 0), (std::vector<StreamId>{{3, 0}, {4, 0}, {5, 0}}));
  EXPECT_TRUE(Deliver("a", 0).empty());
  EXPECT_EQ(group().last_delivered(), (StreamId{5, 0}));
  // An unknown counter is estimated from the first entry, then counted.
  EXPECT_EQ(group().entries_read(), 5);
  ASSERT_EQ(group().pel().size(), 5u);
  const PendingEntry& first = group().pel().at({1, 0});
  EXPECT_EQ(group().consumer(first.owner).name, "a");
  EXPECT_EQ(first.delivery_count, 1u);
  EXPECT_EQ(first.delivery_ms, 1000);
  EXPECT_EQ(group().FindConsumer("b")->pending.size(), 3u);
}

TEST_F(GroupReadsTest, NoAckDeliversWithoutPendingOrActivity) {
  EXPECT_EQ(Deliver("a", 3, PendingMode::kNoAck, 2000).size(), 3u);
  EXPECT_TRUE(group().pel().empty());
  EXPECT_EQ(group().last_delivered(), (StreamId{3, 0}));
  const Consumer* a = group().FindConsumer("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->seen_ms, 2000);
  EXPECT_EQ(a->active_ms, -1);
}

TEST_F(GroupReadsTest, NothingNewStillCreatesAndTouchesTheConsumer) {
  Deliver("a", 0);
  EXPECT_TRUE(Deliver("late", 0, PendingMode::kTrack, 3000).empty());
  const Consumer* late = group().FindConsumer("late");
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->seen_ms, 3000);
  EXPECT_EQ(late->active_ms, -1);
}

TEST_F(GroupReadsTest, ReadCounterBecomesUnknownWithTombstonesAheadAndExactAtTheEnd) {
  ASSERT_EQ(*stream_->Delete(std::vector<StreamId>{{4, 0}}), 1u);
  // 1-0 is the first entry and a deletion lies ahead: the estimate fails.
  Deliver("a", 1);
  EXPECT_EQ(group().entries_read(), kEntriesReadUnknown);
  Deliver("a", 1);  // 2-0: still unknown
  EXPECT_EQ(group().entries_read(), kEntriesReadUnknown);
  // Reaching the last entry makes the counter exact again: entries-added.
  Deliver("a", 0);
  EXPECT_EQ(group().last_delivered(), (StreamId{5, 0}));
  EXPECT_EQ(group().entries_read(), 5);
  Add(6);
  Deliver("a", 0);  // no tombstone after 6-0: counted
  EXPECT_EQ(group().entries_read(), 6);
}

TEST_F(GroupReadsTest, HistoryRedeliversOwnPendingAndListsDeletedEntries) {
  Deliver("a", 3, PendingMode::kTrack, 1000);
  Deliver("b", 1);
  ASSERT_EQ(*stream_->Delete(std::vector<StreamId>{{2, 0}}), 1u);
  auto reads = RedeliverPending(*stream_, "g", "a", kMinId, 0, 5000);
  ASSERT_TRUE(reads.ok());
  ASSERT_EQ(reads->size(), 3u);
  EXPECT_TRUE((*reads)[0].exists);
  EXPECT_FALSE((*reads)[1].exists);
  EXPECT_EQ((*reads)[1].id, (StreamId{2, 0}));
  EXPECT_EQ(group().pel().at({1, 0}).delivery_count, 2u);
  EXPECT_EQ(group().pel().at({1, 0}).delivery_ms, 5000);
  // The deleted entry stays pending, untouched.
  EXPECT_EQ(group().pel().at({2, 0}).delivery_count, 1u);
  EXPECT_EQ(group().pel().at({2, 0}).delivery_ms, 1000);
  // A re-read is seen but is not activity.
  EXPECT_EQ(group().FindConsumer("a")->seen_ms, 5000);
  EXPECT_EQ(group().FindConsumer("a")->active_ms, 1000);

  // After an ID, with COUNT.
  reads = RedeliverPending(*stream_, "g", "a", {1, 0}, 1, 6000);
  ASSERT_TRUE(reads.ok());
  ASSERT_EQ(reads->size(), 1u);
  EXPECT_EQ((*reads)[0].id, (StreamId{2, 0}));
  // An unknown consumer has no history, and now exists.
  reads = RedeliverPending(*stream_, "g", "nobody", kMinId, 0, 6000);
  ASSERT_TRUE(reads.ok());
  EXPECT_TRUE(reads->empty());
  EXPECT_NE(group().FindConsumer("nobody"), nullptr);
}

TEST_F(GroupReadsTest, SetBackGroupReassignsPendingEntriesWithCountOne) {
  Deliver("a", 2);
  ASSERT_TRUE(RedeliverPending(*stream_, "g", "a", kMinId, 0, 1500).ok());
  ASSERT_TRUE(stream_->groups().SetPosition("g", kMinId, 0).ok());
  EXPECT_EQ(Deliver("b", 1, PendingMode::kTrack, 2000), (std::vector<StreamId>{{1, 0}}));
  const PendingEntry& moved = group().pel().at({1, 0});
  EXPECT_EQ(group().consumer(moved.owner).name, "b");
  EXPECT_EQ(moved.delivery_count, 1u);
  EXPECT_EQ(group().FindConsumer("a")->pending.size(), 1u);
}

TEST_F(GroupReadsTest, MissingGroupIsAnInternalError) {
  EXPECT_TRUE(absl::IsInternal(DeliverNew(*stream_, "nog", "a", 0, PendingMode::kTrack, 0).status()));
  EXPECT_TRUE(absl::IsInternal(RedeliverPending(*stream_, "nog", "a", kMinId, 0, 0).status()));
}

TEST(DeliveryCountTest, Saturates) {
  EXPECT_EQ(NextDeliveryCount(1), 2u);
  EXPECT_EQ(NextDeliveryCount(UINT32_MAX), UINT32_MAX);
}

}  // namespace
}  // namespace runnel::stream
