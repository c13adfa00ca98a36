// Continuous batching over one paged KV cache: many requests share every forward pass.
//
// One scheduler thread owns the model's forward pass, a KvCache pool sized for many sequences and the
// SequenceGeneration of every request. Each step it builds ONE model::Batch:
//   1. one token for every running sequence that is decoding (arrival order);
//   2. chunks of the prompts of running sequences still prefilling, oldest first, until the step holds
//      max_num_batched_tokens tokens (chunked prefill: a long prompt is spread over several steps, so
//      the decodes in step 1 keep streaming). While any sequence decodes, the step is also held to about
//      max_itl_seconds: its prompt tokens are capped from the measured cost per token of earlier steps,
//      so a running stream waits at most about that long between tokens;
//   3. new requests, first come first served, while fewer than max_num_seqs run and the budget lasts.
//      A new request first attaches the longest cached prefix of its prompt (prefix caching), so only
//      the rest is computed; at least its last prompt token is always computed.
// Requests submitted meanwhile join at the next step. When the pool runs out of blocks for a decode,
// the newest running sequence is preempted: its blocks are released (its full blocks stay in the prefix
// cache) and it waits again at the head of the queue to recompute prompt + generated tokens, then
// continues with the same sampler state, so its output does not change. Requests never fail for lack of
// blocks; a request that could not fit even alone is refused at submit().
//
// Determinism: every sequence samples from its own logits row with its own RNG, and each row of the
// forward pass is computed the same way whatever else is in the batch, so greedy output of a request
// alone equals its output in any batch, and the same seed gives the same sampled tokens. (A matmul
// kernel whose summation order depended on the batch size could change a near-tie; ours do not.)
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "engine/kv/kv_cache.h"
#include "engine/scheduler/request_sink.h"

namespace hirelm::engine::scheduler {

// What one step ran (for tests and logs).
struct StepInfo {
  int64_t decode_tokens = 0;   // sequences that fed one generated token
  int64_t prefill_tokens = 0;  // prompt (or recomputed) tokens
  int64_t sequences = 0;       // distinct sequences in the batch
};

// Prompt tokens a step takes while sequences decode, however slow the machine: prompts always advance.
inline constexpr int64_t kMinPrefillChunk = 16;

struct SchedulerOptions {
  int64_t max_num_seqs = 16;             // sequences in one batch (running at once)
  int64_t max_num_batched_tokens = 512;  // tokens in one forward pass; >= max_num_seqs
  int64_t kv_blocks = 0;                 // KV pool size in blocks; 0 = max_num_seqs full contexts
  std::optional<kv::KvType> kv_type;     // unset: the engine's own KV precision
  bool prefix_caching = true;
  // While sequences decode, the step's tokens are capped to what fits in this many seconds at the measured
  // cost per token (at least kMinPrefillChunk prompt tokens, so prompts still advance); 0: no cap.
  // The moving average aims the typical step at this; the machine's swings put the slowest steps 1.4-1.8x
  // above it (measured at 1.5 s), so 1.1 s keeps the inter-token p99 under 2 s (docs/scheduler.md).
  double max_itl_seconds = 1.1;
  // Called on the scheduler thread after every step (may be empty).
  std::function<void(const StepInfo&)> on_step;
};

struct SchedulerStats {
  int64_t running = 0;            // sequences admitted (prefilling or decoding)
  int64_t waiting = 0;            // submitted, not admitted (including preempted ones)
  int64_t prompt_tokens = 0;      // totals of finished requests since start
  int64_t generation_tokens = 0;
  int64_t requests_finished = 0;
  int64_t num_preemptions = 0;
  int64_t steps = 0;              // forward passes run
  double kv_cache_usage = 0;      // fraction of the pool's blocks referenced by sequences, 0..1
  int64_t kv_blocks_total = 0;
  int64_t kv_blocks_used = 0;
  int64_t prefix_cache_queries = 0;  // prompt tokens looked up in the prefix cache
  int64_t prefix_cache_hits = 0;     // of those, tokens served from it
};

class Scheduler {
 public:
  // The engine must outlive the scheduler; while the scheduler lives, nothing else may run the engine's
  // model (its forward pass is not reentrant). Its const members (tokenizer, templates) stay usable.
  // Throws InvalidInputError for bad options.
  Scheduler(Engine& engine, SchedulerOptions options);
  // Stops the thread: running requests finish as cancelled, waiting ones fail (ErrorKind::kIo).
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Prepares the prompt (on the caller's thread) and queues the request; returns its id. Throws
  // InvalidInputError for a bad request (as Engine::generate) or one needing more KV blocks than the
  // whole pool (prompt + max_tokens).
  uint64_t submit(const GenerationRequest& request, std::shared_ptr<RequestSink> sink);
  // Stops request `id` at the next step (as RequestSink::cancelled()). Unknown or finished ids: no-op.
  void cancel(uint64_t id);

  SchedulerStats stats() const;
  const SchedulerOptions& options() const { return options_; }
  // Tokens the KV pool holds in all.
  int64_t kv_capacity_tokens() const { return kv_capacity_tokens_; }

 private:
  struct Sequence;
  void run();
  void step();
  void take_cancellations();
  bool plan_running(std::vector<std::pair<Sequence*, int64_t>>& plan, int64_t& budget);
  void admit(std::vector<std::pair<Sequence*, int64_t>>& plan, int64_t& budget);
  // True when a running sequence is still prefilling full blocks of `s`'s prompt beyond the `cached`
  // tokens the prefix cache holds now: `s` then waits a step and attaches them instead of computing
  // them again (requests that arrive together share a job description's prefill).
  bool prefix_in_flight(const Sequence& s, int64_t cached) const;
  int64_t reserve(Sequence& s, int64_t n_tokens);
  // The token budget left for prompt chunks in a step that already holds `decodes` decode tokens and has
  // `budget` tokens left of max_num_batched_tokens (max_itl_seconds applied).
  int64_t prefill_budget(int64_t decodes, int64_t budget) const;
  void preempt(Sequence& s);
  void finish(std::unique_ptr<Sequence> s);
  // Stops `s` as cancelled, sends its held-back text, then finish()es it.
  void finish_cancelled(std::unique_ptr<Sequence> s);
  void fail(std::unique_ptr<Sequence> s, const std::string& message, ErrorKind kind);
  void run_batch(const std::vector<std::pair<Sequence*, int64_t>>& plan);
  std::unique_ptr<Sequence> take_running(Sequence& s);
  void publish_stats();

  Engine& engine_;
  SchedulerOptions options_;
  std::unique_ptr<kv::KvCache> cache_;
  int64_t kv_capacity_tokens_ = 0;

  // Shared with submitting threads, under mutex_.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Sequence>> inbox_;
  std::vector<uint64_t> cancel_ids_;
  bool stopping_ = false;
  uint64_t next_id_ = 1;
  SchedulerStats stats_;

  // Scheduler thread only.
  std::deque<std::unique_ptr<Sequence>> waiting_;   // by id (arrival); preempted ones back in order
  std::vector<std::unique_ptr<Sequence>> running_;  // by id (arrival): the back is the newest
  int32_t next_kv_id_ = 0;
  std::vector<float> logits_;
  SchedulerStats counters_;
  double seconds_per_token_ = 0;  // moving average over steps of kMinTimedTokens+ tokens; 0: none measured yet

  std::thread thread_;  // last: starts after everything above is built
};

}  // namespace hirelm::engine::scheduler
