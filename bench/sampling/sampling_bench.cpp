// Per-token sampling cost over the real vocabulary size. Logits are a fixed pseudo-random row with a
// peaked head (a few tokens well above a broad tail), roughly the shape a trained model produces.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "engine/sampling/logprobs.h"
#include "engine/sampling/rng.h"
#include "engine/sampling/sampler.h"

namespace {

using hirelm::sampling::Rng;
using hirelm::sampling::Sampler;
using hirelm::sampling::SamplingParams;

constexpr size_t kVocab = 151936;

std::vector<float> peaked_logits() {
  Rng rng(1);
  std::vector<float> logits(kVocab);
  for (auto& l : logits) l = static_cast<float>(rng.uniform() * 4.0 - 2.0);  // tail in [-2, 2)
  for (int i = 0; i < 20; ++i) logits[rng.next() % kVocab] = 8.0f + static_cast<float>(i) * 0.3f;  // head
  return logits;
}

void run(benchmark::State& state, const SamplingParams& params) {
  const auto logits = peaked_logits();
  Sampler sampler(params);
  for (auto _ : state) {
    int32_t token = sampler.sample(logits);
    benchmark::DoNotOptimize(token);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Greedy(benchmark::State& state) { run(state, {.temperature = 0.0}); }
void BM_R1Defaults(benchmark::State& state) { run(state, {.temperature = 0.6, .top_p = 0.95, .seed = 1}); }
void BM_TopK40(benchmark::State& state) { run(state, {.temperature = 0.8, .top_k = 40, .seed = 1}); }
void BM_MinP(benchmark::State& state) { run(state, {.temperature = 0.8, .min_p = 0.05, .seed = 1}); }
void BM_FlatTopP(benchmark::State& state) {
  // Temperature 1 over a flat row: the nucleus spans most of the vocabulary (the worst case for top_p).
  std::vector<float> logits(kVocab);
  Rng rng(2);
  for (auto& l : logits) l = static_cast<float>(rng.uniform());
  Sampler sampler({.temperature = 1.0, .top_p = 0.95, .seed = 1});
  for (auto _ : state) benchmark::DoNotOptimize(sampler.sample(logits));
  state.SetItemsProcessed(state.iterations());
}
void BM_TopLogprobs5(benchmark::State& state) {
  const auto logits = peaked_logits();
  for (auto _ : state) benchmark::DoNotOptimize(hirelm::sampling::token_logprobs(logits, 7, 5));
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Greedy);
BENCHMARK(BM_R1Defaults);
BENCHMARK(BM_TopK40);
BENCHMARK(BM_MinP);
BENCHMARK(BM_FlatTopP);
BENCHMARK(BM_TopLogprobs5);

}  // namespace

BENCHMARK_MAIN();
