// grammar_bench: the cost of one token mask (GrammarState::allowed_tokens) per generated token, over
// random generations constrained by the resume schema with the real 151,665-token vocabulary.
//
//   grammar_bench [--tokenizer PATH] [--schema FILE] [--generations N] [--max-tokens N] [--seed S]
//
// Prints vocabulary build and schema compile times, then mean / p50 / p99 / max mask time per token,
// separately for the first generation (cold automaton and cache) and the rest. Tokens are picked by a
// garbage model (half the time its top-ranked token, half a uniformly random allowed one), so strings
// run long and most states are new: a worst case for the mask cache.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_state.h"
#include "engine/tokenizer/tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Thread CPU time in ms: mask timings use it so that a loaded machine (time spent descheduled) does not
// inflate them; wall time is printed alongside for the totals.
double thread_cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

void report(const char* label, std::vector<double> v) {
  if (v.empty()) return;
  std::sort(v.begin(), v.end());
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  auto pct = [&](double p) { return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))]; };
  std::printf("%-22s tokens %7zu  mean %.3f ms  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", label, v.size(), mean,
              pct(0.5), pct(0.99), v.back());
}

}  // namespace

int main(int argc, char** argv) {
  std::string tokenizer_path = HIRELM_REFERENCE_DIR "/deepseek-r1-distill-qwen-1.5b";
  std::string schema_path = HIRELM_SOURCE_DIR "/src/engine/grammar/resume_schema.json";
  int generations = 5, max_tokens = 1500;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--tokenizer")) tokenizer_path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--schema")) schema_path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--generations")) generations = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--max-tokens")) max_tokens = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  using namespace hirelm;
  auto t0 = Clock::now();
  Tokenizer tokenizer = Tokenizer::from_path(tokenizer_path);
  std::printf("tokenizer load         %.1f ms\n", ms_since(t0));
  t0 = Clock::now();
  auto vocab = grammar::Vocabulary::from_tokenizer(tokenizer);
  std::printf("vocabulary trie        %.1f ms (%d tokens, %zu trie nodes)\n", ms_since(t0), vocab->size(),
              vocab->trie().size());
  std::ifstream in(schema_path);
  auto schema = nlohmann::ordered_json::parse(in);
  t0 = Clock::now();
  auto g = grammar::Grammar::from_json_schema(schema, vocab);
  std::printf("schema compile         %.1f ms\n", ms_since(t0));

  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  grammar::TokenMask mask;
  std::vector<double> cold, warm;
  int complete = 0;
  for (int gen = 0; gen < generations; ++gen) {
    grammar::GrammarState state(g);
    std::vector<float> bias(static_cast<size_t>(vocab->size()));
    for (float& b : bias) b = 2.0f * normal(rng);
    std::vector<int32_t> ids;
    std::string text;
    for (int step = 0; step < max_tokens; ++step) {
      double t = thread_cpu_ms();
      state.allowed_tokens(mask);
      (gen == 0 ? cold : warm).push_back(thread_cpu_ms() - t);
      if (std::getenv("GRAMMAR_BENCH_TRACE")) std::printf("step %d: %.3f ms, %lld allowed\n", step, (gen == 0 ? cold : warm).back(), static_cast<long long>(mask.count()));
      ids.clear();
      mask.for_each([&](int32_t id) { ids.push_back(id); });
      if (ids.empty()) break;
      // Half the steps the top-ranked allowed token, half a uniformly random allowed one.
      int32_t best = ids[std::uniform_int_distribution<size_t>(0, ids.size() - 1)(rng)];
      if (rng() % 2 == 0) {
        for (int32_t id : ids) {
          if (bias[static_cast<size_t>(id)] > bias[static_cast<size_t>(best)]) best = id;
        }
      }
      if (best == *vocab->eos_id()) break;
      text.append(vocab->token_bytes(best));
      if (!state.accept_token(best)) {
        std::fprintf(stderr, "grammar_bench: the mask allowed a token that accept_token refused\n");
        return 1;
      }
      if (state.is_finished()) break;
    }
    complete += state.is_complete() ? 1 : 0;
    if (std::getenv("GRAMMAR_BENCH_SHOW")) std::printf("%s\n", text.c_str());
  }
  std::printf("generations            %d (%d complete within %d tokens), automaton states %zu\n", generations,
              complete, max_tokens, g->automaton_states());
  report("mask, first generation", cold);
  report("mask, later", warm);
  std::vector<double> all = cold;
  all.insert(all.end(), warm.begin(), warm.end());
  report("mask, all", all);
  std::printf("(mask times are thread CPU time)\n");
  return 0;
}
