#include "server/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "util/check.h"

namespace hirelm::server {

const std::vector<double> kTimeToFirstTokenBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0,
                                                      2.5,   5.0,  7.5,   10.0, 20.0, 40.0, 60.0, 80.0, 120.0,
                                                      160.0, 320.0, 640.0, 1280.0, 2560.0};
const std::vector<double> kInterTokenLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15,
                                                       0.2,   0.3,    0.4,   0.5,  0.75,  1.0,  2.5,   5.0, 7.5,
                                                       10.0,  20.0,   40.0,  80.0};
const std::vector<double> kRequestLatencyBuckets = {0.1,   0.3,   0.5,   1.0,   2.5,    5.0,    10.0,   15.0,
                                                    20.0,  30.0,  60.0,  120.0, 240.0,  480.0,  960.0,  1920.0,
                                                    3840.0, 7680.0};

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)), counts_(upper_bounds_.size() + 1, 0) {
  HIRELM_CHECK(std::is_sorted(upper_bounds_.begin(), upper_bounds_.end()));
  HIRELM_CHECK(std::adjacent_find(upper_bounds_.begin(), upper_bounds_.end()) == upper_bounds_.end());
  for (double b : upper_bounds_) HIRELM_CHECK(std::isfinite(b));
}

void Histogram::observe(double value) {
  if (std::isnan(value)) return;
  // Prometheus buckets are "less than or equal": the first bound >= value.
  const auto bucket = static_cast<size_t>(std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) -
                                          upper_bounds_.begin());
  std::lock_guard lock(mutex_);
  ++counts_[bucket];
  ++count_;
  sum_ += value;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.upper_bounds = upper_bounds_;
  std::lock_guard lock(mutex_);
  uint64_t running = 0;
  for (size_t i = 0; i < upper_bounds_.size(); ++i) {
    running += counts_[i];
    s.cumulative.push_back(running);
  }
  s.count = count_;
  s.sum = sum_;
  return s;
}

void SequenceTimer::on_tokens(size_t n_tokens) {
  if (n_tokens == 0) return;
  const auto now = Clock::now();
  if (!last_token_) {
    metrics_->time_to_first_token.observe(std::chrono::duration<double>(now - arrival_).count());
  } else {
    metrics_->inter_token_latency.observe(std::chrono::duration<double>(now - *last_token_).count());
  }
  last_token_ = now;
}

void SequenceTimer::on_complete() {
  metrics_->e2e_request_latency.observe(std::chrono::duration<double>(Clock::now() - arrival_).count());
}

std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

// The shortest text that reads back as the same double; "+Inf", "-Inf", "NaN" as Prometheus spells them.
std::string number_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

class Exposition {
 public:
  explicit Exposition(const std::string& model_name)
      : label_("model_name=\"" + escape_label_value(model_name) + "\"") {}

  void header(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(const std::string& name, const std::string& extra_labels, const std::string& value) {
    out_ += name;
    out_ += '{';
    out_ += label_;
    if (!extra_labels.empty()) {
      out_ += ',';
      out_ += extra_labels;
    }
    out_ += "} ";
    out_ += value;
    out_ += '\n';
  }
  void scalar(const char* name, const char* type, const char* help, int64_t value) {
    header(name, type, help);
    sample(name, "", std::to_string(value));
  }
  void scalar(const char* name, const char* type, const char* help, double value) {
    header(name, type, help);
    sample(name, "", number_text(value));
  }
  void histogram(const char* name, const char* help, const Histogram::Snapshot& h) {
    header(name, "histogram", help);
    const std::string base(name);
    for (size_t i = 0; i < h.upper_bounds.size(); ++i) {
      sample(base + "_bucket", "le=\"" + number_text(h.upper_bounds[i]) + "\"", std::to_string(h.cumulative[i]));
    }
    sample(base + "_bucket", "le=\"+Inf\"", std::to_string(h.count));
    sample(base + "_sum", "", number_text(h.sum));
    sample(base + "_count", "", std::to_string(h.count));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string label_;
  std::string out_;
};

}  // namespace

std::string render_prometheus(const std::string& model_name, const BackendStats& s, const ServerMetrics& m) {
  Exposition e(model_name);
  e.scalar("hirelm:num_requests_running", "gauge", "Sequences generating now.", s.running);
  e.scalar("hirelm:num_requests_waiting", "gauge", "Sequences queued.", s.waiting);
  e.scalar("hirelm:kv_cache_usage_perc", "gauge", "Fraction of KV-cache blocks in use (1 = full).",
           s.kv_cache_usage);
  e.scalar("hirelm:prompt_tokens_total", "counter", "Prompt tokens processed.", s.prompt_tokens);
  e.scalar("hirelm:generation_tokens_total", "counter", "Tokens generated.", s.generation_tokens);
  e.scalar("hirelm:request_success_total", "counter", "Sequences finished.", s.requests_finished);
  e.scalar("hirelm:prefix_cache_queries_total", "counter", "Prompt tokens looked up in the prefix cache.",
           s.prefix_cache_queries);
  e.scalar("hirelm:prefix_cache_hits_total", "counter", "Prompt tokens found in the prefix cache.",
           s.prefix_cache_hits);
  e.scalar("hirelm:prefix_cache_hit_rate", "gauge", "prefix_cache_hits_total / prefix_cache_queries_total (0 before any query).",
           s.prefix_cache_queries > 0 ? static_cast<double>(s.prefix_cache_hits) / static_cast<double>(s.prefix_cache_queries)
                                      : 0.0);
  e.scalar("hirelm:num_preemptions_total", "counter", "Sequences preempted to free KV blocks.", s.num_preemptions);
  e.histogram("hirelm:time_to_first_token_seconds", "Seconds from request arrival to the first token event.",
              m.time_to_first_token.snapshot());
  e.histogram("hirelm:inter_token_latency_seconds", "Seconds between consecutive token events of a sequence.",
              m.inter_token_latency.snapshot());
  e.histogram("hirelm:e2e_request_latency_seconds", "Seconds from request arrival to the last token of a completed request.",
              m.e2e_request_latency.snapshot());
  e.scalar("hirelm:http_requests_total", "counter", "HTTP requests on API routes.", m.http_requests.load());
  e.scalar("hirelm:http_errors_total", "counter", "API responses with status >= 400.", m.http_errors.load());
  return e.take();
}

}  // namespace hirelm::server
