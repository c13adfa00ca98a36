// Q4_K and Q6_K. Dequantization follows ggml's arithmetic exactly (float operations in ggml's order; the
// file is built with -ffp-contract=off). Quantization is ours: a per-sub-block scale search with a
// least-squares refit, then 6-bit (Q4_K) or 8-bit (Q6_K) quantization of the sub-block scales.
#include "engine/kernels/quantize_k.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/kernels/quantize.h"

namespace hirelm::kernels {
namespace {

int nearest_int(float v) { return static_cast<int>(std::lrintf(v)); }

// Fits x[i] ~= scale * q[i] - min with q in [0, 15], scale >= 0, min >= 0, for one 32-value sub-block.
// Returns the best (scale, min) found; q is not returned because it is recomputed after the sub-block
// scales are themselves quantized.
void fit_scale_min_4bit(const float* x, int n, float* scale_out, float* min_out) {
  float lo = 0.0f;
  float hi = x[0];
  for (int i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  if (hi <= lo) {
    *scale_out = 0.0f;
    *min_out = -lo;
    return;
  }
  float best_err = INFINITY;
  float best_scale = (hi - lo) / 15.0f;
  float best_min = -lo;
  for (int step = -6; step <= 12; ++step) {
    const float iscale = (15.0f + 0.1f * static_cast<float>(step)) / (hi - lo);
    double sq = 0, sx = 0, sqq = 0, sqx = 0;
    uint8_t q[32];
    for (int i = 0; i < n; ++i) {
      q[i] = static_cast<uint8_t>(std::clamp(nearest_int(iscale * (x[i] - lo)), 0, 15));
      sq += q[i];
      sx += x[i];
      sqq += static_cast<double>(q[i]) * q[i];
      sqx += static_cast<double>(q[i]) * x[i];
    }
    // Least squares of x ~= s * q + b; b must stay <= 0 (a non-negative min).
    const double det = n * sqq - sq * sq;
    double s = 0;
    double b = 0;
    if (det > 0) {
      s = (n * sqx - sq * sx) / det;
      b = (sx - s * sq) / n;
    }
    if (b > 0 || s <= 0) {
      b = 0;
      s = sqq > 0 ? sqx / sqq : 0;
      if (s < 0) s = 0;
    }
    double err = 0;
    for (int i = 0; i < n; ++i) {
      const double e = s * q[i] + b - x[i];
      err += e * e;
    }
    if (err < best_err) {
      best_err = static_cast<float>(err);
      best_scale = static_cast<float>(s);
      best_min = static_cast<float>(-b);
    }
  }
  *scale_out = best_scale;
  *min_out = best_min;
}

// Fits x[i] ~= scale * q[i] with q in [-32, 31] for one 16-value sub-block; the scale may be negative so that
// the value of largest magnitude can use -32.
float fit_scale_6bit(const float* x, int n) {
  float amax = 0.0f;
  float max = 0.0f;
  for (int i = 0; i < n; ++i) {
    if (std::fabs(x[i]) > amax) {
      amax = std::fabs(x[i]);
      max = x[i];
    }
  }
  if (amax == 0.0f) return 0.0f;
  float best_err = INFINITY;
  float best_scale = max / -32.0f;
  for (int step = -9; step <= 9; ++step) {
    const float iscale = -(32.0f + 0.1f * static_cast<float>(step)) / max;
    double sqq = 0, sqx = 0;
    int q[16];
    for (int i = 0; i < n; ++i) {
      q[i] = std::clamp(nearest_int(iscale * x[i]), -32, 31);
      sqq += static_cast<double>(q[i]) * q[i];
      sqx += static_cast<double>(q[i]) * x[i];
    }
    if (sqq <= 0) continue;
    const double s = sqx / sqq;
    double err = 0;
    for (int i = 0; i < n; ++i) {
      const double e = s * q[i] - x[i];
      err += e * e;
    }
    if (err < best_err) {
      best_err = static_cast<float>(err);
      best_scale = static_cast<float>(s);
    }
  }
  return best_scale;
}

}  // namespace

void dequantize_q4_k(const BlockQ4_K* x, float* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float d = f16_to_f32(x[b].d);
    const float min = f16_to_f32(x[b].dmin);
    const uint8_t* q = x[b].qs;
    float* out = y + b * kQK_K;
    for (int chunk = 0; chunk < 4; ++chunk) {
      uint8_t sc;
      uint8_t m;
      unpack_scale_min_k4(2 * chunk, x[b].scales, &sc, &m);
      const float d1 = d * static_cast<float>(sc);
      const float m1 = min * static_cast<float>(m);
      unpack_scale_min_k4(2 * chunk + 1, x[b].scales, &sc, &m);
      const float d2 = d * static_cast<float>(sc);
      const float m2 = min * static_cast<float>(m);
      for (int l = 0; l < 32; ++l) out[64 * chunk + l] = d1 * static_cast<float>(q[l] & 0xF) - m1;
      for (int l = 0; l < 32; ++l) out[64 * chunk + 32 + l] = d2 * static_cast<float>(q[l] >> 4) - m2;
      q += 32;
    }
  }
}

void dequantize_q6_k(const BlockQ6_K* x, float* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float d = f16_to_f32(x[b].d);
    for (int half = 0; half < 2; ++half) {
      const uint8_t* ql = x[b].ql + 64 * half;
      const uint8_t* qh = x[b].qh + 32 * half;
      const int8_t* sc = x[b].scales + 8 * half;
      float* out = y + b * kQK_K + 128 * half;
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        out[l] = d * static_cast<float>(sc[is]) * static_cast<float>(q1);
        out[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
        out[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
        out[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
      }
    }
  }
}

void quantize_q4_k(const float* x, BlockQ4_K* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float* in = x + b * kQK_K;
    float scales[8];
    float mins[8];
    float max_scale = 0.0f;
    float max_min = 0.0f;
    for (int j = 0; j < 8; ++j) {
      fit_scale_min_4bit(in + 32 * j, 32, &scales[j], &mins[j]);
      max_scale = std::max(max_scale, scales[j]);
      max_min = std::max(max_min, mins[j]);
    }
    const float inv_scale = max_scale > 0 ? 63.0f / max_scale : 0.0f;
    const float inv_min = max_min > 0 ? 63.0f / max_min : 0.0f;
    uint8_t sc[8];
    uint8_t mn[8];
    for (int j = 0; j < 8; ++j) {
      sc[j] = static_cast<uint8_t>(std::min(63, nearest_int(inv_scale * scales[j])));
      mn[j] = static_cast<uint8_t>(std::min(63, nearest_int(inv_min * mins[j])));
    }
    BlockQ4_K& out = y[b];
    std::memset(out.scales, 0, sizeof out.scales);
    for (int j = 0; j < 8; ++j) {
      if (j < 4) {
        out.scales[j] = sc[j];
        out.scales[j + 4] = mn[j];
      } else {
        out.scales[j + 4] = static_cast<uint8_t>((sc[j] & 0xF) | ((mn[j] & 0xF) << 4));
        out.scales[j - 4] |= static_cast<uint8_t>((sc[j] >> 4) << 6);
        out.scales[j] |= static_cast<uint8_t>((mn[j] >> 4) << 6);
      }
    }
    out.d = f32_to_f16(max_scale / 63.0f);
    out.dmin = f32_to_f16(max_min / 63.0f);
    // Recompute q against the scales as they will be read back.
    const float d = f16_to_f32(out.d);
    const float dmin = f16_to_f32(out.dmin);
    uint8_t q[kQK_K];
    for (int j = 0; j < 8; ++j) {
      const float step = d * static_cast<float>(sc[j]);
      const float offset = dmin * static_cast<float>(mn[j]);
      for (int i = 0; i < 32; ++i) {
        const int v = step > 0 ? nearest_int((in[32 * j + i] + offset) / step) : 0;
        q[32 * j + i] = static_cast<uint8_t>(std::clamp(v, 0, 15));
      }
    }
    for (int chunk = 0; chunk < 4; ++chunk) {
      for (int l = 0; l < 32; ++l) {
        out.qs[32 * chunk + l] = static_cast<uint8_t>(q[64 * chunk + l] | (q[64 * chunk + 32 + l] << 4));
      }
    }
  }
}

void quantize_q6_k(const float* x, BlockQ6_K* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float* in = x + b * kQK_K;
    float scales[16];
    float max_scale = 0.0f;
    float amax_scale = 0.0f;
    for (int j = 0; j < 16; ++j) {
      scales[j] = fit_scale_6bit(in + 16 * j, 16);
      if (std::fabs(scales[j]) > amax_scale) {
        amax_scale = std::fabs(scales[j]);
        max_scale = scales[j];
      }
    }
    BlockQ6_K& out = y[b];
    std::memset(&out, 0, sizeof out);
    if (amax_scale == 0.0f) continue;  // d = 0: every value reads back as 0
    // The sub-block scale of largest magnitude maps to -128.
    const float iscale = -128.0f / max_scale;
    out.d = f32_to_f16(1.0f / iscale);
    for (int j = 0; j < 16; ++j) out.scales[j] = static_cast<int8_t>(std::min(127, nearest_int(iscale * scales[j])));
    const float d = f16_to_f32(out.d);
    uint8_t q[kQK_K];
    for (int j = 0; j < 16; ++j) {
      const float step = d * static_cast<float>(out.scales[j]);
      for (int i = 0; i < 16; ++i) {
        const int v = step != 0.0f ? nearest_int(in[16 * j + i] / step) : 0;
        q[16 * j + i] = static_cast<uint8_t>(std::clamp(v, -32, 31) + 32);
      }
    }
    for (int half = 0; half < 2; ++half) {
      for (int l = 0; l < 32; ++l) {
        const uint8_t* e = q + 128 * half;
        out.ql[64 * half + l] = static_cast<uint8_t>((e[l] & 0xF) | ((e[l + 64] & 0xF) << 4));
        out.ql[64 * half + 32 + l] = static_cast<uint8_t>((e[l + 32] & 0xF) | ((e[l + 96] & 0xF) << 4));
        out.qh[32 * half + l] = static_cast<uint8_t>((e[l] >> 4) | ((e[l + 32] >> 4) << 2) |
                                                     ((e[l + 64] >> 4) << 4) | ((e[l + 96] >> 4) << 6));
      }
    }
  }
}

}  // namespace hirelm::kernels
