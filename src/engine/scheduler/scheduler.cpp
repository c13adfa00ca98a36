#include "engine/scheduler/scheduler.h"

#include <algorithm>
#include <chrono>
#include <span>
#include <string>

#include "util/check.h"

namespace hirelm::engine::scheduler {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

bool has_payload(const StreamEvent& e) {
  return !e.tokens.empty() || !e.reasoning_delta.empty() || !e.content_delta.empty();
}

int64_t div_up(int64_t a, int64_t b) { return (a + b - 1) / b; }
}  // namespace

// One request from submit() to its final sink call.
struct Scheduler::Sequence {
  uint64_t id = 0;
  std::shared_ptr<RequestSink> sink;
  std::unique_ptr<SequenceGeneration> gen;
  std::vector<int32_t> tokens;  // prompt + generated: the ids whose keys/values the sequence needs
  int64_t n_prompt = 0;
  int32_t kv_id = -1;           // KV cache entry while admitted, else -1
  int64_t n_computed = 0;       // tokens[0, n_computed) are in the cache
  int64_t cached_tokens = -1;   // prompt tokens attached from the prefix cache at first admission
  bool cancel = false;
  std::optional<Clock::time_point> started, first_token;

  int64_t remaining() const { return static_cast<int64_t>(tokens.size()) - n_computed; }
};

Scheduler::Scheduler(Engine& engine, SchedulerOptions options) : engine_(engine), options_(std::move(options)) {
  if (options_.max_num_seqs < 1) {
    throw InvalidInputError("max-num-seqs: expected at least 1, got " + std::to_string(options_.max_num_seqs));
  }
  if (!(options_.max_itl_seconds >= 0 && options_.max_itl_seconds <= 3600)) {
    throw InvalidInputError("max-itl: expected 0 (off) .. 3600 seconds, got " + std::to_string(options_.max_itl_seconds));
  }
  if (options_.max_num_batched_tokens < options_.max_num_seqs) {
    throw InvalidInputError("max-num-batched-tokens: expected at least max-num-seqs (" +
                            std::to_string(options_.max_num_seqs) + "), got " +
                            std::to_string(options_.max_num_batched_tokens));
  }
  if (options_.kv_blocks < 0) {
    throw InvalidInputError("KV cache blocks: expected 0 (auto) or more, got " + std::to_string(options_.kv_blocks));
  }
  kv::KvCacheOptions kv = engine_.model().kv_cache_options(engine_.context_size(), options_.max_num_seqs,
                                                           options_.kv_type.value_or(engine_.kv_cache().options().type));
  if (options_.kv_blocks > 0) kv.n_blocks = options_.kv_blocks;
  kv.prefix_caching = options_.prefix_caching;
  cache_ = std::make_unique<kv::KvCache>(kv);
  kv_capacity_tokens_ = kv.n_blocks * kv.block_size;
  stats_.kv_blocks_total = kv.n_blocks;
  counters_.kv_blocks_total = kv.n_blocks;
  thread_ = std::thread([this] { run(); });
}

Scheduler::~Scheduler() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

uint64_t Scheduler::submit(const GenerationRequest& request, std::shared_ptr<RequestSink> sink) {
  HIRELM_CHECK(sink != nullptr);
  Engine::Prompt prompt = engine_.prepare_prompt(request);
  SequenceOptions seq_options = engine_.sequence_options(request, prompt);
  auto s = std::make_unique<Sequence>();
  s->n_prompt = static_cast<int64_t>(prompt.tokens.size());
  const int64_t need = s->n_prompt + seq_options.max_tokens;
  if (need > kv_capacity_tokens_) {
    throw InvalidInputError("request needs KV room for " + std::to_string(need) + " tokens (prompt " +
                            std::to_string(s->n_prompt) + " + max_tokens " + std::to_string(seq_options.max_tokens) +
                            "), but the whole KV cache holds " + std::to_string(kv_capacity_tokens_) +
                            "; lower max_tokens or raise --kv-cache-memory");
  }
  s->tokens = prompt.tokens;
  s->sink = std::move(sink);
  s->gen = std::make_unique<SequenceGeneration>(engine_.tokenizer(), std::move(prompt.tokens), std::move(seq_options));
  uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw IoError("scheduler shutting down");
    id = next_id_++;
    s->id = id;
    inbox_.push_back(std::move(s));
  }
  wake_.notify_one();
  return id;
}

