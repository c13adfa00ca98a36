// The continuous-batching scheduler on the random-weight reference model tiny-qwen2-A: batched output
// equals one-at-a-time output exactly (greedy and seeded sampling), prefix-cache hits give the same
// logits as recomputation, cancellation returns blocks, a small pool preempts yet completes everything,
// and chunked prefill shares steps with running decodes.
#include "engine/scheduler/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/reference.h"
#include "util/error.h"

namespace hirelm::engine::scheduler {
namespace {

using namespace std::chrono_literals;

Engine load(const std::string& file) {
  EngineOptions options;
  options.threads = 2;
  options.ctx = 256;
  options.kv_type = kv::KvType::kF32;
  return Engine::load(test::reference_path("tiny-qwen2/gguf/" + file), options);
}

std::vector<int32_t> prompt_tokens(int seed, int64_t n) {
  std::vector<int32_t> t;
  for (int64_t i = 0; i < n; ++i) t.push_back(static_cast<int32_t>((seed * 131 + i * 37) % 1000 + 1));
  return t;
}

GenerationRequest greedy(std::vector<int32_t> prompt, int64_t max_tokens) {
  GenerationRequest r;
  r.prompt_tokens = std::move(prompt);
  r.sampling.temperature = 0.0;
  r.max_tokens = max_tokens;
  r.ignore_eos = true;
  return r;
}

GenerationRequest sampled(std::vector<int32_t> prompt, int64_t max_tokens, uint64_t seed) {
  GenerationRequest r = greedy(std::move(prompt), max_tokens);
  r.sampling.temperature = 1.0;
  r.sampling.top_p = 0.95;
  r.sampling.seed = seed;
  return r;
}

// Collects one request's output; cancels itself after `cancel_after` events when set.
class TestSink : public RequestSink {
 public:
  explicit TestSink(int cancel_after = -1) : cancel_after_(cancel_after) {}
  bool cancelled() const override {
    std::lock_guard lock(mutex_);
    return cancel_after_ >= 0 && events_ >= cancel_after_;
  }
  void on_event(StreamEvent event) override {
    std::lock_guard lock(mutex_);
    ++events_;
    tokens_.insert(tokens_.end(), event.tokens.begin(), event.tokens.end());
    for (auto& lp : event.logprobs) logprobs_.push_back(lp.chosen.logprob);
  }
  void on_result(GenerationResult result) override { done_.set_value(std::move(result)); }
  void on_failure(const std::string& message, ErrorKind) override {
    done_.set_exception(std::make_exception_ptr(std::runtime_error(message)));
  }
  GenerationResult wait() {
    auto f = done_.get_future();
    EXPECT_EQ(f.wait_for(120s), std::future_status::ready);
    return f.get();
  }
  int events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<int32_t> tokens() const {
    std::lock_guard lock(mutex_);
    return tokens_;
  }
  std::vector<float> logprobs() const {
    std::lock_guard lock(mutex_);
    return logprobs_;
  }

