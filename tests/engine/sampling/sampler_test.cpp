#include "engine/sampling/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "util/error.h"

namespace hirelm::sampling {
namespace {

// A fixed pseudo-random logits row (a different generator from the sampler's, so no coupling).
std::vector<float> random_logits(size_t n, uint64_t seed, float scale = 3.0f) {
  Rng rng(seed ^ 0xABCDEF);
  std::vector<float> out(n);
  for (auto& l : out) l = static_cast<float>((rng.uniform() * 2 - 1) * scale);
  return out;
}

// A shuffled row of distinct logits 0.01 apart: every gap, the top-1/top-2 one included, is >= 0.01.
std::vector<float> spaced_logits(size_t n, uint64_t seed) {
  Rng rng(seed ^ 0x5EED);
  std::vector<float> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(i) * 0.01f - 5.0f;
  for (size_t i = n - 1; i > 0; --i) std::swap(out[i], out[rng.next() % (i + 1)]);
  return out;
}

std::vector<int32_t> run(const SamplingParams& params, int steps, size_t vocab = 5000, bool spaced = false) {
  Sampler sampler(params);
  std::vector<int32_t> out;
  for (int i = 0; i < steps; ++i) {
    const auto seed = static_cast<uint64_t>(i);
    int32_t t = sampler.sample(spaced ? spaced_logits(vocab, seed) : random_logits(vocab, seed));
    sampler.accept(t);
    out.push_back(t);
  }
  return out;
}

TEST(Sampler, SameSeedSameTokensDifferentSeedDifferentTokens) {
  SamplingParams p;
  p.temperature = 1.0;
  p.top_p = 0.95;
  p.seed = 1234;
  auto a = run(p, 40);
  auto b = run(p, 40);
  EXPECT_EQ(a, b);
  p.seed = 1235;
  auto c = run(p, 40);
  EXPECT_NE(a, c);
}

TEST(Sampler, TopKOneIsGreedy) {
  SamplingParams greedy;
  greedy.temperature = 0.0;
  SamplingParams top1;
  top1.temperature = 1.3;
  top1.top_k = 1;
  top1.seed = 99;
  EXPECT_EQ(run(greedy, 30), run(top1, 30));
}

TEST(Sampler, TinyTemperatureIsGreedy) {
  SamplingParams greedy;
  greedy.temperature = 0.0;
  SamplingParams cold;
  cold.temperature = 2e-4;  // logit gaps >= 0.01 become >= 50 nats: the top token has ~all the mass
  cold.seed = 5;
  EXPECT_EQ(run(greedy, 30, 1000, true), run(cold, 30, 1000, true));
}

TEST(Sampler, GreedyIsArgmaxAndIgnoresTheSeed) {
  SamplingParams p;
  p.temperature = 0.0;
  Sampler sampler(p);
  std::vector<float> logits = {0.1f, 0.7f, 0.7f, -3.0f};
  EXPECT_EQ(sampler.sample(logits), 1);
  p.seed = 77;
  EXPECT_EQ(run(p, 10), run(SamplingParams{.temperature = 0.0}, 10));
}

TEST(Sampler, TopPSamplesOnlyTheNucleusInProportion) {
  // probs 0.5, 0.3, 0.15, 0.05 -> top_p 0.75 keeps {0: 0.5, 1: 0.3}, renormalised to 5/8 and 3/8.
  std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  SamplingParams p;
  p.top_p = 0.75;
  p.seed = 3;
  Sampler sampler(p);
  std::map<int32_t, int> hits;
  const int n = 20000;
  for (int i = 0; i < n; ++i) ++hits[sampler.sample(logits)];
  EXPECT_EQ(hits[2] + hits[3], 0);
  const double sigma = std::sqrt(0.625 * 0.375 / n);
  EXPECT_NEAR(static_cast<double>(hits[0]) / n, 0.625, 5 * sigma);
}

TEST(Sampler, RepetitionPenaltyCountsPromptAndOutput) {
  SamplingParams p;
  p.temperature = 0.0;
  p.repetition_penalty = 2.0;
  Sampler sampler(p);
  std::vector<float> logits = {3.0f, 2.0f, 1.0f};
  EXPECT_EQ(sampler.sample(logits), 0);
  const std::vector<int32_t> prompt = {0};
  sampler.set_prompt(prompt);  // token 0: 3 / 2 = 1.5 < 2
  EXPECT_EQ(sampler.sample(logits), 1);
  sampler.accept(1);  // token 1: 2 / 2 = 1 < 1.5
  EXPECT_EQ(sampler.sample(logits), 0);
}

TEST(Sampler, PresenceAndFrequencyCountOnlyGeneratedTokens) {
  SamplingParams p;
  p.temperature = 0.0;
  p.presence_penalty = 0.6;
  p.frequency_penalty = 0.5;
  Sampler sampler(p);
  std::vector<float> logits = {3.0f, 2.0f, 1.0f};
  const std::vector<int32_t> prompt = {0, 0, 0};
  sampler.set_prompt(prompt);
  EXPECT_EQ(sampler.sample(logits), 0);  // the prompt does not count
  sampler.accept(0);                     // 3 - 0.6 - 0.5 = 1.9 < 2
  EXPECT_EQ(sampler.sample(logits), 1);
}

TEST(Sampler, DoesNotModifyTheLogitsRow) {
  SamplingParams p;
  p.repetition_penalty = 1.5;
  p.temperature = 0.7;
  p.top_k = 2;
  Sampler sampler(p);
  std::vector<float> logits = {1.0f, 2.0f, 3.0f};
  const auto copy = logits;
  sampler.accept(2);
  sampler.sample(logits);
  EXPECT_EQ(logits, copy);
}

TEST(Sampler, RejectsOutOfRangeParameters) {
  EXPECT_THROW(Sampler(SamplingParams{.temperature = -0.1}), InvalidInputError);
  EXPECT_THROW(Sampler(SamplingParams{.top_k = -1}), InvalidInputError);
  EXPECT_THROW(Sampler(SamplingParams{.top_p = 0.0}), InvalidInputError);
  EXPECT_THROW(Sampler(SamplingParams{.top_p = 1.5}), InvalidInputError);
  EXPECT_THROW(Sampler(SamplingParams{.min_p = 2.0}), InvalidInputError);
  EXPECT_THROW(Sampler(SamplingParams{.repetition_penalty = 0.0}), InvalidInputError);
  EXPECT_THROW(Sampler(SamplingParams{.temperature = NAN}), InvalidInputError);
}

TEST(SamplingOverrides, UnsetFieldsComeFromDefaults) {
  SamplingParams defaults;  // as generation_config.json gives them for R1-Distill
  defaults.temperature = 0.6;
  defaults.top_p = 0.95;
  SamplingOverrides user;
  user.top_k = 20;
  user.seed = 9;
  SamplingParams p = user.resolve(defaults);
  EXPECT_DOUBLE_EQ(p.temperature, 0.6);
  EXPECT_DOUBLE_EQ(p.top_p, 0.95);
  EXPECT_EQ(p.top_k, 20);
  EXPECT_EQ(p.seed, 9u);
  user.temperature = 0.0;
  EXPECT_TRUE(user.resolve(defaults).greedy());
  user.top_p = 7.0;
  EXPECT_THROW(user.resolve(defaults), InvalidInputError);
}

TEST(Sampler, MaskRestrictsTheDrawAndLeavesTheCallersRowAlone) {
  const std::vector<float> logits = random_logits(500, 4);
  const std::vector<float> before = logits;
  // Allow only ids 7, 123 and 400, whatever their logits.
  const LogitsMask mask = [](std::span<float> row) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i != 7 && i != 123 && i != 400) row[i] = -INFINITY;
    }
  };
  SamplingParams greedy;
  greedy.temperature = 0.0;
  Sampler g(greedy);
  const int32_t best = logits[7] >= logits[123] && logits[7] >= logits[400] ? 7 : (logits[123] >= logits[400] ? 123 : 400);
  EXPECT_EQ(g.sample(logits, mask), best);
  SamplingParams sampled;
  sampled.temperature = 1.5;
  sampled.top_p = 0.9;
  sampled.top_k = 50;
  sampled.repetition_penalty = 1.3;
  sampled.seed = 9;
  Sampler s(sampled);
  std::map<int32_t, int> seen;
  for (int i = 0; i < 300; ++i) {
    const int32_t t = s.sample(logits, mask);
    ASSERT_TRUE(t == 7 || t == 123 || t == 400) << t;
    ++seen[t];
    s.accept(t);
  }
  EXPECT_GE(seen.size(), 2u);
  EXPECT_EQ(logits, before);
  // Without a mask the same sampler draws from the whole row again.
  std::map<int32_t, int> free_seen;
  for (int i = 0; i < 200; ++i) ++free_seen[s.sample(logits)];
  EXPECT_GT(free_seen.size(), 3u);
}

}  // namespace
}  // namespace hirelm::sampling
