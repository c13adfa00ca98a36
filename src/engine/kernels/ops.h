// Element-wise and row-wise operations of a transformer layer. Kernels know nothing of the model:
// they take pointers and sizes only.
#pragma once

#include <cstdint>

namespace hirelm::kernels {

// out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i], for one row of n values. out may alias x.
void rmsnorm(const float* x, const float* weight, float* out, int64_t n, float eps);

// Rotates each of n_heads heads of `x` ([n_heads, head_dim], contiguous) in place by position `pos`,
// NEOX style: pairs (i, i + head_dim/2) rotate by angle pos * theta^(-2i/head_dim).
void rope_neox(float* x, int64_t n_heads, int64_t head_dim, int64_t pos, float theta);

// out[i] = silu(gate[i]) * up[i]; out may alias gate.
void silu_mul(const float* gate, const float* up, float* out, int64_t n);

// x[i] += y[i]
void add(float* x, const float* y, int64_t n);

// In-place softmax over n values.
void softmax(float* x, int64_t n);

}  // namespace hirelm::kernels
