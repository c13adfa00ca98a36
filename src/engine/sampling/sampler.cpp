#include "engine/sampling/sampler.h"

namespace hirelm::sampling {

namespace {
const SamplingParams& validated(const SamplingParams& params) {
  validate(params);
  return params;
}
}  // namespace

Sampler::Sampler(const SamplingParams& params) : params_(validated(params)), rng_(params.seed) {}

void Sampler::set_prompt(std::span<const int32_t> prompt) {
  seen_ = output_;
  for (int32_t id : prompt) ++seen_[id];
}

void Sampler::accept(int32_t token) {
  ++seen_[token];
  ++output_[token];
}

int32_t Sampler::sample(std::span<const float> logits) { return sample(logits, LogitsMask{}); }

int32_t Sampler::sample(std::span<const float> logits, const LogitsMask& mask) {
  work_.assign(logits.begin(), logits.end());
  if (mask) mask(work_);
  apply_repetition_penalty(work_, seen_, params_.repetition_penalty);
  apply_presence_frequency(work_, output_, params_.presence_penalty, params_.frequency_penalty);
  if (params_.greedy()) {
    candidates_.assign(work_);  // rejects NaN logits, like the sampling path
    return argmax(work_);
  }
  candidates_.assign(work_);
  apply_temperature(candidates_, params_.temperature);
  if (params_.top_k > 0) apply_top_k(candidates_, params_.top_k);
  apply_top_p(candidates_, params_.top_p);
  apply_min_p(candidates_, params_.min_p);
  return draw(candidates_, rng_);
}

}  // namespace hirelm::sampling
