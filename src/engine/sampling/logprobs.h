// Log-probabilities of tokens under one row of logits, for OpenAI-style `logprobs` / `top_logprobs`.
// These describe the model's distribution (raw logits, before any sampling processor), as vLLM
// reports by default.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace hirelm::sampling {

// out[i] = logits[i] - logsumexp(logits); out.size() == logits.size(). Accumulates in double.
void log_softmax(std::span<const float> logits, std::span<float> out);

struct TokenLogprob {
  int32_t id;
  float logprob;
};

struct TokenLogprobs {
  TokenLogprob chosen;              // the token that was emitted
  std::vector<TokenLogprob> top;    // the top_n most likely tokens, most likely first (ties: lower id)
};

// The chosen token's log-probability and the top_n alternatives (top_n may be 0).
TokenLogprobs token_logprobs(std::span<const float> logits, int32_t chosen, int top_n);

}  // namespace hirelm::sampling
