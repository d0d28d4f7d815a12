#include "engine/log/segment_index.h"

#include "gtest/gtest.h"

namespace runnel::log {
namespace {

TEST(SegmentIndexTest, KeepsOnePointPerIntervalStartingWithTheFirstRecord) {
  SegmentIndex index;
  // Records of 1 KiB: a point at the first, then one per 64 KiB.
  for (uint64_t i = 0; i < 1000; ++i) index.Observe({i, 0}, kSegmentHeaderSize + i * 1024, i);
  ASSERT_EQ(index.size(), (1000 + 63) / 64);
  EXPECT_EQ(index.points()[0].id, (RecordId{0, 0}));
  EXPECT_EQ(index.points()[1].id, (RecordId{64, 0}));
  EXPECT_EQ(index.points()[1].ordinal, 64u);
}

TEST(SegmentIndexTest, FindFloorReturnsTheLastPointAtOrBelowAnId) {
  SegmentIndex index;
  for (uint64_t i = 0; i < 1000; ++i) index.Observe({i * 10, 0}, kSegmentHeaderSize + i * 1024, i);
  EXPECT_EQ(index.FindFloor({0, 0})->id, (RecordId{0, 0}));
  EXPECT_EQ(index.FindFloor({639, 9})->id, (RecordId{0, 0}));
  EXPECT_EQ(index.FindFloor({640, 0})->id, (RecordId{640, 0}));
  EXPECT_EQ(index.FindFloor({641, 0})->id, (RecordId{640, 0}));
  EXPECT_EQ(index.FindFloor(kMaxRecordId)->id, index.points().back().id);
  // Below every point: the first point, where a forward scan starts.
  SegmentIndex later;
  later.Observe({50, 0}, kSegmentHeaderSize, 0);
  EXPECT_EQ(later.FindFloor({1, 0})->id, (RecordId{50, 0}));
  EXPECT_EQ(SegmentIndex().FindFloor({1, 0}), nullptr);
}

}  // namespace
}  // namespace runnel::log
