#include "engine/sampling/logits_processors.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

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

namespace {

// Sorting more than this many candidates for top_p costs more than the bucketed nucleus search.
constexpr size_t kTopPSortLimit = 4096;

// top_p over a flat distribution (the nucleus holds thousands of tokens, as with random weights or a
// very uncertain model), without sorting the vocabulary: bucket the probabilities by the bits of their
// float value (monotonic for positive floats; 128 buckets per octave below the largest), find the
// bucket where the cumulative mass from the top reaches p, and sort only that bucket. The kept set is
// the same nucleus as the sorted path's (up to summation order); the kept items stay in id order, with
// the boundary bucket's survivors last in descending order, and `sorted` is false afterwards.
void top_p_bucketed(Candidates& c, double p) {
  constexpr int kShift = 16;          // 23 mantissa bits - 7: 128 buckets per octave
  constexpr uint32_t kBuckets = 128 * 48;  // 48 octaves; everything smaller shares the last bucket
  auto bits = [](float x) {
    uint32_t u;
    std::memcpy(&u, &x, sizeof u);
    return u;
  };
  float max_prob = 0.0f;
  for (const auto& item : c.items) max_prob = std::max(max_prob, item.prob);
  const uint32_t top = bits(max_prob);
  auto bucket_of = [&](float prob) {
    const uint32_t b = (top - bits(prob)) >> kShift;  // prob <= max_prob, both positive or zero
    return std::min(b, kBuckets - 1);
  };
  // Scratch reused across calls on this thread: this runs once per sampled token.
  thread_local std::vector<double> mass;
  thread_local std::vector<Candidate> edge;
  mass.assign(kBuckets, 0.0);
  edge.clear();
  for (const auto& item : c.items) mass[bucket_of(item.prob)] += item.prob;
  double above = 0.0;
  uint32_t boundary = 0;
  while (boundary + 1 < kBuckets && above + mass[boundary] < p) above += mass[boundary++];
  // Items strictly above the boundary bucket are kept as they are; the boundary bucket is sorted and
  // cut where the mass reaches p (or kept whole when rounding leaves the total just under p).
  size_t kept = 0;
  for (const auto& item : c.items) {
    const uint32_t b = bucket_of(item.prob);
    if (b < boundary) {
      c.items[kept++] = item;
    } else if (b == boundary) {
      edge.push_back(item);
    }
  }
  std::sort(edge.begin(), edge.end(), before);
  size_t take = edge.size();
  double running = above;
  for (size_t i = 0; i < edge.size(); ++i) {
    running += edge[i].prob;
    if (running >= p) {
      take = i + 1;
      break;
    }
  }
  c.items.resize(kept);
  c.items.insert(c.items.end(), edge.begin(), edge.begin() + static_cast<std::ptrdiff_t>(take));
  // Never empty: bucket 0 holds the most likely item, kept when boundary > 0, else in `edge` (take >= 1).
  HIRELM_CHECK(!c.items.empty());
  c.sorted = false;
}

}  // namespace

void apply_top_p(Candidates& c, double p) {
  if (p >= 1.0) return;
  if (!c.has_probs) apply_softmax(c);
  const size_t n = c.items.size();
  // Sort only as much as the nucleus needs: a peaked distribution reaches p within a few dozen
  // tokens, so grow the sorted prefix geometrically instead of sorting the whole vocabulary; a flat
  // one is bucketed instead (top_p_bucketed).
  size_t prefix = std::min<size_t>(64, n);
  while (true) {
    if (!c.sorted && prefix > kTopPSortLimit) {
      top_p_bucketed(c, p);
      return;
    }
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
