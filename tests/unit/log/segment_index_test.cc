#include "engine/log/segment_index.h"

#include "gtest/gtest.h"

namespace runnel::log {
namespace {

TEST(SegmentIndexTest, KeepsOnePointPerIntervalStartingWithTheFirstRecord) {
  SegmentIndex index;
  // Records of 1 KiB: a point at the first, then one per interval.
  constexpr uint64_t kPerPoint = kIndexIntervalBytes / 1024;
  for (uint64_t i = 0; i < 1000; ++i) index.Observe({i, 0}, kSegmentHeaderSize + i * 1024, i);
  ASSERT_EQ(index.size(), (1000 + kPerPoint - 1) / kPerPoint);
  EXPECT_EQ(index.points()[0].id, (RecordId{0, 0}));
  EXPECT_EQ(index.points()[1].id, (RecordId{kPerPoint, 0}));
  EXPECT_EQ(index.points()[1].ordinal, kPerPoint);
}

TEST(SegmentIndexTest, FindFloorReturnsTheLastPointAtOrBelowAnId) {
  SegmentIndex index;
  for (uint64_t i = 0; i < 1000; ++i) index.Observe({i * 10, 0}, kSegmentHeaderSize + i * 1024, i);
  // A point every kPerPoint records, whose IDs step by 10.
  constexpr uint64_t kStep = 10 * (kIndexIntervalBytes / 1024);
  EXPECT_EQ(index.FindFloor({0, 0})->id, (RecordId{0, 0}));
  EXPECT_EQ(index.FindFloor({kStep - 1, 9})->id, (RecordId{0, 0}));
  EXPECT_EQ(index.FindFloor({kStep, 0})->id, (RecordId{kStep, 0}));
  EXPECT_EQ(index.FindFloor({kStep + 1, 0})->id, (RecordId{kStep, 0}));
  EXPECT_EQ(index.FindFloor(kMaxRecordId)->id, index.points().back().id);
  // Below every point: the first point, where a forward scan starts.
  SegmentIndex later;
  later.Observe({50, 0}, kSegmentHeaderSize, 0);
  EXPECT_EQ(later.FindFloor({1, 0})->id, (RecordId{50, 0}));
  EXPECT_EQ(SegmentIndex().FindFloor({1, 0}), nullptr);
}

}  // namespace
}  // namespace runnel::log