void Scheduler::cancel(uint64_t id) {
  {
    std::lock_guard lock(mutex_);
    cancel_ids_.push_back(id);
  }
  wake_.notify_one();
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard lock(mutex_);
  SchedulerStats s = stats_;
  s.waiting += static_cast<int64_t>(inbox_.size());
  return s;
}

void Scheduler::publish_stats() {
  counters_.running = static_cast<int64_t>(running_.size());
  counters_.waiting = static_cast<int64_t>(waiting_.size());
  counters_.kv_cache_usage = cache_->usage();
  counters_.kv_blocks_used = cache_->n_used_blocks();
  counters_.prefix_cache_queries = cache_->prefix_counters().queries;
  counters_.prefix_cache_hits = cache_->prefix_counters().hits;
  std::lock_guard lock(mutex_);
  stats_ = counters_;
}

void Scheduler::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !inbox_.empty() || !running_.empty() || !waiting_.empty(); });
      if (stopping_) break;
      // Moved requests keep counting as waiting until the step's stats are published.
      stats_.waiting += static_cast<int64_t>(inbox_.size());
      while (!inbox_.empty()) {
        waiting_.push_back(std::move(inbox_.front()));
        inbox_.pop_front();
      }
    }
    step();
    publish_stats();
  }
  // Shutdown: running requests end as cancelled, queued ones fail.
  while (!running_.empty()) finish_cancelled(take_running(*running_.back()));
  std::deque<std::unique_ptr<Sequence>> queued;
  {
    std::lock_guard lock(mutex_);
    queued.swap(inbox_);
  }
  for (auto& s : waiting_) fail(std::move(s), "scheduler shutting down", ErrorKind::kIo);
  for (auto& s : queued) fail(std::move(s), "scheduler shutting down", ErrorKind::kIo);
  waiting_.clear();
  publish_stats();
}

void Scheduler::take_cancellations() {
  std::vector<uint64_t> ids;
  {
    std::lock_guard lock(mutex_);
    ids.swap(cancel_ids_);
  }
  auto wanted = [&](Sequence& s) {
    if (!s.cancel) s.cancel = std::find(ids.begin(), ids.end(), s.id) != ids.end() || s.sink->cancelled();
    return s.cancel;
  };
  for (size_t i = running_.size(); i-- > 0;) {
    if (wanted(*running_[i])) finish_cancelled(take_running(*running_[i]));
  }
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (wanted(**it)) {
      auto s = std::move(*it);
      it = waiting_.erase(it);
      finish_cancelled(std::move(s));
    } else {
      ++it;
    }
  }
}

std::unique_ptr<Scheduler::Sequence> Scheduler::take_running(Sequence& s) {
  auto it = std::find_if(running_.begin(), running_.end(), [&](const auto& p) { return p.get() == &s; });
  HIRELM_CHECK(it != running_.end());
  auto owned = std::move(*it);
  running_.erase(it);
  return owned;
}

void Scheduler::finish(std::unique_ptr<Sequence> s) {
  if (s->kv_id >= 0) cache_->remove(s->kv_id);
  s->kv_id = -1;
  GenerationResult result = s->gen->result();
  result.cached_tokens = std::max<int64_t>(0, s->cached_tokens);
  const auto now = Clock::now();
  if (s->started) {
    const auto first = s->first_token.value_or(now);
    result.prefill_seconds = seconds_between(*s->started, first);
    result.decode_seconds = seconds_between(first, now);
  }
  counters_.prompt_tokens += result.prompt_tokens;
  counters_.generation_tokens += result.completion_tokens;
  counters_.requests_finished += 1;
  s->sink->on_result(std::move(result));
}

void Scheduler::finish_cancelled(std::unique_ptr<Sequence> s) {
  // Running or waiting (a preempted sequence may still hold back text): flush the held text, then finish.
  StreamEvent e = s->gen->stop(FinishReason::kCancelled);
  if (has_payload(e)) s->sink->on_event(std::move(e));
  finish(std::move(s));
}

void Scheduler::fail(std::unique_ptr<Sequence> s, const std::string& message, ErrorKind kind) {
  if (s->kv_id >= 0) cache_->remove(s->kv_id);
  counters_.requests_finished += 1;
  s->sink->on_failure(message, kind);
}

