#include "engine/sampling/logprobs.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/check.h"
#include "util/error.h"

namespace hirelm::sampling {

namespace {
double log_sum_exp(std::span<const float> logits) {
  HIRELM_CHECK(!logits.empty());
  float max_logit = -std::numeric_limits<float>::infinity();
  for (float l : logits) {
    if (std::isnan(l)) throw Error(ErrorKind::kInternal, "logprobs: NaN logit in the row");
    max_logit = std::max(max_logit, l);
  }
  if (!std::isfinite(max_logit)) throw Error(ErrorKind::kInternal, "logprobs: no finite logit in the row");
  double sum = 0.0;
  for (float l : logits) sum += std::exp(static_cast<double>(l) - max_logit);
  return max_logit + std::log(sum);
}
}  // namespace

void log_softmax(std::span<const float> logits, std::span<float> out) {
  HIRELM_CHECK(out.size() == logits.size());
  const double lse = log_sum_exp(logits);
  for (size_t i = 0; i < logits.size(); ++i) out[i] = static_cast<float>(logits[i] - lse);
}

TokenLogprobs token_logprobs(std::span<const float> logits, int32_t chosen, int top_n) {
  HIRELM_CHECK(chosen >= 0 && static_cast<size_t>(chosen) < logits.size());
  HIRELM_CHECK(top_n >= 0);
  const double lse = log_sum_exp(logits);
  TokenLogprobs result;
  result.chosen = {chosen, static_cast<float>(logits[static_cast<size_t>(chosen)] - lse)};
  const size_t n = std::min(static_cast<size_t>(top_n), logits.size());
  if (n == 0) return result;
  std::vector<int32_t> ids(logits.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int32_t>(i);
  auto more_likely = [&](int32_t a, int32_t b) {
    float la = logits[static_cast<size_t>(a)], lb = logits[static_cast<size_t>(b)];
    return la != lb ? la > lb : a < b;
  };
  std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n), ids.end(), more_likely);
  result.top.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    result.top.push_back({ids[i], static_cast<float>(logits[static_cast<size_t>(ids[i])] - lse)});
  }
  return result;
}

}  // namespace hirelm::sampling
