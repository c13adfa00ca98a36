// The plain scalar REFERENCE forward pass for tests: weights dequantized to f32 with the exact block
// decoders, every dot product and the softmax accumulated in double, full-precision K/V, one sequence
// from position 0, no batching, no threads, no cache. Slow and obviously correct; the optimized
// forward is compared against it.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/model/qwen2_config.h"
#include "engine/model/qwen2_weights.h"

namespace hirelm::model {

// Logits [n_out, n_vocab] for `tokens` at positions 0..n-1: every position when all_positions, else the
// last one only (n_out = 1).
std::vector<float> reference_forward(const Qwen2Config& config, const Qwen2Weights& weights,
                                     const std::vector<int32_t>& tokens, bool all_positions);

}  // namespace hirelm::model