 private:
  mutable std::mutex mutex_;
  int cancel_after_;
  int events_ = 0;
  std::vector<int32_t> tokens_;
  std::vector<float> logprobs_;
  std::promise<GenerationResult> done_;
};

// Waits until the scheduler's published stats satisfy `ok` (they are refreshed after each step).
template <typename Pred>
SchedulerStats wait_stats(const Scheduler& s, Pred ok) {
  for (int i = 0; i < 2000; ++i) {
    SchedulerStats st = s.stats();
    if (ok(st)) return st;
    std::this_thread::sleep_for(5ms);
  }
  return s.stats();
}

class SchedulerA : public ::testing::Test {
 protected:
  void SetUp() override {
    HIRELM_REQUIRE_REFERENCE();
    engine_ = std::make_unique<Engine>(load("tiny-qwen2-A-F32.gguf"));
  }
  // Engine::generate, one request at a time: the reference every batched run must match.
  std::vector<GenerationResult> sequential(const std::vector<GenerationRequest>& requests) {
    std::vector<GenerationResult> out;
    for (const auto& r : requests) out.push_back(engine_->generate(r));
    return out;
  }
  std::vector<GenerationResult> batched(Scheduler& scheduler, const std::vector<GenerationRequest>& requests) {
    std::vector<std::shared_ptr<TestSink>> sinks;
    for (const auto& r : requests) {
      sinks.push_back(std::make_shared<TestSink>());
      scheduler.submit(r, sinks.back());
    }
    std::vector<GenerationResult> out;
    for (auto& s : sinks) {
      out.push_back(s->wait());
      EXPECT_EQ(s->tokens(), out.back().tokens);  // streamed tokens add up to the result
    }
    return out;
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(SchedulerA, ConcurrentGreedyEqualsSequential) {
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 7; ++i) requests.push_back(greedy(prompt_tokens(i, 5 + 9 * i), 10 + i));
  const auto expected = sequential(requests);
  std::vector<StepInfo> steps;
  SchedulerOptions o;
  o.max_num_seqs = 4;            // some requests wait for a slot
  o.max_num_batched_tokens = 24;  // long prompts are chunked
  o.on_step = [&](const StepInfo& s) { steps.push_back(s); };
  {
    Scheduler scheduler(*engine_, o);
    const auto got = batched(scheduler, requests);
    for (size_t i = 0; i < requests.size(); ++i) {
      EXPECT_EQ(got[i].tokens, expected[i].tokens) << "request " << i;
      EXPECT_EQ(got[i].completion_tokens, 10 + static_cast<int64_t>(i));
      EXPECT_EQ(got[i].prompt_tokens, static_cast<int64_t>(requests[i].prompt_tokens.size()));
      EXPECT_EQ(got[i].finish_reason, FinishReason::kLength);
    }
    const auto st = wait_stats(scheduler, [](const SchedulerStats& s) { return s.requests_finished == 7; });
    EXPECT_EQ(st.running, 0);
    EXPECT_EQ(st.waiting, 0);
    EXPECT_EQ(st.kv_blocks_used, 0);
    EXPECT_EQ(st.generation_tokens, 7 * 10 + 21);
  }
  int64_t most_sequences = 0;
  for (const auto& s : steps) {
    EXPECT_LE(s.decode_tokens + s.prefill_tokens, 24);
    EXPECT_LE(s.sequences, 4);
    most_sequences = std::max(most_sequences, s.sequences);
  }
  EXPECT_GE(most_sequences, 3);  // it really batched
}

TEST_F(SchedulerA, SameSeedSameSampledOutputInABatch) {
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 5; ++i) requests.push_back(sampled(prompt_tokens(i, 12 + 3 * i), 16, 100 + i));
  const auto expected = sequential(requests);
  Scheduler scheduler(*engine_, {});
  const auto got = batched(scheduler, requests);
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(got[i].tokens, expected[i].tokens) << "request " << i;
    EXPECT_EQ(got[i].seed, 100u + i);
  }
  EXPECT_NE(got[0].tokens, got[1].tokens);
}

TEST_F(SchedulerA, PrefixCacheHitsGiveTheSameLogits) {
  // A 40-token shared prefix (2 full blocks of 16 and 8 tokens of a third), then different tails. The 8
  // tokens inside the third block are reused too (copied out of the first request's block), and the
  // logits must not change.
  const auto shared = prompt_tokens(3, 40);
  auto make = [&](int tail_seed, int64_t tail) {
    auto p = shared;
    auto t = prompt_tokens(tail_seed, tail);
    p.insert(p.end(), t.begin(), t.end());
    GenerationRequest r = greedy(p, 12);
    r.top_logprobs = 0;
    return r;
  };
  std::vector<GenerationRequest> requests = {make(10, 5), make(11, 20), make(12, 1)};
  requests.push_back(greedy(shared, 12));  // the whole prompt is cached: its last token is recomputed
  requests.back().top_logprobs = 0;
  std::vector<std::vector<float>> expected_logprobs;
  std::vector<GenerationResult> expected;
  for (const auto& r : requests) {
    std::vector<float> lp;
    expected.push_back(engine_->generate(r, [&](const StreamEvent& e) {
      for (auto& l : e.logprobs) lp.push_back(l.chosen.logprob);
      return true;
    }));
    expected_logprobs.push_back(lp);
  }

  Scheduler scheduler(*engine_, {});
  std::vector<int64_t> cached;
  for (size_t i = 0; i < requests.size(); ++i) {  // one after another, so each sees the previous blocks
    auto sink = std::make_shared<TestSink>();
    scheduler.submit(requests[i], sink);
    GenerationResult r = sink->wait();
    EXPECT_EQ(r.tokens, expected[i].tokens) << "request " << i;
    EXPECT_EQ(sink->logprobs(), expected_logprobs[i]) << "request " << i;
    cached.push_back(r.cached_tokens);
  }
  EXPECT_EQ(cached[0], 0);
  EXPECT_EQ(cached[1], 40);
  EXPECT_EQ(cached[2], 40);
  EXPECT_EQ(cached[3], 39);  // a 40-token prompt: its last token is computed for its logits
  const auto st = wait_stats(scheduler, [](const SchedulerStats& s) { return s.requests_finished == 4; });
  EXPECT_EQ(st.prefix_cache_hits, 119);
  EXPECT_EQ(st.prefix_cache_queries, 45 + 60 + 41 + 40);
}

TEST_F(SchedulerA, RequestsArrivingTogetherComputeTheSharedPrefixOnce) {
  // Six requests submitted at once share a 40-token prefix (2 full blocks): the first admitted computes
  // it, the others wait for its blocks instead of recomputing them, and every output is unchanged.
  const auto shared = prompt_tokens(7, 40);
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 6; ++i) {
    auto p = shared;
    auto tail = prompt_tokens(20 + i, 6 + i);
    p.insert(p.end(), tail.begin(), tail.end());
    requests.push_back(greedy(p, 6));
  }
  const auto expected = sequential(requests);
  Scheduler scheduler(*engine_, {});
  const auto got = batched(scheduler, requests);
  int computed_prefix = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(got[i].tokens, expected[i].tokens) << "request " << i;
    if (got[i].cached_tokens == 0) {
      ++computed_prefix;
    } else {
      EXPECT_EQ(got[i].cached_tokens, 32) << "request " << i;
    }
  }
  EXPECT_EQ(computed_prefix, 1);
}

