// Histogram bucketing, SequenceTimer bookkeeping and the Prometheus text of /metrics, without a server.
#include "server/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <thread>

namespace hirelm::server {
namespace {

// Sample lines of a Prometheus text page: "name{labels}" -> value text. Comments are checked to come
// in HELP, TYPE pairs naming the series that follows: each sample belongs to the family the last TYPE
// line named (a histogram's samples are NAME_bucket, NAME_sum and NAME_count).
std::map<std::string, std::string> samples_of(const std::string& page) {
  std::map<std::string, std::string> out;
  std::istringstream in(page);
  std::string line;
  std::string help_name;  // named by the last HELP line, until its TYPE line
  std::string family;     // named by the last TYPE line
  std::string type;
  auto word = [](const std::string& text, size_t from) { return text.substr(from, text.find(' ', from) - from); };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0) {
      EXPECT_TRUE(help_name.empty()) << "two HELP lines in a row: " << line;
      help_name = word(line, 7);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      family = word(line, 7);
      EXPECT_EQ(family, help_name) << "TYPE without its HELP: " << line;
      type = line.substr(7 + family.size() + 1);
      help_name.clear();
      continue;
    }
    EXPECT_NE(line[0], '#') << line;
    EXPECT_TRUE(help_name.empty()) << "HELP " << help_name << " without TYPE before " << line;
    const std::string name = line.substr(0, line.find('{'));
    if (type == "histogram") {
      EXPECT_TRUE(name == family + "_bucket" || name == family + "_sum" || name == family + "_count")
          << name << " under " << family;
    } else {
      EXPECT_EQ(name, family) << line;
    }
    const size_t space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

TEST(HistogramTest, BucketsAreInclusiveUpperBoundsAndCumulative) {
  Histogram h({0.1, 1.0, 10.0});
  h.observe(0.05);
  h.observe(0.1);   // on a bound: counts in that bucket ("le")
  h.observe(0.5);
  h.observe(10.0);
  h.observe(50.0);  // only +Inf
  h.observe(std::numeric_limits<double>::quiet_NaN());  // ignored
  const auto s = h.snapshot();
  ASSERT_EQ(s.cumulative.size(), 3u);
  EXPECT_EQ(s.cumulative[0], 2u);
  EXPECT_EQ(s.cumulative[1], 3u);
  EXPECT_EQ(s.cumulative[2], 4u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_DOUBLE_EQ(s.sum, 0.05 + 0.1 + 0.5 + 10.0 + 50.0);
}

TEST(HistogramTest, ConcurrentObservationsAreAllCounted) {
  Histogram h(kInterTokenLatencyBuckets);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < 1000; ++i) h.observe(0.001 * (t + 1));
    });
  }
  for (auto& t : threads) t.join();
  const auto s = h.snapshot();
  EXPECT_EQ(s.count, 4000u);
  EXPECT_NEAR(s.sum, 1000 * (0.001 + 0.002 + 0.003 + 0.004), 1e-9);
  EXPECT_EQ(s.cumulative.back(), 4000u);
}

TEST(SequenceTimerTest, FirstEventIsTtftLaterOnesAreGapsEmptyOnesIgnored) {
  ServerMetrics m;
  SequenceTimer timer(m, SequenceTimer::Clock::now() - std::chrono::milliseconds(200));
  timer.on_tokens(0);  // no tokens: not a token event
  EXPECT_EQ(m.time_to_first_token.snapshot().count, 0u);
  timer.on_tokens(1);
  timer.on_tokens(2);
  timer.on_tokens(1);
  timer.on_complete();
  const auto ttft = m.time_to_first_token.snapshot();
  ASSERT_EQ(ttft.count, 1u);
  EXPECT_GE(ttft.sum, 0.2);
  const auto itl = m.inter_token_latency.snapshot();
  EXPECT_EQ(itl.count, 2u);
  EXPECT_LT(itl.sum, ttft.sum);
  const auto e2e = m.e2e_request_latency.snapshot();
  ASSERT_EQ(e2e.count, 1u);
  EXPECT_GE(e2e.sum, ttft.sum);
}

