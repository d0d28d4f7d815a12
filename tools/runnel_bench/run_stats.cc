#include "tools/runnel_bench/run_stats.h"

#include <chrono>

namespace runnel::bench {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void ThreadStats::Publish() {
  std::lock_guard<std::mutex> lock(mu_);
  published_request_ = request_latency;
  published_delivery_ = delivery_latency;
}

void ThreadStats::ReadPublished(LatencyHistogram* request, LatencyHistogram* delivery) {
  std::lock_guard<std::mutex> lock(mu_);
  request->Merge(published_request_);
  delivery->Merge(published_delivery_);
}

void RunShared::Fail(std::string error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.empty()) error_ = std::move(error);
  }
  failed_.store(true, std::memory_order_relaxed);
  Stop();
}

std::string RunShared::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

}  // namespace runnel::bench