TEST_F(SchedulerA, ConstrainedAndFreeSequencesShareBatchesEachWithItsOwnState) {
  // Structured outputs inside continuous batching: regex- and choice-constrained requests run in the
  // same steps as unconstrained ones; every constrained output matches its constraint and every output
  // equals the same request run alone.
  OutputConstraint regex;
  regex.kind = OutputConstraint::Kind::kRegex;
  regex.text = "[a-z]{2,6}-[0-9]{2}";
  const std::regex regex_check("[a-z]{2,6}-[0-9]{2}");
  OutputConstraint choice;
  choice.kind = OutputConstraint::Kind::kChoice;
  choice.choices = {"yes", "no", "maybe"};
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 9; ++i) {
    GenerationRequest r = sampled(prompt_tokens(40 + i, 10 + i), 24, 300 + i);
    r.ignore_eos = false;
    if (i % 3 == 0) r.constraint = regex;
    if (i % 3 == 1) r.constraint = choice;
    requests.push_back(r);
  }
  const auto expected = sequential(requests);
  SchedulerOptions o;
  o.max_num_seqs = 5;
  Scheduler scheduler(*engine_, o);
  const auto got = batched(scheduler, requests);
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(got[i].tokens, expected[i].tokens) << "request " << i;
    if (i % 3 == 0) {
      EXPECT_TRUE(std::regex_match(got[i].content, regex_check)) << got[i].content;
    }
    if (i % 3 == 1) {
      EXPECT_NE(std::find(choice.choices.begin(), choice.choices.end(), got[i].content), choice.choices.end())
          << got[i].content;
    }
    if (i % 3 != 2) {
      EXPECT_EQ(got[i].finish_reason, FinishReason::kStop) << "request " << i;
    }
  }
}

