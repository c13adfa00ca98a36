// Sampling parameters of one sequence, and how a request's partial choices combine with the model's
// defaults (generation_config.json: temperature 0.6, top_p 0.95 for DeepSeek-R1-Distill-Qwen).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hirelm::sampling {

// Fully resolved parameters. Neutral values switch a processor off: temperature 1, top_k 0, top_p 1,
// min_p 0, penalties 1 / 0 / 0.
//
// Order of application (as Hugging Face and vLLM do): repetition penalty, presence and frequency
// penalties, temperature, top_k, top_p, min_p, then a draw. temperature == 0 means greedy: argmax of
// the penalised logits (ties go to the lower token id).
//
// What counts as "seen":
//  - repetition_penalty (HF / llama.cpp semantics: positive logits are divided by the penalty,
//    negative ones multiplied) applies once to every distinct token of the prompt AND the output,
//    like HF and vLLM.
//  - presence_penalty and frequency_penalty (OpenAI semantics: logit -= presence * [count > 0]
//    + frequency * count) count generated tokens only, like vLLM and the OpenAI API.
struct SamplingParams {
  double temperature = 1.0;
  int top_k = 0;             // 0 = off
  double top_p = 1.0;        // (0, 1]; 1 = off
  double min_p = 0.0;        // [0, 1]; 0 = off; relative to the most likely token's probability
  double repetition_penalty = 1.0;  // > 0; 1 = off
  double presence_penalty = 0.0;    // [-2, 2] in OpenAI's API; we accept any finite value
  double frequency_penalty = 0.0;
  uint64_t seed = 0;

  bool greedy() const { return temperature == 0.0; }
};

// Throws InvalidInputError naming the field and the accepted range when a value is out of range.
void validate(const SamplingParams& params);

// A request's choices; unset fields fall back to the defaults given to resolve().
struct SamplingOverrides {
  std::optional<double> temperature;
  std::optional<int> top_k;
  std::optional<double> top_p;
  std::optional<double> min_p;
  std::optional<double> repetition_penalty;
  std::optional<double> presence_penalty;
  std::optional<double> frequency_penalty;
  std::optional<uint64_t> seed;

  // Fills unset fields from `defaults`, then validates the result.
  SamplingParams resolve(const SamplingParams& defaults) const;
};

}  // namespace hirelm::sampling
