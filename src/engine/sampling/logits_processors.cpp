#include "engine/sampling/logits_processors.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/check.h"
#include "util/error.h"

namespace hirelm::sampling {

namespace {

// The strict total order of candidates: more likely first, lower id first among equal logits.
bool before(const Candidate& a, const Candidate& b) {
  if (a.logit != b.logit) return a.logit > b.logit;
  return a.id < b.id;
}

// Ensures the first `n` items are the n best, in order. Cost O(size + n log n).
void sort_prefix(Candidates& c, size_t n) {
  auto& v = c.items;
  n = std::min(n, v.size());
  if (c.sorted) return;
  if (n < v.size()) std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), v.end(), before);
  std::sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), before);
  if (n == v.size()) c.sorted = true;
}

void truncate(Candidates& c, size_t keep) {
  HIRELM_CHECK(keep >= 1 && keep <= c.items.size());
  c.items.resize(keep);
}

}  // namespace

void Candidates::assign(std::span<const float> logits) {
  items.clear();
  items.reserve(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) {
    const float logit = logits[i];
    if (std::isnan(logit)) {
      throw Error(ErrorKind::kInternal, "sampler: logit of token " + std::to_string(i) + " is NaN");
    }
    // -inf has probability 0 under every processor: leaving it out changes no result, and a constrained
    // row (mostly -inf) then costs the processors only its allowed tokens.
    if (logit == -std::numeric_limits<float>::infinity()) continue;
    items.push_back({static_cast<int32_t>(i), logit, 0.0f});
  }
  if (items.empty() && !logits.empty()) {
    throw Error(ErrorKind::kInternal, "sampler: no candidate token has a finite logit");
  }
  sorted = false;
  has_probs = false;
}

void apply_repetition_penalty(std::span<float> logits, const TokenCounts& seen, double penalty) {
  if (penalty == 1.0) return;
  const auto pen = static_cast<float>(penalty);
  for (const auto& [id, count] : seen) {
    if (id < 0 || static_cast<size_t>(id) >= logits.size() || count <= 0) continue;
    float& l = logits[static_cast<size_t>(id)];
    l = l > 0.0f ? l / pen : l * pen;
  }
}

void apply_presence_frequency(std::span<float> logits, const TokenCounts& counts, double presence,
                              double frequency) {
  if (presence == 0.0 && frequency == 0.0) return;
  for (const auto& [id, count] : counts) {
    if (id < 0 || static_cast<size_t>(id) >= logits.size() || count <= 0) continue;
    logits[static_cast<size_t>(id)] -= static_cast<float>(presence + frequency * count);
  }
}

int32_t argmax(std::span<const float> logits) {
  HIRELM_CHECK(!logits.empty());
  size_t best = 0;
  for (size_t i = 1; i < logits.size(); ++i) {
    if (logits[i] > logits[best]) best = i;
  }
  return static_cast<int32_t>(best);
}

void apply_temperature(Candidates& c, double temperature) {
  HIRELM_CHECK(temperature > 0.0);
  if (temperature == 1.0) return;
  const auto inv = static_cast<float>(1.0 / temperature);
  for (auto& item : c.items) item.logit *= inv;
  c.has_probs = false;
}

void apply_top_k(Candidates& c, int k) {
  HIRELM_CHECK(k > 0);
  const size_t keep = std::min(static_cast<size_t>(k), c.items.size());
  sort_prefix(c, keep);
  truncate(c, keep);
  c.sorted = true;
  c.has_probs = false;  // later processors see the distribution renormalised over the k survivors
}

void apply_softmax(Candidates& c) {
  HIRELM_CHECK(!c.items.empty());
  float max_logit = c.items[0].logit;
  for (const auto& item : c.items) max_logit = std::max(max_logit, item.logit);
  if (!std::isfinite(max_logit)) {
    throw Error(ErrorKind::kInternal, "sampler: no candidate token has a finite logit");
  }
  double sum = 0.0;
  for (auto& item : c.items) {
    item.prob = std::exp(item.logit - max_logit);
    sum += item.prob;
  }
  const double inv = 1.0 / sum;
  for (auto& item : c.items) item.prob = static_cast<float>(item.prob * inv);
  c.has_probs = true;
}

void apply_top_p(Candidates& c, double p) {
  if (p >= 1.0) return;
  if (!c.has_probs) apply_softmax(c);
  const size_t n = c.items.size();
  // Sort only as much as the nucleus needs: a peaked distribution reaches p within a few dozen
  // tokens, so grow the sorted prefix geometrically instead of sorting the whole vocabulary.
  size_t prefix = std::min<size_t>(64, n);
  while (true) {
    sort_prefix(c, prefix);
    double mass = 0.0;
    for (size_t i = 0; i < prefix; ++i) {
      mass += c.items[i].prob;
      if (mass >= p) {
        truncate(c, i + 1);
        c.sorted = true;
        return;
      }
    }
    if (prefix == n) {
      // Rounding left the total just under p: keep everything.
      c.sorted = true;
      return;
    }
    prefix = std::min(n, prefix * 4);
  }
}

void apply_min_p(Candidates& c, double min_p) {
  if (min_p <= 0.0) return;
  if (!c.has_probs) apply_softmax(c);
  float max_prob = 0.0f;
  for (const auto& item : c.items) max_prob = std::max(max_prob, item.prob);
  const auto threshold = static_cast<float>(min_p * max_prob);
  // Preserves the current order (sorted or by id), so the result is deterministic either way.
  auto end = std::remove_if(c.items.begin(), c.items.end(),
                            [threshold](const Candidate& item) { return item.prob < threshold; });
  c.items.erase(end, c.items.end());
  HIRELM_CHECK(!c.items.empty());
}

int32_t draw(Candidates& c, Rng& rng) {
  if (!c.has_probs) apply_softmax(c);
  double total = 0.0;
  for (const auto& item : c.items) total += item.prob;
  const double target = rng.uniform() * total;
  double cumulative = 0.0;
  for (const auto& item : c.items) {
    cumulative += item.prob;
    if (target < cumulative) return item.id;
  }
  // target is below total, so only rounding can get here: take the last token with mass.
  for (auto it = c.items.rbegin(); it != c.items.rend(); ++it) {
    if (it->prob > 0.0f) return it->id;
  }
  return c.items.front().id;
}

}  // namespace hirelm::sampling
