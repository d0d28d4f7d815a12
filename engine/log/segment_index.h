// SegmentIndex: the sparse in-memory index of one segment, ID -> offset.
//
// One point per kIndexIntervalBytes of records (plus the first record), so a
// seek is a binary search over the points and then a short forward parse:
//
//   points:  [id 5-0 @64 #0] [id 912-3 @65601 #588] [id 1820-0 @131170 #1176] ...
//   FindFloor(1000-0) -> @65601 #588; parse forward from there.
//
// Points are appended in increasing ID and offset order (the log's only
// invariant); rebuilt by scanning when a segment is opened, never persisted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/log/record_format.h"

namespace runnel::log {

class SegmentIndex {
 public:
  struct Point {
    RecordId id;
    uint64_t offset = 0;   // of the record's frame
    uint64_t ordinal = 0;  // records before it in the segment
  };

  // Called for every record in order; keeps one point per interval.
  void Observe(RecordId id, uint64_t offset, uint64_t ordinal) {
    if (points_.empty() || offset - points_.back().offset >= kIndexIntervalBytes) {
      points_.push_back(Point{id, offset, ordinal});
    }
  }

  // The last point whose ID is <= id, or the first point when id is smaller
  // than every point; nullptr when the index is empty.
  const Point* FindFloor(RecordId id) const;

  const std::vector<Point>& points() const { return points_; }
  size_t size() const { return points_.size(); }
  void Clear() { points_.clear(); }

 private:
  std::vector<Point> points_;
};

}  // namespace runnel::log