TEST(PrometheusTest, ExportsBackendStatsAndHistogramsWithEscapedModelLabel) {
  ServerMetrics m;
  m.time_to_first_token.observe(0.3);
  m.time_to_first_token.observe(3.0);
  m.http_requests = 7;
  m.http_errors = 2;
  BackendStats s;
  s.running = 2;
  s.waiting = 5;
  s.prompt_tokens = 1500;
  s.generation_tokens = 256;
  s.requests_finished = 3;
  s.kv_cache_usage = 0.25;
  s.prefix_cache_queries = 1000;
  s.prefix_cache_hits = 493;
  s.num_preemptions = 4;
  const std::string page = render_prometheus("org/m\"x\\", s, m);
  const auto samples = samples_of(page);
  const std::string label = "model_name=\"org/m\\\"x\\\\\"";
  auto value = [&](const std::string& name, const std::string& extra = "") {
    const std::string key = name + "{" + label + (extra.empty() ? "" : "," + extra) + "}";
    auto it = samples.find(key);
    EXPECT_NE(it, samples.end()) << key << "\n" << page;
    return it == samples.end() ? std::string() : it->second;
  };
  EXPECT_EQ(value("hirelm:num_requests_running"), "2");
  EXPECT_EQ(value("hirelm:num_requests_waiting"), "5");
  EXPECT_EQ(value("hirelm:kv_cache_usage_perc"), "0.25");
  EXPECT_EQ(value("hirelm:prompt_tokens_total"), "1500");
  EXPECT_EQ(value("hirelm:generation_tokens_total"), "256");
  EXPECT_EQ(value("hirelm:request_success_total"), "3");
  EXPECT_EQ(value("hirelm:prefix_cache_queries_total"), "1000");
  EXPECT_EQ(value("hirelm:prefix_cache_hits_total"), "493");
  EXPECT_EQ(value("hirelm:prefix_cache_hit_rate"), "0.493");
  EXPECT_EQ(value("hirelm:num_preemptions_total"), "4");
  EXPECT_EQ(value("hirelm:http_requests_total"), "7");
  EXPECT_EQ(value("hirelm:http_errors_total"), "2");
  EXPECT_EQ(value("hirelm:time_to_first_token_seconds_bucket", "le=\"0.25\""), "0");
  EXPECT_EQ(value("hirelm:time_to_first_token_seconds_bucket", "le=\"0.5\""), "1");
  EXPECT_EQ(value("hirelm:time_to_first_token_seconds_bucket", "le=\"5\""), "2");
  EXPECT_EQ(value("hirelm:time_to_first_token_seconds_bucket", "le=\"+Inf\""), "2");
  EXPECT_EQ(value("hirelm:time_to_first_token_seconds_count"), "2");
  EXPECT_DOUBLE_EQ(std::stod(value("hirelm:time_to_first_token_seconds_sum")), 3.3);
  EXPECT_EQ(value("hirelm:inter_token_latency_seconds_count"), "0");
  EXPECT_EQ(value("hirelm:e2e_request_latency_seconds_count"), "0");
  // Each series is introduced by its HELP and TYPE lines.
  EXPECT_NE(page.find("# TYPE hirelm:time_to_first_token_seconds histogram\n"), std::string::npos);
  EXPECT_NE(page.find("# TYPE hirelm:kv_cache_usage_perc gauge\n"), std::string::npos);
  EXPECT_NE(page.find("# TYPE hirelm:prefix_cache_hits_total counter\n"), std::string::npos);
}

TEST(PrometheusTest, HitRateIsZeroBeforeAnyQuery) {
  ServerMetrics m;
  const auto samples = samples_of(render_prometheus("m", BackendStats{}, m));
  EXPECT_EQ(samples.at("hirelm:prefix_cache_hit_rate{model_name=\"m\"}"), "0");
  EXPECT_EQ(samples.at("hirelm:kv_cache_usage_perc{model_name=\"m\"}"), "0");
}

TEST(PrometheusTest, LabelEscaping) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_label_value("plain/name-1.5B"), "plain/name-1.5B");
}

}  // namespace
}  // namespace hirelm::server
