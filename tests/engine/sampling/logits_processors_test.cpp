#include "engine/sampling/logits_processors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <random>
#include <vector>

#include "util/error.h"

namespace hirelm::sampling {
namespace {

Candidates make(const std::vector<float>& logits) {
  Candidates c;
  c.assign(logits);
  return c;
}

std::vector<int32_t> ids(const Candidates& c) {
  std::vector<int32_t> out;
  for (const auto& item : c.items) out.push_back(item.id);
  return out;
}

// Logits whose softmax is exactly the given probabilities.
std::vector<float> logits_of(const std::vector<double>& probs) {
  std::vector<float> out;
  for (double p : probs) out.push_back(static_cast<float>(std::log(p)));
  return out;
}

TEST(Softmax, MatchesHandComputedValues) {
  Candidates c = make({1.0f, 2.0f, 3.0f});
  apply_softmax(c);
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(c.items[0].prob, std::exp(1.0) / z, 1e-6);  // 0.0900
  EXPECT_NEAR(c.items[1].prob, std::exp(2.0) / z, 1e-6);  // 0.2447
  EXPECT_NEAR(c.items[2].prob, std::exp(3.0) / z, 1e-6);  // 0.6652
}

TEST(Softmax, HandlesMaskedTokensAndRejectsAllMasked) {
  const float inf = INFINITY;
  // Masked (-inf) tokens have probability 0: assign leaves them out of the candidates altogether.
  Candidates c = make({-inf, 0.0f, 0.0f});
  ASSERT_EQ(c.items.size(), 2u);
  EXPECT_EQ(c.items[0].id, 1);
  EXPECT_EQ(c.items[1].id, 2);
  apply_softmax(c);
  EXPECT_FLOAT_EQ(c.items[0].prob, 0.5f);
  EXPECT_FLOAT_EQ(c.items[1].prob, 0.5f);
  Candidates all_masked;
  std::vector<float> logits = {-inf, -inf};
  EXPECT_THROW(all_masked.assign(logits), Error);
}

TEST(Candidates, RejectsNaN) {
  Candidates c;
  std::vector<float> logits = {0.0f, NAN};
  EXPECT_THROW(c.assign(logits), Error);
}

TEST(Temperature, ScalesLogitsAndSharpensDistribution) {
  Candidates c = make({1.0f, 2.0f, 3.0f});
  apply_temperature(c, 0.5);
  EXPECT_FLOAT_EQ(c.items[0].logit, 2.0f);
  EXPECT_FLOAT_EQ(c.items[2].logit, 6.0f);
  apply_softmax(c);
  const double z = std::exp(2.0) + std::exp(4.0) + std::exp(6.0);
  EXPECT_NEAR(c.items[2].prob, std::exp(6.0) / z, 1e-6);  // 0.8668 > 0.6652 at T = 1
}

TEST(TopK, KeepsTheKLargestSortedWithTiesToLowerId) {
  Candidates c = make({1.0f, 3.0f, 2.0f, 0.0f, 3.0f});
  apply_top_k(c, 3);
  EXPECT_EQ(ids(c), (std::vector<int32_t>{1, 4, 2}));
  EXPECT_TRUE(c.sorted);
  Candidates all = make({1.0f, 2.0f});
  apply_top_k(all, 10);
  EXPECT_EQ(ids(all), (std::vector<int32_t>{1, 0}));
}

TEST(TopP, KeepsSmallestPrefixReachingTheMass) {
  const auto logits = logits_of({0.05, 0.5, 0.15, 0.3});
  Candidates a = make(logits);
  apply_top_p(a, 0.75);  // 0.5 < 0.75 <= 0.5 + 0.3
  EXPECT_EQ(ids(a), (std::vector<int32_t>{1, 3}));
  Candidates b = make(logits);
  apply_top_p(b, 0.85);  // needs 0.5 + 0.3 + 0.15
  EXPECT_EQ(ids(b), (std::vector<int32_t>{1, 3, 2}));
  Candidates c = make(logits);
  apply_top_p(c, 0.1);  // the top token alone is enough
  EXPECT_EQ(ids(c), (std::vector<int32_t>{1}));
  Candidates d = make(logits);
  apply_top_p(d, 1.0);  // off
  EXPECT_EQ(d.items.size(), 4u);
}

TEST(TopP, GrowsThePartialSortOverALargeVocabulary) {
  // 1000 equally likely tokens: top_p 0.5 keeps 500 of them, the lowest ids (ties go to lower ids).
  std::vector<float> logits(1000, 0.25f);
  Candidates c = make(logits);
  apply_top_p(c, 0.5);
  ASSERT_EQ(c.items.size(), 500u);
  for (size_t i = 0; i < c.items.size(); ++i) EXPECT_EQ(c.items[i].id, static_cast<int32_t>(i));
}

TEST(TopP, FlatVocabularyKeepsTheSameNucleusAsAFullSort) {
  // A real-size vocabulary of nearly equal logits (random weights look like this): the bucketed path
  // must keep exactly the tokens a full sort keeps, for several p.
  std::mt19937 gen(7);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  std::vector<float> logits(151936);
  for (auto& l : logits) l = noise(gen);
  logits[5] = logits[6];  // a tie straddling nothing in particular: ids break it
  for (double p : {0.3, 0.9, 0.95, 0.999}) {
    Candidates c = make(logits);
    apply_top_p(c, p);
    Candidates full = make(logits);
    apply_softmax(full);
    std::sort(full.items.begin(), full.items.end(), [](const Candidate& a, const Candidate& b) {
      return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
    });
    double mass = 0.0;
    size_t keep = full.items.size();
    for (size_t i = 0; i < full.items.size(); ++i) {
      mass += full.items[i].prob;
      if (mass >= p) {
        keep = i + 1;
        break;
      }
    }
    std::vector<int32_t> want, got;
    for (size_t i = 0; i < keep; ++i) want.push_back(full.items[i].id);
    for (const auto& item : c.items) got.push_back(item.id);
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    // Summation order may move the cut by a token in a near-tie; anything more is a wrong nucleus.
    ASSERT_NEAR(static_cast<double>(got.size()), static_cast<double>(want.size()), 1.0) << "p " << p;
    std::vector<int32_t> common;
    std::set_intersection(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(common));
    EXPECT_GE(common.size() + 1, std::max(want.size(), got.size())) << "p " << p;
    EXPECT_GT(got.size(), 4096u) << "p " << p << " should exercise the bucketed path";
  }
}

TEST(TopP, AfterTopKUsesTheRenormalisedMass) {
  // probs 0.4, 0.3, 0.2, 0.1; top_k 2 renormalises to 4/7, 3/7; top_p 0.6 then needs both.
  Candidates c = make(logits_of({0.4, 0.3, 0.2, 0.1}));
  apply_top_k(c, 2);
  apply_top_p(c, 0.6);
  EXPECT_EQ(ids(c), (std::vector<int32_t>{0, 1}));
}

TEST(MinP, KeepsTokensAboveAFractionOfTheTopProbability) {
  Candidates c = make(logits_of({0.05, 0.5, 0.15, 0.3}));
  apply_min_p(c, 0.2);  // threshold 0.1: drops 0.05
  EXPECT_EQ(ids(c), (std::vector<int32_t>{1, 2, 3}));
  Candidates d = make(logits_of({0.05, 0.5, 0.15, 0.3}));
  apply_min_p(d, 1.0);  // only the top token survives
  EXPECT_EQ(ids(d), (std::vector<int32_t>{1}));
}

TEST(RepetitionPenalty, DividesPositiveAndMultipliesNegativeOncePerToken) {
  std::vector<float> logits = {2.0f, -2.0f, 1.0f, 4.0f};
  TokenCounts seen = {{0, 3}, {1, 1}, {99, 1}};  // counts do not matter; out-of-range ids ignored
  apply_repetition_penalty(logits, seen, 2.0);
  EXPECT_EQ(logits, (std::vector<float>{1.0f, -4.0f, 1.0f, 4.0f}));
}

TEST(PresenceFrequency, SubtractsPresenceOnceAndFrequencyPerOccurrence) {
  std::vector<float> logits = {1.0f, 1.0f, 1.0f};
  TokenCounts counts = {{0, 2}, {2, 1}};
  apply_presence_frequency(logits, counts, 0.5, 0.25);
  EXPECT_FLOAT_EQ(logits[0], 1.0f - 0.5f - 0.5f);
  EXPECT_FLOAT_EQ(logits[1], 1.0f);
  EXPECT_FLOAT_EQ(logits[2], 1.0f - 0.5f - 0.25f);
}

TEST(Argmax, TiesGoToTheLowerId) {
  std::vector<float> logits = {0.0f, 5.0f, -1.0f, 5.0f};
  EXPECT_EQ(argmax(logits), 1);
}

TEST(Draw, FrequenciesFollowTheProbabilities) {
  const std::vector<double> probs = {0.5, 0.3, 0.2};
  const auto logits = logits_of(probs);
  Rng rng(123);
  std::map<int32_t, int> hits;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    Candidates c = make(logits);
    ++hits[draw(c, rng)];
  }
  for (size_t id = 0; id < probs.size(); ++id) {
    const double sigma = std::sqrt(probs[id] * (1 - probs[id]) / n);
    EXPECT_NEAR(static_cast<double>(hits[static_cast<int32_t>(id)]) / n, probs[id], 5 * sigma) << "id " << id;
  }
}

TEST(Draw, NeverPicksAZeroProbabilityToken) {
  std::vector<float> logits = {-INFINITY, 0.0f, -INFINITY, 0.0f};
  Rng rng(5);
  for (int i = 0; i < 1000; ++i) {
    Candidates c = make(logits);
    int32_t id = draw(c, rng);
    ASSERT_TRUE(id == 1 || id == 3);
  }
}

}  // namespace
}  // namespace hirelm::sampling
