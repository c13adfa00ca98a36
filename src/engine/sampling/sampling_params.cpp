#include "engine/sampling/sampling_params.h"

#include <cmath>

#include "util/error.h"

namespace hirelm::sampling {

namespace {
void require(bool ok, const std::string& field, double value, const std::string& range) {
  if (!ok) {
    throw InvalidInputError("sampling parameter '" + field + "': expected " + range + ", got " +
                            std::to_string(value));
  }
}
}  // namespace

void validate(const SamplingParams& p) {
  require(std::isfinite(p.temperature) && p.temperature >= 0.0, "temperature", p.temperature,
          "a finite number >= 0");
  require(p.top_k >= 0, "top_k", p.top_k, "an integer >= 0 (0 = off)");
  require(std::isfinite(p.top_p) && p.top_p > 0.0 && p.top_p <= 1.0, "top_p", p.top_p, "a number in (0, 1]");
  require(std::isfinite(p.min_p) && p.min_p >= 0.0 && p.min_p <= 1.0, "min_p", p.min_p, "a number in [0, 1]");
  require(std::isfinite(p.repetition_penalty) && p.repetition_penalty > 0.0, "repetition_penalty",
          p.repetition_penalty, "a finite number > 0 (1 = off)");
  require(std::isfinite(p.presence_penalty), "presence_penalty", p.presence_penalty, "a finite number");
  require(std::isfinite(p.frequency_penalty), "frequency_penalty", p.frequency_penalty, "a finite number");
}

SamplingParams SamplingOverrides::resolve(const SamplingParams& defaults) const {
  SamplingParams p = defaults;
  if (temperature) p.temperature = *temperature;
  if (top_k) p.top_k = *top_k;
  if (top_p) p.top_p = *top_p;
  if (min_p) p.min_p = *min_p;
  if (repetition_penalty) p.repetition_penalty = *repetition_penalty;
  if (presence_penalty) p.presence_penalty = *presence_penalty;
  if (frequency_penalty) p.frequency_penalty = *frequency_penalty;
  if (seed) p.seed = *seed;
  validate(p);
  return p;
}

}  // namespace hirelm::sampling
