// SchedulerBackend: the HTTP layer's view of the continuous-batching scheduler. Handles get deltas then
// one result; concurrent requests match one-at-a-time ones; cancel() frees the request's KV blocks;
// requests the pool cannot hold fail cleanly; the waiting limit answers kOverloaded.
#include "server/scheduler_backend.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <variant>
#include <vector>

#include "server/api_error.h"
#include "support/reference.h"

namespace hirelm::server {
namespace {

using namespace std::chrono_literals;

engine::Engine load() {
  engine::EngineOptions options;
  options.threads = 2;
  options.ctx = 256;
  options.kv_type = kv::KvType::kF32;
  return engine::Engine::load(test::reference_path("tiny-qwen2/gguf/tiny-qwen2-A-F32.gguf"), options);
}

engine::GenerationRequest greedy(int seed, int64_t n_prompt, int64_t max_tokens) {
  engine::GenerationRequest r;
  for (int64_t i = 0; i < n_prompt; ++i) r.prompt_tokens.push_back(static_cast<int32_t>((seed * 97 + i * 13) % 900 + 5));
  r.sampling.temperature = 0.0;
  r.max_tokens = max_tokens;
  r.ignore_eos = true;
  return r;
}

struct Collected {
  std::vector<int32_t> streamed;
  std::optional<engine::GenerationResult> result;
  std::optional<BackendFailure> failure;
};

Collected drain(RequestHandle& handle) {
  Collected c;
  for (;;) {
    BackendEvent e = handle.next();
    if (auto* delta = std::get_if<engine::StreamEvent>(&e)) {
      c.streamed.insert(c.streamed.end(), delta->tokens.begin(), delta->tokens.end());
    } else if (auto* result = std::get_if<engine::GenerationResult>(&e)) {
      c.result = std::move(*result);
      return c;
    } else {
      c.failure = std::get<BackendFailure>(e);
      return c;
    }
  }
}

BackendStats wait_idle(const CompletionBackend& backend) {
  for (int i = 0; i < 2000; ++i) {
    BackendStats s = backend.stats();
    if (s.running == 0 && s.waiting == 0 && s.kv_cache_usage == 0) return s;
    std::this_thread::sleep_for(5ms);
  }
  return backend.stats();
}

TEST(SchedulerBackend, ConcurrentRequestsMatchSequentialOnes) {
  HIRELM_REQUIRE_REFERENCE();
  engine::Engine engine = load();
  std::vector<engine::GenerationRequest> requests;
  for (int i = 0; i < 5; ++i) requests.push_back(greedy(i, 20 + 10 * i, 16));
  std::vector<std::vector<int32_t>> expected;
  for (const auto& r : requests) expected.push_back(engine.generate(r).tokens);

  SchedulerBackend backend(std::move(engine), {}, 16);
  std::vector<std::shared_ptr<RequestHandle>> handles;
  for (const auto& r : requests) handles.push_back(backend.submit(r));
  for (size_t i = 0; i < handles.size(); ++i) {
    Collected c = drain(*handles[i]);
    ASSERT_TRUE(c.result) << (c.failure ? c.failure->message : "");
    EXPECT_EQ(c.result->tokens, expected[i]) << i;
    EXPECT_EQ(c.streamed, expected[i]) << i;
  }
  BackendStats s = wait_idle(backend);
  EXPECT_EQ(s.requests_finished, 5);
  EXPECT_EQ(s.generation_tokens, 5 * 16);
  EXPECT_EQ(s.prompt_tokens, 20 + 30 + 40 + 50 + 60);
  EXPECT_GT(s.prefix_cache_queries, 0);
}

TEST(SchedulerBackend, CancelStopsTheRequestAndFreesItsBlocks) {
  HIRELM_REQUIRE_REFERENCE();
  SchedulerBackend backend(load(), {}, 16);
  auto handle = backend.submit(greedy(1, 30, 200));
  BackendEvent first = handle->next();  // a delta: it is running
  ASSERT_TRUE(std::holds_alternative<engine::StreamEvent>(first));
  // The scheduler publishes its counters at the end of a step, after that step's tokens went out: the first
  // delta can arrive before the step that allocated the blocks is counted. Wait for the next publication.
  double usage = 0.0;
  for (int i = 0; i < 400 && usage == 0.0; ++i) {
    usage = backend.stats().kv_cache_usage;
    if (usage == 0.0) std::this_thread::sleep_for(1ms);
  }
  EXPECT_GT(usage, 0.0);
  handle->cancel();
  Collected c = drain(*handle);
  ASSERT_TRUE(c.result);
  EXPECT_EQ(c.result->finish_reason, engine::FinishReason::kCancelled);
  EXPECT_LT(c.result->completion_tokens, 200);
  EXPECT_EQ(wait_idle(backend).kv_cache_usage, 0.0);
}

TEST(SchedulerBackend, RequestLargerThanThePoolFails) {
  HIRELM_REQUIRE_REFERENCE();
  engine::scheduler::SchedulerOptions o;
  o.kv_blocks = 4;  // 64 tokens
  SchedulerBackend backend(load(), o, 16);
  Collected c = drain(*backend.submit(greedy(1, 40, 40)));
  ASSERT_TRUE(c.failure);
  EXPECT_EQ(c.failure->kind, ErrorKind::kInvalidInput);
  EXPECT_NE(c.failure->message.find("KV"), std::string::npos) << c.failure->message;
}

TEST(SchedulerBackend, FullQueueIsOverloaded) {
  HIRELM_REQUIRE_REFERENCE();
  engine::scheduler::SchedulerOptions o;
  o.max_num_seqs = 1;
  o.max_num_batched_tokens = 8;
  SchedulerBackend backend(load(), o, 1);
  auto running = backend.submit(greedy(1, 10, 200));
  running->next();  // admitted and streaming
  auto queued = backend.submit(greedy(2, 10, 4));
  try {
    backend.submit(greedy(3, 10, 4));
    ADD_FAILURE() << "expected kOverloaded";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ApiErrorKind::kOverloaded);
  }
  running->cancel();
  EXPECT_TRUE(drain(*running).result);
  Collected q = drain(*queued);
  ASSERT_TRUE(q.result);
  EXPECT_EQ(q.result->completion_tokens, 4);
}

}  // namespace
}  // namespace hirelm::server
