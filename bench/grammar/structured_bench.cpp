// structured_bench: what structured output costs during decoding, on a real model (or a real-shape
// synthetic one), with the resume schema.
//
//   structured_bench --model PATH [--schema FILE] [--parallel P] [--tokens N] [--threads T] [--seed S]
//                    [--ctx C] [--json]
//
// Runs P sequences side by side (one forward over a batch of P tokens per step, as the continuous-batching
// scheduler does), first free, then constrained by the schema from the first token, until each slot has
// generated N tokens; a sequence that finishes (a complete value) is replaced by a new one in its slot, so
// the batch stays full, and its prompt's prefill is not counted as decode time. Prints:
//   * decode tokens/s free and constrained, and the overhead in percent (constrained time per token over
//     free time per token, minus one);
//   * per-token time of SequenceGeneration::step (sampling, plus masking when constrained), mean and p99;
//   * mask cost per token (GrammarState::apply_mask + accept_token) replaying the constrained tokens on a
//     freshly compiled grammar: cold (new automaton and mask cache, like a first request) and warm.
// Timings are wall time on whatever else the machine runs: run it on an idle machine.
//
// Example: hirelm model synth --like deepseek-r1-distill-qwen-1.5b --dtype q8_0 -o /tmp/r1-q8.gguf
//          structured_bench --model /tmp/r1-q8.gguf --parallel 1 --tokens 256
//          structured_bench --model /tmp/r1-q8.gguf --parallel 16 --tokens 128
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/grammar/grammar_state.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace {

using hirelm::engine::Engine;
using hirelm::engine::GenerationRequest;
using hirelm::engine::OutputConstraint;
using hirelm::engine::SequenceGeneration;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

struct Stats {
  double mean = 0, p50 = 0, p99 = 0, max = 0;
  size_t n = 0;
};

Stats stats_of(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  for (double x : v) s.mean += x;
  s.n = v.size();
  s.mean /= static_cast<double>(v.size());
  auto pct = [&](double p) { return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))]; };
  s.p50 = pct(0.5);
  s.p99 = pct(0.99);
  s.max = v.back();
  return s;
}

struct RunResult {
  double decode_ms = 0;               // wall time of the decode steps (forward + every sequence's step)
  int64_t tokens = 0;                 // tokens generated in those steps
  std::vector<double> step_ms;        // per token: SequenceGeneration::step
  std::vector<std::vector<int32_t>> outputs;  // each finished or cut sequence's tokens (constrained run)
  int64_t completed = 0;              // sequences that ended with a complete value
};

