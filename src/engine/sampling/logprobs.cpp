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
  // One pass with a size-n heap whose top is the least likely kept token: O(V log n), no V-sized buffer.
  auto more_likely = [&](int32_t a, int32_t b) {
    const float la = logits[static_cast<size_t>(a)], lb = logits[static_cast<size_t>(b)];
    return la != lb ? la > lb : a < b;
  };
  std::vector<int32_t> ids;
  ids.reserve(n + 1);
  for (size_t i = 0; i < logits.size(); ++i) {
    const auto id = static_cast<int32_t>(i);
    if (ids.size() < n) {
      ids.push_back(id);
      std::push_heap(ids.begin(), ids.end(), more_likely);
    } else if (more_likely(id, ids.front())) {
      std::pop_heap(ids.begin(), ids.end(), more_likely);
      ids.back() = id;
      std::push_heap(ids.begin(), ids.end(), more_likely);
    }
  }
  std::sort_heap(ids.begin(), ids.end(), more_likely);
  result.top.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    result.top.push_back({ids[i], static_cast<float>(logits[static_cast<size_t>(ids[i])] - lse)});
  }
  return result;
}

}  // namespace hirelm::sampling
