// What a run measures, per loop thread, and the window it measures in.
//
// ThreadStats is written by its loop thread only. Its counters are relaxed
// atomics so the progress line can read them while the run goes on (one
// writer: a load and a store, no locked instruction); its histograms belong
// to the thread, which copies them under a mutex a few times a second for
// the progress line (Publish), and hands them over whole at the end.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>

#include "tools/runnel_bench/latency_histogram.h"

namespace runnel::bench {

// Times in nanoseconds on the steady clock.
struct RunWindow {
  int64_t start_ns = 0;          // the loops start sending
  int64_t measure_start_ns = 0;  // warm-up ends: what is sent from here on counts
  int64_t end_ns = std::numeric_limits<int64_t>::max();  // sending stops (duration runs)
  // How long connections may take to receive what is still in flight once
  // sending stopped, before the loop gives up on them.
  int64_t drain_ns = 2'000'000'000;
};

int64_t NowNs();

class SingleWriterCounter {
 public:
  void Add(uint64_t n) { value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  uint64_t Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

struct ThreadStats {
  // Measured (after warm-up).
  SingleWriterCounter requests;    // replies to measured requests
  SingleWriterCounter deliveries;  // entries or messages received
  SingleWriterCounter hits;        // cache GETs that found the key
  SingleWriterCounter misses;
  // Since the start, warm-up included: for lag (sent or written, minus delivered).
  SingleWriterCounter produced_total;
  SingleWriterCounter delivered_total;
  // The last measured reply or delivery (for runs that end by themselves).
  std::atomic<int64_t> last_measured_ns{0};

  LatencyHistogram request_latency;   // from (intended) send to reply
  LatencyHistogram delivery_latency;  // from the producer's (intended) send to delivery

  // Copies for the progress line.
  void Publish();
  // Merges the published copies into `requests` and `deliveries`.
  void ReadPublished(LatencyHistogram* request, LatencyHistogram* delivery);

 private:
  std::mutex mu_;
  LatencyHistogram published_request_;
  LatencyHistogram published_delivery_;
};

// What the threads share: the window, the end of all sending, and the first
// fatal error (a refused command stops the whole run).
class RunShared {
 public:
  explicit RunShared(RunWindow window) : window_(window) {}

  const RunWindow& window() const { return window_; }
  // Scheduled (producing) connections still sending; consumers and
  // subscribers wind down once it reaches 0.
  std::atomic<int>& producers_active() { return producers_active_; }
  // How many there were at the start (set before the loops run).
  int producers_started() const { return producers_started_; }
  void set_producers(int n) {
    producers_started_ = n;
    producers_active_.store(n);
  }
  bool stopped() const { return stop_.load(std::memory_order_relaxed); }
  // Ends the run early (Ctrl-C); what was measured is still reported.
  void Stop() { stop_.store(true, std::memory_order_relaxed); }
  // Ends the run with an error; the first one wins.
  void Fail(std::string error);
  std::string error() const;
  bool failed() const { return failed_.load(std::memory_order_relaxed); }

 private:
  RunWindow window_;
  int producers_started_ = 0;
  std::atomic<int> producers_active_{0};
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  mutable std::mutex mu_;
  std::string error_;
};

}  // namespace runnel::bench
