// Server-side metrics and their Prometheus text exposition (format 0.0.4), vLLM-style names under the
// `hirelm:` prefix: latency histograms measured by the HTTP layer (time to first token, inter-token
// latency, end-to-end request latency) plus the backend's gauges and counters (BackendStats).
//
// Timings are wall-clock seconds on a steady clock, measured where the server sees them: from the
// moment the request's handler starts (the body has been read) to each token event the backend hands
// over. They include queueing, prefill and the hand-over to the HTTP thread; not the network.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/completion_backend.h"

namespace hirelm::server {

// A cumulative Prometheus histogram over fixed upper bounds (ascending, finite; +Inf is implied).
// Thread-safe.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative;  // cumulative[i] = observations <= upper_bounds[i]
    uint64_t count = 0;                // all observations (the +Inf bucket)
    double sum = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> upper_bounds_;
  mutable std::mutex mutex_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative; the last one is (last bound, +Inf)
  uint64_t count_ = 0;
  double sum_ = 0;
};

// Bucket bounds in seconds. CPU inference is slower than a GPU's, so the ranges reach further up.
extern const std::vector<double> kTimeToFirstTokenBuckets;
extern const std::vector<double> kInterTokenLatencyBuckets;
extern const std::vector<double> kRequestLatencyBuckets;

// What the HTTP layer measures itself. One per server; outlives every request it times.
struct ServerMetrics {
  Histogram time_to_first_token{kTimeToFirstTokenBuckets};
  Histogram inter_token_latency{kInterTokenLatencyBuckets};
  Histogram e2e_request_latency{kRequestLatencyBuckets};
  std::atomic<int64_t> http_requests{0};  // requests on API routes (all but /health and OPTIONS)
  std::atomic<int64_t> http_errors{0};    // of those, answered with status >= 400
};

// Times one generated sequence: the first token event records the time to first token (since
// `arrival`), each later one the gap since the previous event. One observation per event (an event
// may carry several tokens when the detokenizer held text back). Not thread-safe: use from the one
// thread that drains the sequence.
class SequenceTimer {
 public:
  using Clock = std::chrono::steady_clock;
  SequenceTimer(ServerMetrics& metrics, Clock::time_point arrival) : metrics_(&metrics), arrival_(arrival) {}

  // Call when a token event arrives; events without tokens are ignored.
  void on_tokens(size_t n_tokens);
  // Records the end-to-end latency (arrival to now). Call once, for requests that completed.
  void on_complete();

 private:
  ServerMetrics* metrics_;
  Clock::time_point arrival_;
  std::optional<Clock::time_point> last_token_;
};

// The whole /metrics page. Every series carries the label model_name="<model_name>" (escaped).
std::string render_prometheus(const std::string& model_name, const BackendStats& stats, const ServerMetrics& metrics);

// A label value escaped for the text format: backslash, double quote and newline.
std::string escape_label_value(const std::string& value);

}  // namespace hirelm::server
