#include "engine/log/segment_index.h"

#include <algorithm>

namespace runnel::log {

const SegmentIndex::Point* SegmentIndex::FindFloor(RecordId id) const {
  if (points_.empty()) return nullptr;
  auto it = std::upper_bound(points_.begin(), points_.end(), id,
                             [](RecordId key, const Point& point) { return key < point.id; });
  return it == points_.begin() ? &points_.front() : &*(it - 1);
}

}  // namespace runnel::log