// P slots decoding together until each has produced `tokens_per_slot` tokens.
RunResult run(Engine& engine, const GenerationRequest& base, int parallel, int64_t tokens_per_slot, int64_t ctx) {
  auto& model = engine.model();
  hirelm::kv::KvCache cache(model.kv_cache_options(ctx, parallel, hirelm::kv::KvType::kF16));
  const auto n_vocab = static_cast<size_t>(model.config().n_vocab);
  std::vector<float> logits;
  RunResult r;
  std::vector<std::unique_ptr<SequenceGeneration>> slots(static_cast<size_t>(parallel));
  std::vector<int64_t> produced(static_cast<size_t>(parallel), 0);
  std::vector<std::vector<float>> pending(static_cast<size_t>(parallel));  // logits for each slot's next step
  uint64_t seed = base.sampling.seed.value_or(1);

  auto start_slot = [&](size_t i) {
    GenerationRequest request = base;
    request.sampling.seed = seed++;
    const auto prompt = engine.prepare_prompt(request);
    auto options = engine.sequence_options(request, prompt);
    options.max_tokens = 0;  // the bench decides when to stop
    slots[i] = std::make_unique<SequenceGeneration>(engine.tokenizer(), prompt.tokens, std::move(options));
    const auto seq = static_cast<int32_t>(i);
    if (cache.has_sequence(seq)) cache.remove(seq);
    model.forward(hirelm::model::make_sequence_batch(slots[i]->prompt(), seq, 0, false), cache, engine.thread_pool(),
                  &logits);
    pending[i].assign(logits.begin(), logits.begin() + static_cast<std::ptrdiff_t>(n_vocab));
  };
  for (size_t i = 0; i < slots.size(); ++i) start_slot(i);

  hirelm::model::Batch batch;
  std::vector<size_t> rows;
  while (true) {
    const auto t0 = Clock::now();
    batch.clear();
    rows.clear();
    for (size_t i = 0; i < slots.size(); ++i) {
      if (produced[i] >= tokens_per_slot) continue;
      const auto s0 = Clock::now();
      slots[i]->step(std::span<const float>(pending[i].data(), n_vocab));
      r.step_ms.push_back(ms_since(s0));
      ++produced[i];
      ++r.tokens;
      if (slots[i]->finished()) continue;  // replaced below, outside the timed step
      batch.add(slots[i]->next_token(), slots[i]->next_position(), static_cast<int32_t>(i), true);
      rows.push_back(i);
    }
    if (!batch.tokens.empty()) {
      model.forward(batch, cache, engine.thread_pool(), &logits);
      for (size_t k = 0; k < rows.size(); ++k) {
        pending[rows[k]].assign(logits.begin() + static_cast<std::ptrdiff_t>(k * n_vocab),
                                logits.begin() + static_cast<std::ptrdiff_t>((k + 1) * n_vocab));
      }
    }
    r.decode_ms += ms_since(t0);
    bool any = false;
    for (size_t i = 0; i < slots.size(); ++i) {
      const bool done = produced[i] >= tokens_per_slot;
      // A finished sequence is recorded once: replaced while its slot has tokens left, else dropped.
      if (slots[i] && slots[i]->finished()) {
        if (slots[i]->constraint() && slots[i]->constraint()->is_complete()) ++r.completed;
        r.outputs.push_back(slots[i]->tokens());
        if (done) {
          slots[i].reset();
        } else {
          start_slot(i);
        }
      }
      any = any || !done;
    }
    if (!any) break;
  }
  for (auto& s : slots) {
    if (s) r.outputs.push_back(s->tokens());  // cut by the token budget
  }
  return r;
}

// Mask cost per token replaying `outputs` on `grammar`: apply_mask on a zero row, then accept_token.
std::vector<double> replay(const std::shared_ptr<const hirelm::grammar::Grammar>& grammar,
                           const std::vector<std::vector<int32_t>>& outputs, size_t n_vocab) {
  std::vector<double> ms;
  std::vector<float> row(n_vocab);
  for (const auto& tokens : outputs) {
    hirelm::grammar::GrammarState state(grammar);
    for (int32_t t : tokens) {
      std::fill(row.begin(), row.end(), 0.0f);
      const auto t0 = Clock::now();
      state.apply_mask(row);
      const bool ok = state.accept_token(t);
      ms.push_back(ms_since(t0));
      if (!ok) {
        std::fprintf(stderr, "replay: token %d refused (bug)\n", t);
        std::exit(1);
      }
    }
  }
  return ms;
}

void print_stats(const char* label, const Stats& s) {
  std::printf("%-34s n %7zu  mean %8.4f ms  p50 %8.4f ms  p99 %8.4f ms  max %8.3f ms\n", label, s.n, s.mean, s.p50,
              s.p99, s.max);
}

}  // namespace

