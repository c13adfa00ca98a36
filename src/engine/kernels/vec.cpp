// The generic vector primitives and the per-ISA table lookup.
#include "engine/kernels/vec.h"

#include "engine/kernels/quantize.h"
#include "util/check.h"

namespace hirelm::kernels {

namespace detail {
#if defined(HIRELM_HAVE_AVX2_KERNELS)
const VecKernels& vec_kernels_avx2();
#endif
}  // namespace detail

namespace {

float dot_generic(const float* a, const float* b, int64_t n) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

float dot_f16_generic(const uint16_t* a, const float* b, int64_t n) {
  float s0 = 0, s1 = 0;
  int64_t i = 0;
  for (; i + 2 <= n; i += 2) {
    s0 += f16_to_f32(a[i]) * b[i];
    s1 += f16_to_f32(a[i + 1]) * b[i + 1];
  }
  for (; i < n; ++i) s0 += f16_to_f32(a[i]) * b[i];
  return s0 + s1;
}

void axpy_generic(float alpha, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

void axpy_f16_generic(float alpha, const uint16_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += alpha * f16_to_f32(x[i]);
}

void scale_generic(float* x, float s, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] *= s;
}

void f16_to_f32_row_generic(const uint16_t* src, float* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = f16_to_f32(src[i]);
}

void f32_to_f16_row_generic(const float* src, uint16_t* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = f32_to_f16(src[i]);
}

constexpr VecKernels kGenericVec = {dot_generic,   dot_f16_generic,        axpy_generic,          axpy_f16_generic,
                                    scale_generic, f16_to_f32_row_generic, f32_to_f16_row_generic};

}  // namespace

const VecKernels& vec_kernels(Isa isa) {
  switch (isa) {
    case Isa::kGeneric: return kGenericVec;
    case Isa::kAvx2:
    case Isa::kAvx512:  // the AVX2 kernels: these loops are bound by memory, not by vector width
#if defined(HIRELM_HAVE_AVX2_KERNELS)
      return detail::vec_kernels_avx2();
#else
      break;
#endif
  }
  HIRELM_CHECK_MSG(false, "vec_kernels: path not built into this binary");
  return kGenericVec;
}

const VecKernels& vec() {
  static const VecKernels& table = vec_kernels(active_isa());
  return table;
}

}  // namespace hirelm::kernels