TEST_F(SchedulerA, PrefixCachingOffCachesNothing) {
  SchedulerOptions o;
  o.prefix_caching = false;
  Scheduler scheduler(*engine_, o);
  for (int i = 0; i < 2; ++i) {
    auto sink = std::make_shared<TestSink>();
    scheduler.submit(greedy(prompt_tokens(5, 50), 4), sink);
    EXPECT_EQ(sink->wait().cached_tokens, 0);
  }
  EXPECT_EQ(scheduler.stats().prefix_cache_queries, 0);
}

TEST_F(SchedulerA, CancelMidGenerationReturnsBlocks) {
  Scheduler scheduler(*engine_, {});
  auto keep = std::make_shared<TestSink>();
  auto cancel = std::make_shared<TestSink>(/*cancel_after=*/3);
  scheduler.submit(greedy(prompt_tokens(1, 30), 40), keep);
  scheduler.submit(greedy(prompt_tokens(2, 30), 200), cancel);
  GenerationResult c = cancel->wait();
  EXPECT_EQ(c.finish_reason, FinishReason::kCancelled);
  EXPECT_GE(c.completion_tokens, 3);
  EXPECT_LT(c.completion_tokens, 200);
  GenerationResult k = keep->wait();
  EXPECT_EQ(k.finish_reason, FinishReason::kLength);
  EXPECT_EQ(k.completion_tokens, 40);
  const auto st = wait_stats(scheduler, [](const SchedulerStats& s) { return s.kv_blocks_used == 0; });
  EXPECT_EQ(st.kv_blocks_used, 0);
  EXPECT_DOUBLE_EQ(st.kv_cache_usage, 0.0);

  // Scheduler::cancel by id works for a request that has not run yet, too.
  auto by_id = std::make_shared<TestSink>();
  const uint64_t id = scheduler.submit(greedy(prompt_tokens(3, 30), 200), by_id);
  scheduler.cancel(id);
  EXPECT_EQ(by_id->wait().finish_reason, FinishReason::kCancelled);
}

TEST_F(SchedulerA, SmallPoolQueuesAndPreemptsYetAllComplete) {
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 6; ++i) requests.push_back(greedy(prompt_tokens(20 + i, 20), 40));  // 60 tokens = 4 blocks
  const auto expected = sequential(requests);
  SchedulerOptions o;
  o.max_num_seqs = 6;
  o.kv_blocks = 9;  // room for two whole requests, not six
  o.prefix_caching = false;
  Scheduler scheduler(*engine_, o);
  const auto got = batched(scheduler, requests);
  for (size_t i = 0; i < requests.size(); ++i) EXPECT_EQ(got[i].tokens, expected[i].tokens) << "request " << i;
  const auto st = wait_stats(scheduler, [](const SchedulerStats& s) { return s.requests_finished == 6; });
  EXPECT_GT(st.num_preemptions, 0);
  EXPECT_EQ(st.kv_blocks_used, 0);
}

TEST_F(SchedulerA, RequestLargerThanThePoolIsRefused) {
  SchedulerOptions o;
  o.kv_blocks = 2;  // 32 tokens
  Scheduler scheduler(*engine_, o);
  EXPECT_THROW(scheduler.submit(greedy(prompt_tokens(1, 20), 20), std::make_shared<TestSink>()), InvalidInputError);
  auto fits = std::make_shared<TestSink>();
  scheduler.submit(greedy(prompt_tokens(1, 20), 12), fits);
  EXPECT_EQ(fits->wait().completion_tokens, 12);
}

