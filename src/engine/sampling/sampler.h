// The per-sequence sampler: one SamplingParams, one Rng and the token counts the penalties need.
// A sequence owns exactly one Sampler; batching runs one Sampler per row of logits.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "engine/sampling/logits_processors.h"
#include "engine/sampling/rng.h"
#include "engine/sampling/sampling_params.h"

namespace hirelm::sampling {

// Edits the sampler's working copy of a logits row before any processor runs: a structured-output
// constraint sets the logits of refused tokens to -inf. It must leave at least one finite logit.
using LogitsMask = std::function<void(std::span<float> logits)>;

class Sampler {
 public:
  // Validates `params` (InvalidInputError when out of range) and seeds the generator with params.seed.
  explicit Sampler(const SamplingParams& params);

  // Records the prompt, which counts for the repetition penalty only (see sampling_params.h).
  // Replaces any previous prompt; does not touch the generated-token counts.
  void set_prompt(std::span<const int32_t> prompt);

  // Picks the next token from one row of logits (vocabulary size entries; the row is not modified).
  // Greedy when temperature == 0; otherwise consumes exactly one random draw.
  int32_t sample(std::span<const float> logits);
  // As above, with `mask` applied to the working copy first (an empty mask: none). Masked tokens are never
  // drawn; the penalties and truncations then see only the allowed ones.
  int32_t sample(std::span<const float> logits, const LogitsMask& mask);

  // Records a generated token (call it for each token appended to the sequence).
  void accept(int32_t token);

  const SamplingParams& params() const { return params_; }

 private:
  SamplingParams params_;
  Rng rng_;
  TokenCounts seen_;    // prompt + output, for the repetition penalty
  TokenCounts output_;  // output only, for presence / frequency
  std::vector<float> work_;
  Candidates candidates_;
};

}  // namespace hirelm::sampling
