// Small AVX2/F16C vector helpers shared by the AVX2 paths (matmul, vec, paged attention). Include only from
// files built with -mavx2 -mfma -mf16c (their code runs only when cpuid reports those). The helpers are static:
// the AVX-512 path includes them too, and each file must keep the copy compiled with its own flags.
#pragma once

#if !defined(__AVX2__) || !defined(__FMA__) || !defined(__F16C__)
#error "avx2_vector.h needs -mavx2 -mfma -mf16c"
#endif

#include <immintrin.h>

#include <cstdint>

namespace hirelm::kernels::avx2 {

// The sum of the 8 lanes.
static inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// 8 consecutive f16 values (unaligned) widened to f32.
static inline __m256 load_f16(const uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

}  // namespace hirelm::kernels::avx2