TEST_F(SchedulerA, ChunkedPrefillInterleavesWithARunningDecode) {
  std::mutex mutex;
  std::vector<StepInfo> steps;
  SchedulerOptions o;
  o.max_num_batched_tokens = 16;
  o.on_step = [&](const StepInfo& s) {
    std::lock_guard lock(mutex);
    steps.push_back(s);
  };
  Scheduler scheduler(*engine_, o);
  auto decode = std::make_shared<TestSink>();
  scheduler.submit(greedy(prompt_tokens(1, 8), 120), decode);
  while (decode->events() < 2) std::this_thread::sleep_for(1ms);
  auto longp = std::make_shared<TestSink>();
  scheduler.submit(greedy(prompt_tokens(2, 160), 4), longp);
  EXPECT_EQ(longp->wait().completion_tokens, 4);
  decode->wait();
  std::lock_guard lock(mutex);
  int mixed = 0;
  for (const auto& s : steps) {
    EXPECT_LE(s.decode_tokens + s.prefill_tokens, 16);
    if (s.decode_tokens > 0 && s.prefill_tokens > 0) ++mixed;
  }
  // 160 prompt tokens in chunks of at most 15 beside the decode: at least 11 mixed steps.
  EXPECT_GE(mixed, 11);
}

// max_itl_seconds: once a step has been timed, prompt chunks beside running decodes shrink to what fits in
// the target (here a target no step can meet, so the floor of kMinPrefillChunk tokens); with the cap off the
// same requests take the whole token budget. The output is the same either way.
TEST_F(SchedulerA, PromptChunksShrinkWhileSequencesDecode) {
  const std::vector<GenerationRequest> requests = {greedy(prompt_tokens(5, 40), 40), greedy(prompt_tokens(6, 150), 4)};
  const auto expected = sequential(requests);
  auto run = [&](double max_itl_seconds) {
    std::vector<StepInfo> steps;
    SchedulerOptions o;
    o.max_num_batched_tokens = 128;
    o.max_itl_seconds = max_itl_seconds;
    o.on_step = [&](const StepInfo& s) { steps.push_back(s); };  // the scheduler thread only; read after it stops
    {
      Scheduler scheduler(*engine_, o);
      const auto got = batched(scheduler, requests);
      for (size_t i = 0; i < requests.size(); ++i) EXPECT_EQ(got[i].tokens, expected[i].tokens) << i;
    }
    int64_t largest_mixed = 0;  // the most prompt tokens of a step that also decoded
    for (const auto& s : steps) {
      if (s.decode_tokens > 0) largest_mixed = std::max(largest_mixed, s.prefill_tokens);
    }
    return largest_mixed;
  };
  // Request 0's first step holds its 40 prompt tokens (and, if request 1 arrived in time, 88 of request 1's):
  // a timed step. Afterwards request 0 decodes beside the rest of request 1's prompt: 62 or 127 tokens
  // uncapped, depending on that arrival.
  EXPECT_EQ(run(1e-9), kMinPrefillChunk);
  EXPECT_GE(run(0), 62);
  EXPECT_THROW(Scheduler(*engine_, SchedulerOptions{.max_itl_seconds = -1}), InvalidInputError);
}

TEST(SchedulerQ8, ConcurrentGreedyEqualsSequential) {
  HIRELM_REQUIRE_REFERENCE();
  Engine engine = load("tiny-qwen2-A-Q8_0.gguf");
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 5; ++i) requests.push_back(greedy(prompt_tokens(40 + i, 10 + 7 * i), 12));
  std::vector<GenerationResult> expected;
  for (const auto& r : requests) expected.push_back(engine.generate(r));
  Scheduler scheduler(engine, {});
  std::vector<std::shared_ptr<TestSink>> sinks;
  for (const auto& r : requests) {
    sinks.push_back(std::make_shared<TestSink>());
    scheduler.submit(r, sinks.back());
  }
  for (size_t i = 0; i < requests.size(); ++i) EXPECT_EQ(sinks[i]->wait().tokens, expected[i].tokens) << i;
}

}  // namespace
}  // namespace hirelm::engine::scheduler
