// Logits processors: each one a free function over either the full logits row or a candidate list.
// They know nothing of the model or the sampler; Sampler (sampler.h) chains them in the documented
// order. Every ordering of candidates is a strict total order (logit descending, then token id
// ascending), so results never depend on the sort algorithm of the standard library.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/sampling/rng.h"

namespace hirelm::sampling {

struct Candidate {
  int32_t id;
  float logit;
  float prob;  // valid only after softmax(); not renormalised by the truncating processors
};

// A working set of candidate tokens. `sorted` is true when `items` is in descending order
// (logit descending, id ascending); otherwise items are in ascending id order.
struct Candidates {
  std::vector<Candidate> items;
  bool sorted = false;
  bool has_probs = false;

  // Replaces the contents with every token of `logits` (id = index) whose logit is not -inf (masked out:
  // probability 0), unsorted, without probs. Throws Error(kInternal) on a NaN logit or when every logit
  // is -inf.
  void assign(std::span<const float> logits);
};

// Token id -> number of occurrences.
using TokenCounts = std::unordered_map<int32_t, int>;

// HF / llama.cpp repetition penalty on a full logits row, once per distinct token in `seen`:
// logit > 0 -> logit / penalty, else logit * penalty. Ids outside the row are ignored.
void apply_repetition_penalty(std::span<float> logits, const TokenCounts& seen, double penalty);

// OpenAI presence / frequency penalties on a full logits row:
// logit -= presence * [count > 0] + frequency * count for every token in `counts`.
void apply_presence_frequency(std::span<float> logits, const TokenCounts& counts, double presence,
                              double frequency);

// Index of the largest logit; ties go to the lowest id. The row must be non-empty.
int32_t argmax(std::span<const float> logits);

// Divides every logit by `temperature` (> 0).
void apply_temperature(Candidates& c, double temperature);

// Keeps the k most likely candidates (k > 0), leaves them sorted; later probs are over the survivors.
void apply_top_k(Candidates& c, int k);

// Sets prob = softmax(logit) over the current candidates (max-subtracted, double accumulation).
void apply_softmax(Candidates& c);

// Keeps the smallest prefix of the sorted candidates whose probability mass reaches p (at least one
// token), like HF's TopPLogitsWarper. Computes probs first when needed; leaves candidates sorted.
void apply_top_p(Candidates& c, double p);

// Keeps candidates with prob >= min_p * max prob (at least one). Computes probs first when needed.
void apply_min_p(Candidates& c, double min_p);

// Draws one candidate with probability proportional to prob (probs are computed if missing), using
// exactly one rng.uniform() draw.
int32_t draw(Candidates& c, Rng& rng);

}  // namespace hirelm::sampling
