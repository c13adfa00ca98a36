// The candidate's score over all samples: median, mean and range of the samples that produced a score,
// per-criterion medians, must-haves by majority, and whether the spread makes the score unreliable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "screening/scoring/score_sample.h"

namespace hirelm::screening {

// A spread (max - min) wider than this many points flags score_unreliable.
constexpr double kUnreliableSpread = 2.0;

struct ScoreSummary {
  std::optional<double> median, mean, min, max;  // over scored samples; all empty when none scored
  std::vector<std::optional<double>> samples;    // every sample's total in sample order (nullopt = no score)
  size_t scored = 0;                             // samples with a score
  bool unreliable = false;                       // max - min > kUnreliableSpread
  std::vector<std::pair<std::string, std::optional<double>>> criteria;  // name, median over samples
  std::vector<MustHaveCheck> must_haves;  // pass/fail when most samples agree, else unclear
  std::vector<Quote> evidence;            // verified quotes only, deduplicated, in first-seen order
  std::string no_score_reason;            // when nothing scored: the reasons of the samples, joined
};

ScoreSummary summarize_samples(const std::vector<ScoreSample>& samples);

// Median of non-empty values (mean of the middle two for an even count). Precondition: values not empty.
double median_of(std::vector<double> values);

}  // namespace hirelm::screening
