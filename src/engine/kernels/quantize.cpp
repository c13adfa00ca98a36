// Scalar conversions between f32 and the stored dtypes. The dequantizers reproduce ggml's to_float bit for
// bit: the same integer unpacking and the same float operations in the same order (this file is built with
// -ffp-contract=off so no multiply-add is fused behind our back).
#include "engine/kernels/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/kernels/block_formats.h"
#include "engine/kernels/quantize_k.h"
#include "util/check.h"

namespace hirelm::kernels {
namespace {

uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

void dequantize_q8_0(const BlockQ8_0* x, float* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float d = f16_to_f32(x[b].d);
    for (int j = 0; j < kQK8_0; ++j) y[b * kQK8_0 + j] = static_cast<float>(x[b].qs[j]) * d;
  }
}

void dequantize_q4_0(const BlockQ4_0* x, float* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float d = f16_to_f32(x[b].d);
    float* out = y + b * kQK8_0;
    for (int j = 0; j < kQK8_0 / 2; ++j) {
      const int x0 = (x[b].qs[j] & 0x0F) - 8;
      const int x1 = (x[b].qs[j] >> 4) - 8;
      out[j] = static_cast<float>(x0) * d;
      out[j + kQK8_0 / 2] = static_cast<float>(x1) * d;
    }
  }
}

// llama.cpp's reference Q8_0 rounding: d = amax / 127, q = round(x * (1 / d)) with ties away from zero.
void quantize_q8_0(const float* x, BlockQ8_0* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float* in = x + b * kQK8_0;
    float amax = 0.0f;
    for (int j = 0; j < kQK8_0; ++j) amax = std::fmax(amax, std::fabs(in[j]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    y[b].d = f32_to_f16(d);
    for (int j = 0; j < kQK8_0; ++j) y[b].qs[j] = static_cast<int8_t>(std::roundf(in[j] * id));
  }
}

// llama.cpp's reference Q4_0 rounding: the value of largest magnitude (with its sign) maps to -8,
// q = min(15, trunc(x / d + 8.5)).
void quantize_q4_0(const float* x, BlockQ4_0* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float* in = x + b * kQK8_0;
    float amax = 0.0f;
    float max = 0.0f;
    for (int j = 0; j < kQK8_0; ++j) {
      if (amax < std::fabs(in[j])) {
        amax = std::fabs(in[j]);
        max = in[j];
      }
    }
    const float d = max / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    y[b].d = f32_to_f16(d);
    for (int j = 0; j < kQK8_0 / 2; ++j) {
      const float x0 = in[j] * id;
      const float x1 = in[j + kQK8_0 / 2] * id;
      const int q0 = std::min(15, static_cast<int>(static_cast<int8_t>(x0 + 8.5f)));
      const int q1 = std::min(15, static_cast<int>(static_cast<int8_t>(x1 + 8.5f)));
      y[b].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
    }
  }
}

int64_t checked_blocks(DType type, int64_t n) {
  const int64_t block = dtype_traits(type).block_elements;
  HIRELM_CHECK_MSG(block > 0, "unsupported dtype");
  HIRELM_CHECK_MSG(n >= 0 && n % block == 0, "row length is not a multiple of the block size");
  return n / block;
}

}  // namespace

float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1F;
  const uint32_t mant = h & 0x3FF;
  if (exp == 0) {
    // Zero or subnormal: mant * 2^-24, exact in f32.
    const float magnitude = static_cast<float>(mant) * 5.9604644775390625e-8f;
    return bits_float(float_bits(magnitude) | sign);
  }
  if (exp == 31) return bits_float(sign | 0x7F800000u | (mant << 13));  // inf / NaN (payload kept)
  return bits_float(sign | ((exp + 112) << 23) | (mant << 13));
}

uint16_t f32_to_f16(float f) {
  const uint32_t u = float_bits(f);
  const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000);
  const uint32_t a = u & 0x7FFFFFFFu;
  if (a > 0x7F800000u) return static_cast<uint16_t>(sign | 0x7E00 | ((a >> 13) & 0x3FF));  // quiet NaN
  if (a >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00);  // >= 65520 rounds to inf
  if (a < 0x38800000u) {
    // Below the smallest normal half (2^-14): the half is |f| / 2^-24 rounded to nearest even; a result of
    // 1024 is exactly the smallest normal's encoding.
    const float scaled = bits_float(a) * 16777216.0f;
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(scaled)));
  }
  // Normal: rebias the exponent and round the 13 dropped mantissa bits to nearest even; a carry out of the
  // mantissa correctly bumps the exponent.
  const uint32_t rebased = a - 0x38000000u;
  return static_cast<uint16_t>(sign | ((rebased + 0xFFFu + ((rebased >> 13) & 1u)) >> 13));
}

float bf16_to_f32(uint16_t h) { return bits_float(static_cast<uint32_t>(h) << 16); }

uint16_t f32_to_bf16(float f) {
  const uint32_t u = float_bits(f);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((u >> 16) | 0x40);  // quiet NaN
  return static_cast<uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

void dequantize_row(DType type, const void* src, float* dst, int64_t n) {
  const int64_t n_blocks = checked_blocks(type, n);
  switch (type) {
    case DType::kF32:
      std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
      return;
    case DType::kF16: {
      const auto* s = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = f16_to_f32(s[i]);
      return;
    }
    case DType::kBF16: {
      const auto* s = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(s[i]);
      return;
    }
    case DType::kQ8_0: dequantize_q8_0(static_cast<const BlockQ8_0*>(src), dst, n_blocks); return;
    case DType::kQ4_0: dequantize_q4_0(static_cast<const BlockQ4_0*>(src), dst, n_blocks); return;
    case DType::kQ4_K: dequantize_q4_k(static_cast<const BlockQ4_K*>(src), dst, n_blocks); return;
    case DType::kQ6_K: dequantize_q6_k(static_cast<const BlockQ6_K*>(src), dst, n_blocks); return;
  }
  HIRELM_CHECK_MSG(false, "dequantize_row: unsupported dtype");
}

void quantize_row(DType type, const float* src, void* dst, int64_t n) {
  const int64_t n_blocks = checked_blocks(type, n);
  switch (type) {
    case DType::kF32:
      std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
      return;
    case DType::kF16: {
      auto* d = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = f32_to_f16(src[i]);
      return;
    }
    case DType::kBF16: {
      auto* d = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = f32_to_bf16(src[i]);
      return;
    }
    case DType::kQ8_0: quantize_q8_0(src, static_cast<BlockQ8_0*>(dst), n_blocks); return;
    case DType::kQ4_0: quantize_q4_0(src, static_cast<BlockQ4_0*>(dst), n_blocks); return;
    case DType::kQ4_K: quantize_q4_k(src, static_cast<BlockQ4_K*>(dst), n_blocks); return;
    case DType::kQ6_K: quantize_q6_k(src, static_cast<BlockQ6_K*>(dst), n_blocks); return;
  }
  HIRELM_CHECK_MSG(false, "quantize_row: unsupported dtype");
}

}  // namespace hirelm::kernels
