#include "engine/sampling/logprobs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "engine/sampling/rng.h"

namespace hirelm::sampling {
namespace {

TEST(LogSoftmax, MatchesHandComputedValuesAndNormalises) {
  std::vector<float> logits = {1.0f, 2.0f, 3.0f};
  std::vector<float> out(3);
  log_softmax(logits, out);
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));  // 3.4076
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(out[i], logits[i] - lse, 1e-6);
  double total = 0;
  for (float l : out) total += std::exp(l);
  EXPECT_NEAR(total, 1.0, 1e-6);
}

TEST(LogSoftmax, StableForLargeLogits) {
  std::vector<float> logits = {1000.0f, 1000.0f};
  std::vector<float> out(2);
  log_softmax(logits, out);
  EXPECT_NEAR(out[0], std::log(0.5), 1e-6);
  EXPECT_NEAR(out[1], std::log(0.5), 1e-6);
}

TEST(TokenLogprobs, ChosenAndTopAlternativesInOrder) {
  std::vector<float> logits = {0.0f, 2.0f, 1.0f, 2.0f, -INFINITY};
  auto r = token_logprobs(logits, 2, 3);
  const double lse = std::log(1 + 2 * std::exp(2.0) + std::exp(1.0));
  EXPECT_EQ(r.chosen.id, 2);
  EXPECT_NEAR(r.chosen.logprob, 1.0 - lse, 1e-6);
  ASSERT_EQ(r.top.size(), 3u);
  EXPECT_EQ(r.top[0].id, 1);  // tie with 3: lower id first
  EXPECT_EQ(r.top[1].id, 3);
  EXPECT_EQ(r.top[2].id, 2);
  EXPECT_NEAR(r.top[0].logprob, 2.0 - lse, 1e-6);
  auto masked = token_logprobs(logits, 4, 0);
  EXPECT_TRUE(std::isinf(masked.chosen.logprob) && masked.chosen.logprob < 0);
  EXPECT_TRUE(masked.top.empty());
  EXPECT_EQ(token_logprobs(logits, 0, 99).top.size(), logits.size());
}

TEST(TokenLogprobs, TopMatchesAFullSortOnALargeRowWithTies) {
  Rng rng(17);
  std::vector<float> logits(5000);
  for (auto& l : logits) l = static_cast<float>(static_cast<int>(rng.uniform() * 50)) * 0.1f;  // many ties
  std::vector<int32_t> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return logits[a] > logits[b]; });
  auto r = token_logprobs(logits, 0, 20);
  ASSERT_EQ(r.top.size(), 20u);
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(r.top[i].id, order[i]) << i;
}

}  // namespace
}  // namespace hirelm::sampling
