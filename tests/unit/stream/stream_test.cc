#include "engine/stream/stream.h"

#include "engine/base/file.h"
#include "engine/log/mapping_cache.h"
#include "gtest/gtest.h"
#include "tests/unit/log/log_test_util.h"

namespace runnel::stream {
namespace {

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = log::Log::Create(temp_.path() + "/s", options_);
    ASSERT_TRUE(log.ok());
    stream_ = std::make_unique<Stream>(*std::move(log));
  }
  StreamId Add(uint64_t ms) {
    const log::FieldValue fields[] = {{"f", "v"}};
    auto id = stream_->Add(ParsedId{.id = {ms, 0}}, fields, 0);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(StreamId{});
  }
  std::vector<uint64_t> Millis(StreamId start, StreamId end, log::ScanDirection direction, uint64_t count) {
    std::vector<uint64_t> out;
    EXPECT_TRUE(stream_->Range(start, end, direction, count, [&](StreamId id, log::EntryView&) {
      out.push_back(id.ms);
      return true;
    }).ok());
    return out;
  }

  log::testing::TempDir temp_;
  log::MappingCache cache_{16};
  log::LogOptions options_{.segment_max_bytes = 64 * 1024, .cache = &cache_};
  std::unique_ptr<Stream> stream_;
};

TEST_F(StreamTest, AutomaticIdsFollowTheClockAndNeverGoBack) {
  const log::FieldValue fields[] = {{"f", "v"}};
  EXPECT_EQ(*stream_->Add(ParsedId{.auto_all = true}, fields, 1000), (StreamId{1000, 0}));
  EXPECT_EQ(*stream_->Add(ParsedId{.auto_all = true}, fields, 1000), (StreamId{1000, 1}));
  EXPECT_EQ(*stream_->Add(ParsedId{.auto_all = true}, fields, 999), (StreamId{1000, 2}));
  EXPECT_TRUE(absl::IsFailedPrecondition(stream_->Add(ParsedId{.id = {1000, 2}}, fields, 0).status()));
  EXPECT_EQ(stream_->length(), 3u);
}

