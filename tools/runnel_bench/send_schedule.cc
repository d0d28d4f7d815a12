#include "tools/runnel_bench/send_schedule.h"

namespace runnel::bench {

SendSchedule SendSchedule::OpenLoop(double rate, int64_t start_ns, uint32_t index, uint32_t of) {
  SendSchedule schedule;
  schedule.interval_ns_ = 1e9 / rate;
  schedule.first_ns_ = start_ns + static_cast<int64_t>(schedule.interval_ns_ * index / (of == 0 ? 1 : of));
  return schedule;
}

}  // namespace runnel::bench