// Grows the sequence's cache entry to hold up to n_tokens more tokens; returns how many it got
// (fewer when the pool runs out of blocks).
int64_t Scheduler::reserve(Sequence& s, int64_t n_tokens) {
  const int64_t bs = cache_->block_size();
  const auto have = static_cast<int64_t>(cache_->block_table(s.kv_id).size());
  const int64_t room = (have + cache_->n_free_blocks()) * bs - s.n_computed;
  const int64_t n = std::min(n_tokens, room);
  if (n > 0) cache_->resize(s.kv_id, s.n_computed + n);
  return std::max<int64_t>(0, n);
}

void Scheduler::preempt(Sequence& s) {
  std::unique_ptr<Sequence> owned = take_running(s);
  cache_->remove(owned->kv_id);
  owned->kv_id = -1;
  owned->n_computed = 0;
  counters_.num_preemptions += 1;
  auto pos = std::find_if(waiting_.begin(), waiting_.end(), [&](const auto& w) { return w->id > owned->id; });
  waiting_.insert(pos, std::move(owned));
}

// Plans this step's tokens for the running sequences (decodes, then prefill chunks), reserving their
// blocks. Returns false when it preempted a sequence and the plan must be redone.
bool Scheduler::plan_running(std::vector<std::pair<Sequence*, int64_t>>& plan, int64_t& budget) {
  for (auto& p : running_) {
    Sequence& s = *p;
    if (s.remaining() != 1) continue;
    if (reserve(s, 1) == 1) {
      plan.emplace_back(&s, 1);
      --budget;
      continue;
    }
    preempt(*running_.back());  // possibly s itself
    return false;
  }
  budget = prefill_budget(static_cast<int64_t>(plan.size()), budget);
  for (auto& p : running_) {
    Sequence& s = *p;
    if (s.remaining() <= 1 || budget == 0) continue;
    const int64_t n = reserve(s, std::min(s.remaining(), budget));
    if (n > 0) {
      plan.emplace_back(&s, n);
      budget -= n;
    }
  }
  if (plan.empty() && running_.size() > 1) {
    // Only prefills, and no block for any of them: let the oldest go on alone.
    preempt(*running_.back());
    return false;
  }
  return true;
}

int64_t Scheduler::prefill_budget(int64_t decodes, int64_t budget) const {
  if (decodes == 0 || options_.max_itl_seconds <= 0 || seconds_per_token_ <= 0) return budget;
  const double fits = options_.max_itl_seconds / seconds_per_token_ - static_cast<double>(decodes);
  const auto cap = static_cast<int64_t>(std::clamp(fits, 0.0, static_cast<double>(budget)));
  return std::min(budget, std::max(cap, kMinPrefillChunk));
}

bool Scheduler::prefix_in_flight(const Sequence& s, int64_t cached) const {
  if (!options_.prefix_caching) return false;
  // `cached` is whole blocks, so `r` holds more of the prefix exactly when it shares the first
  // cached + block_size tokens: no need to compare further (this runs for waiting requests every step).
  const int64_t want = cached + cache_->block_size();
  if (want > s.n_prompt - 1) return false;
  for (const auto& r : running_) {
    if (r->n_computed >= r->n_prompt) continue;  // its prompt blocks are computed and published
    if (want <= r->n_prompt && std::equal(s.tokens.begin(), s.tokens.begin() + want, r->tokens.begin())) {
      return true;
    }
  }
  return false;
}

