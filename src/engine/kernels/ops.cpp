// Generic element-wise and row-wise operations. Reductions accumulate in double (as ggml does for RMSNorm
// and softmax) so their results do not depend on the row length's rounding drift.
#include "engine/kernels/ops.h"

#include <cmath>

#include "util/check.h"

namespace hirelm::kernels {

void rmsnorm(const float* x, const float* weight, float* out, int64_t n, float eps) {
  HIRELM_CHECK(n > 0);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * x[i];
  const float scale = static_cast<float>(1.0 / std::sqrt(sum / static_cast<double>(n) + eps));
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] * scale * weight[i];
}

void rope_neox(float* x, int64_t n_heads, int64_t head_dim, int64_t pos, float theta) {
  HIRELM_CHECK(head_dim % 2 == 0);
  const int64_t half = head_dim / 2;
  for (int64_t i = 0; i < half; ++i) {
    // The angle is formed in double: at positions ~1e5 an f32 angle would be off by ~1e-2 radians.
    const double inv_freq = std::pow(static_cast<double>(theta), -2.0 * static_cast<double>(i) / head_dim);
    const double angle = static_cast<double>(pos) * inv_freq;
    const float c = static_cast<float>(std::cos(angle));
    const float s = static_cast<float>(std::sin(angle));
    for (int64_t h = 0; h < n_heads; ++h) {
      float* head = x + h * head_dim;
      const float x0 = head[i];
      const float x1 = head[i + half];
      head[i] = x0 * c - x1 * s;
      head[i + half] = x0 * s + x1 * c;
    }
  }
}

void silu_mul(const float* gate, const float* up, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    out[i] = g / (1.0f + std::exp(-g)) * up[i];
  }
}

void add(float* x, const float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] += y[i];
}

void softmax(float* x, int64_t n) {
  HIRELM_CHECK(n > 0);
  float max = x[0];
  for (int64_t i = 1; i < n; ++i) max = std::fmax(max, x[i]);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max);
    sum += x[i];
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (int64_t i = 0; i < n; ++i) x[i] *= inv;
}

}  // namespace hirelm::kernels