int main(int argc, char** argv) try {
  std::string model_path;
  std::string schema_path = HIRELM_SOURCE_DIR "/src/engine/grammar/resume_schema.json";
  int parallel = 1, threads = 0;
  int64_t tokens = 128, ctx = 2048;
  uint64_t seed = 1;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw hirelm::InvalidInputError(a + ": missing value");
      return argv[++i];
    };
    if (a == "--model") model_path = value();
    else if (a == "--schema") schema_path = value();
    else if (a == "--parallel") parallel = std::atoi(value().c_str());
    else if (a == "--tokens") tokens = std::atoll(value().c_str());
    else if (a == "--threads") threads = std::atoi(value().c_str());
    else if (a == "--ctx") ctx = std::atoll(value().c_str());
    else if (a == "--seed") seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--json") json = true;
    else throw hirelm::InvalidInputError("unknown option " + a + " (see the comment at the top of structured_bench.cpp)");
  }
  if (model_path.empty()) throw hirelm::InvalidInputError("--model is required");
  if (parallel < 1 || parallel > 256 || tokens < 1) throw hirelm::InvalidInputError("bad --parallel or --tokens");

  hirelm::engine::EngineOptions options;
  options.threads = threads;
  options.ctx = ctx;
  Engine engine = Engine::load(model_path, options);

  GenerationRequest base;
  base.prompt = "Extract the candidate profile from this resume as JSON.\n\n张三, 软件工程师, 5 years of C++.\n";
  base.sampling.temperature = 0.6;
  base.sampling.top_p = 0.95;
  base.sampling.seed = seed;
  base.ignore_eos = true;  // the free run never stops early; the constrained one stops at a complete value

  const auto vocab_t0 = Clock::now();
  OutputConstraint constraint;
  constraint.kind = OutputConstraint::Kind::kJsonSchema;
  constraint.text = hirelm::read_file(schema_path);
  constraint.scope = OutputConstraint::Scope::kEverything;
  engine.compile_constraint(constraint);  // builds the vocabulary trie: not part of decoding
  const double vocab_ms = ms_since(vocab_t0);

  const RunResult free_run = run(engine, base, parallel, tokens, ctx);
  GenerationRequest constrained = base;
  constrained.constraint = constraint;
  const RunResult con_run = run(engine, constrained, parallel, tokens, ctx);

  const auto n_vocab = static_cast<size_t>(engine.model().config().n_vocab);
  const auto fresh = hirelm::grammar::Grammar::from_json_schema_text(
      constraint.text, hirelm::grammar::Vocabulary::from_tokenizer(engine.tokenizer()));
  const Stats cold = stats_of(replay(fresh, con_run.outputs, n_vocab));
  const Stats warm = stats_of(replay(fresh, con_run.outputs, n_vocab));

  const double free_ms = free_run.decode_ms / static_cast<double>(free_run.tokens);
  const double con_ms = con_run.decode_ms / static_cast<double>(con_run.tokens);
  const double overhead = (con_ms / free_ms - 1.0) * 100.0;
  const Stats free_step = stats_of(free_run.step_ms);
  const Stats con_step = stats_of(con_run.step_ms);
  if (json) {
    std::printf(
        "{\"model\":\"%s\",\"parallel\":%d,\"tokens_per_slot\":%lld,\"threads\":%d,\"free_tok_s\":%.3f,"
        "\"constrained_tok_s\":%.3f,\"overhead_pct\":%.3f,\"mask_cold_mean_ms\":%.5f,\"mask_cold_p99_ms\":%.5f,"
        "\"mask_warm_mean_ms\":%.5f,\"mask_warm_p99_ms\":%.5f,\"step_free_mean_ms\":%.5f,"
        "\"step_constrained_mean_ms\":%.5f,\"step_constrained_p99_ms\":%.5f,\"completed_values\":%lld}\n",
        model_path.c_str(), parallel, static_cast<long long>(tokens), engine.thread_pool().size(),
        1000.0 / free_ms, 1000.0 / con_ms, overhead, cold.mean, cold.p99, warm.mean, warm.p99, free_step.mean,
        con_step.mean, con_step.p99, static_cast<long long>(con_run.completed));
    return 0;
  }
  std::printf("model %s, %d parallel sequence(s), %lld tokens per slot, vocabulary + compile %.0f ms\n",
              model_path.c_str(), parallel, static_cast<long long>(tokens), vocab_ms);
  std::printf("decode free         %8.2f tok/s (%.3f ms/token)\n", 1000.0 / free_ms, free_ms);
  std::printf("decode constrained  %8.2f tok/s (%.3f ms/token), %lld complete values\n", 1000.0 / con_ms, con_ms,
              static_cast<long long>(con_run.completed));
  std::printf("overhead            %8.2f %%\n", overhead);
  print_stats("step free (sample)", free_step);
  print_stats("step constrained (mask+sample)", con_step);
  print_stats("mask cold (apply+accept)", cold);
  print_stats("mask warm (apply+accept)", warm);
  return 0;
} catch (const hirelm::Error& e) {
  std::fprintf(stderr, "structured_bench: %s\n", e.what());
  return 2;
}