// Admits waiting requests while there is room: sequence slots, token budget, and (unless nothing runs)
// free blocks for the whole uncached part of the prompt, so admissions do not force preemptions.
void Scheduler::admit(std::vector<std::pair<Sequence*, int64_t>>& plan, int64_t& budget) {
  const int64_t bs = cache_->block_size();
  auto it = waiting_.begin();
  while (it != waiting_.end() && budget > 0 && static_cast<int64_t>(running_.size()) < options_.max_num_seqs) {
    Sequence& s = **it;
    if (s.gen->max_tokens() == 0) {  // nothing to compute: answer at once
      s.gen->stop(FinishReason::kLength);
      auto owned = std::move(*it);
      it = waiting_.erase(it);
      finish(std::move(owned));
      continue;
    }
    const auto n_tokens = static_cast<int64_t>(s.tokens.size());
    const int64_t cached = cache_->cached_prefix(s.tokens, n_tokens - 1);
    if (prefix_in_flight(s, cached)) {
      ++it;  // admitted a step later, when the shared blocks are published
      continue;
    }
    // Attaching may take up to cached / bs idle blocks off the free count.
    const int64_t free_after = cache_->n_free_blocks() - cached / bs;
    if (!running_.empty() && free_after < div_up(n_tokens - cached, bs) + 1) break;
    s.kv_id = next_kv_id_++;
    if (next_kv_id_ < 0) next_kv_id_ = 0;
    s.n_computed = cache_->attach_prefix(s.kv_id, s.tokens, n_tokens - 1);
    if (s.cached_tokens < 0) s.cached_tokens = std::min(s.n_computed, s.n_prompt);
    if (!s.started) s.started = Clock::now();
    const int64_t n = reserve(s, std::min(s.remaining(), budget));
    if (n == 0) {  // only possible with running sequences holding the pool: undo and wait
      cache_->remove(s.kv_id);
      s.kv_id = -1;
      s.n_computed = 0;
      break;
    }
    auto owned = std::move(*it);
    it = waiting_.erase(it);
    plan.emplace_back(owned.get(), n);
    budget -= n;
    running_.push_back(std::move(owned));  // ids grow, so running_ stays in arrival order...
    std::sort(running_.begin(), running_.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  }
}

void Scheduler::step() {
  take_cancellations();
  std::vector<std::pair<Sequence*, int64_t>> plan;
  int64_t budget = 0;
  do {
    plan.clear();
    budget = options_.max_num_batched_tokens;
  } while (!plan_running(plan, budget));
  admit(plan, budget);
  if (plan.empty()) return;
  run_batch(plan);
}

void Scheduler::run_batch(const std::vector<std::pair<Sequence*, int64_t>>& plan) {
  model::Batch batch;
  StepInfo info;
  for (auto [s, n] : plan) {
    for (int64_t j = 0; j < n; ++j) {
      const int64_t pos = s->n_computed + j;
      const bool last = pos + 1 == static_cast<int64_t>(s->tokens.size());
      batch.add(s->tokens[static_cast<size_t>(pos)], static_cast<int32_t>(pos), s->kv_id, last);
    }
    if (s->remaining() == 1 && s->gen->tokens().size() > 0 && n == 1) {
      info.decode_tokens += 1;
    } else {
      info.prefill_tokens += n;
    }
  }
  info.sequences = static_cast<int64_t>(plan.size());
  const auto started = Clock::now();
  try {
    engine_.model().forward(batch, *cache_, engine_.thread_pool(), &logits_);
  } catch (const std::exception& e) {
    // A broken batch fails its requests, never the server.
    for (auto [s, n] : plan) fail(take_running(*s), std::string("forward pass failed: ") + e.what(), ErrorKind::kInternal);
    return;
  }
  counters_.steps += 1;
  // The cost per token, from steps big enough to be compute-bound (a step of a few decodes mostly reads the
  // weights, whatever its size): it sizes prompt chunks while sequences decode (max_itl_seconds).
  constexpr int64_t kMinTimedTokens = 32;
  const auto n_tokens = static_cast<int64_t>(batch.size());
  if (n_tokens >= kMinTimedTokens) {
    const double per_token = seconds_between(started, Clock::now()) / static_cast<double>(n_tokens);
    seconds_per_token_ = seconds_per_token_ <= 0 ? per_token : 0.7 * seconds_per_token_ + 0.3 * per_token;
  }

  const auto n_vocab = static_cast<size_t>(engine_.model().config().n_vocab);
  size_t row = 0;
  std::vector<Sequence*> done;
  for (auto [s, n] : plan) {
    s->n_computed += n;
    cache_->publish(s->kv_id, std::span<const int32_t>(s->tokens).first(static_cast<size_t>(s->n_computed)));
    if (s->remaining() > 0) continue;
    StreamEvent e = s->gen->step(std::span<const float>(logits_.data() + row * n_vocab, n_vocab));
    ++row;
    if (!s->first_token) s->first_token = Clock::now();
    if (has_payload(e)) s->sink->on_event(std::move(e));
    if (s->gen->finished()) {
      done.push_back(s);
    } else {
      s->tokens.push_back(s->gen->next_token());
    }
  }
  for (Sequence* s : done) finish(take_running(*s));
  if (options_.on_step) options_.on_step(info);
}

}  // namespace hirelm::engine::scheduler
