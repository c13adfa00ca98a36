// Dense vector primitives for inner loops outside matmul (attention over the KV cache, residual scaling).
// Each call goes through a table chosen once from active_isa(); vec_kernels(isa) gives a specific path's
// table so tests can compare every path with the generic one.
#pragma once

#include <cstdint>

#include "engine/kernels/isa.h"

namespace hirelm::kernels {

struct VecKernels {
  // sum_i a[i] * b[i], accumulated in f32.
  float (*dot)(const float* a, const float* b, int64_t n);
  // sum_i f16(a[i]) * b[i]: a is an f16 row (e.g. a cached key), b f32.
  float (*dot_f16)(const uint16_t* a, const float* b, int64_t n);
  // y[i] += alpha * x[i].
  void (*axpy)(float alpha, const float* x, float* y, int64_t n);
  // y[i] += alpha * f16(x[i]): x is an f16 row (e.g. a cached value).
  void (*axpy_f16)(float alpha, const uint16_t* x, float* y, int64_t n);
  // x[i] *= s.
  void (*scale)(float* x, float s, int64_t n);
  // dst[i] = the f32 value of the half src[i] (exact).
  void (*f16_to_f32_row)(const uint16_t* src, float* dst, int64_t n);
  // dst[i] = src[i] rounded to a half (nearest even, as f32_to_f16).
  void (*f32_to_f16_row)(const float* src, uint16_t* dst, int64_t n);
};

// The table of `isa`, which must be in supported_isas().
const VecKernels& vec_kernels(Isa isa);

// The table of active_isa().
const VecKernels& vec();

inline float dot(const float* a, const float* b, int64_t n) { return vec().dot(a, b, n); }
inline float dot_f16(const uint16_t* a, const float* b, int64_t n) { return vec().dot_f16(a, b, n); }
inline void axpy(float alpha, const float* x, float* y, int64_t n) { vec().axpy(alpha, x, y, n); }
inline void axpy_f16(float alpha, const uint16_t* x, float* y, int64_t n) { vec().axpy_f16(alpha, x, y, n); }
inline void scale(float* x, float s, int64_t n) { vec().scale(x, s, n); }
inline void f16_to_f32_row(const uint16_t* src, float* dst, int64_t n) { vec().f16_to_f32_row(src, dst, n); }
inline void f32_to_f16_row(const float* src, uint16_t* dst, int64_t n) { vec().f32_to_f16_row(src, dst, n); }

}  // namespace hirelm::kernels