TEST_F(StreamTest, RangeHonoursCountInBothDirections) {
  for (uint64_t ms = 1; ms <= 10; ++ms) Add(ms);
  EXPECT_EQ(Millis(kMinId, kMaxId, log::ScanDirection::kForward, 3), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(Millis(kMinId, kMaxId, log::ScanDirection::kBackward, 2), (std::vector<uint64_t>{10, 9}));
  EXPECT_EQ(Millis({4, 0}, {6, 0}, log::ScanDirection::kForward, 0), (std::vector<uint64_t>{4, 5, 6}));
}

TEST_F(StreamTest, ExactTrimsRemoveExactlyWhatExceeds) {
  for (uint64_t ms = 1; ms <= 50; ++ms) Add(ms);
  EXPECT_EQ(*stream_->Trim({.strategy = TrimSpec::Strategy::kMaxLen, .max_length = 45}), 5u);
  EXPECT_EQ(*stream_->Trim({.strategy = TrimSpec::Strategy::kMinId, .min_id = {10, 0}}), 4u);
  EXPECT_EQ(Millis(kMinId, kMaxId, log::ScanDirection::kForward, 1), (std::vector<uint64_t>{10}));
  EXPECT_EQ(*stream_->Trim({.strategy = TrimSpec::Strategy::kMaxLen, .max_length = 0}), 41u);
  EXPECT_EQ(stream_->length(), 0u);
  EXPECT_EQ(stream_->last_id(), (StreamId{50, 0}));
}

TEST_F(StreamTest, ApproximateTrimsRemoveWholeBlocksWithinTheLimit) {
  for (uint64_t ms = 1; ms <= 450; ++ms) Add(ms);
  const TrimSpec approximate{.strategy = TrimSpec::Strategy::kMaxLen, .approximate = true, .max_length = 10};
  EXPECT_EQ(*stream_->Trim({.strategy = TrimSpec::Strategy::kMaxLen, .approximate = true, .max_length = 10,
                            .limit = 250}),
            200u);
  EXPECT_EQ(*stream_->Trim(approximate), 200u);  // 250 over: two whole blocks
  EXPECT_EQ(stream_->length(), 50u);
  EXPECT_EQ(*stream_->Trim(approximate), 0u);    // 40 over: less than a block
  EXPECT_EQ(*stream_->Trim({.strategy = TrimSpec::Strategy::kMinId, .approximate = true, .min_id = {450, 0}}), 0u);
  // Everything asked for: the newest, partial block goes too, as in Redis.
  EXPECT_EQ(*stream_->Trim({.strategy = TrimSpec::Strategy::kMaxLen, .approximate = true, .max_length = 0}), 50u);
}

TEST_F(StreamTest, DeleteCountsOnlyLiveEntries) {
  for (uint64_t ms = 1; ms <= 5; ++ms) Add(ms);
  const StreamId ids[] = {{2, 0}, {2, 0}, {9, 0}, {4, 0}};
  EXPECT_EQ(*stream_->Delete(ids), 2u);
  EXPECT_EQ(stream_->length(), 3u);
}

// Reopens the stream from its files, as a restart does.
std::unique_ptr<Stream> Reopen(std::unique_ptr<Stream> stream, const log::LogOptions& options) {
  const std::string directory = stream->log().directory();
  stream.reset();
  auto log = log::Log::Open(directory, options, nullptr);
  EXPECT_TRUE(log.ok()) << log.status();
  auto reopened = std::make_unique<Stream>(*std::move(log));
  EXPECT_TRUE(reopened->Prepare().ok());
  return reopened;
}

TEST_F(StreamTest, ConsumerGroupsSurviveAReopen) {
  ASSERT_TRUE(stream_->Prepare().ok());
  Add(5);
  ASSERT_TRUE(stream_->groups().CreateGroup("g", {5, 0}, 1).ok());
  const PendingUpdate delivered[] = {{.id = {5, 0}, .delivery_ms = 77, .delivery_count = 1}};
  ASSERT_TRUE(stream_->groups().SetPending("g", "c", 77, delivered).ok());
  EXPECT_TRUE(base::PathExists(stream_->log().directory() + "/groups"));
  stream_ = Reopen(std::move(stream_), options_);
  const ConsumerGroup* group = stream_->groups().Find("g");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->last_delivered(), (StreamId{5, 0}));
  ASSERT_NE(group->FindPending({5, 0}), nullptr);
  EXPECT_EQ(group->FindPending({5, 0})->delivery_ms, 77);
  EXPECT_EQ(stream_->last_id(), (StreamId{5, 0}));  // not raised: nothing was lost
}

TEST_F(StreamTest, LastIdIsRaisedToWhatAGroupDeliveredWhenTheLogLostIt) {
  ASSERT_TRUE(stream_->Prepare().ok());
  Add(5);
  // As after a power loss that kept the journal's writes and lost the
  // log's entries 6..9: the group has delivered up to 9-0.
  ASSERT_TRUE(stream_->groups().CreateGroup("g", {9, 0}, 5).ok());
  stream_ = Reopen(std::move(stream_), options_);
  EXPECT_EQ(stream_->last_id(), (StreamId{9, 0}));
  EXPECT_EQ(stream_->entries_added(), 5u);
  EXPECT_EQ(stream_->length(), 1u);
  const log::FieldValue fields[] = {{"f", "v"}};
  EXPECT_FALSE(stream_->Add(ParsedId{.id = {8, 0}}, fields, 0).ok());
  EXPECT_EQ(*stream_->Add(ParsedId{.auto_all = true}, fields, 3), (StreamId{9, 1}));
}

TEST_F(StreamTest, DiscardRemovesTheGroupsJournalWithTheDirectory) {
  ASSERT_TRUE(stream_->Prepare().ok());
  ASSERT_TRUE(stream_->groups().CreateGroup("g", {}, 0).ok());
  const std::string directory = stream_->log().directory();
  stream_->Discard();
  EXPECT_FALSE(base::PathExists(directory));
}

}  // namespace
}  // namespace runnel::stream
