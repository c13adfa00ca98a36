// The AVX-512 matmul path, for CPUs with AVX-512 F/BW/VL, VNNI and BF16 (AMD Zen 4, Intel Sapphire Rapids and
// later): compiled with those flags for this file only, run only when cpuid reports all of them.
//
// - Quantized weights: the register tiles of matmul_x86_tiles.h with one vpdpbusd (u8 x s8, 4 pairs summed
//   into each int32 lane) as the int8 dot product, in place of AVX2's maddubs + madd; AVX-512's 32 vector
//   registers hold 4 rows x 4 tokens of accumulators instead of 2 x 4.
// - BF16 weights: vdpbf16ps against the activations rounded to bf16 (round to nearest even) once per call,
//   as llama.cpp does for BF16 weights; 32 products per instruction, accumulated in f32.
// - F32 and F16 weights take the AVX2 path: F16 has no native dot product here, and widening it to f32 keeps
//   it exact (bf16 would not).
//
// Built with HIRELM_AVX512_EMULATED, the same code compiles against SIMDe's portable AVX-512 (the functions
// then live in detail::emulated), so a test on a CPU without AVX-512 still checks every line of it.
#if defined(HIRELM_AVX512_EMULATED)
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#else
// GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() as the unused merge source, which its own
// -Wuninitialized then reports at every inlined call (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512VL__) || !defined(__AVX512VNNI__) || \
    !defined(__AVX512BF16__)
#error "matmul_avx512.cpp needs -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512bf16"
#endif
#endif

#include <cstring>

#include "engine/kernels/matmul_paths.h"
#include "engine/kernels/matmul_x86_tiles.h"

namespace hirelm::kernels::detail {
namespace {

struct VnniDot {
  static constexpr int kQuantRows = 4;  // 4 rows x 4 tokens: 16 accumulators of the 32 registers
  static __m256i dot(__m256i u, __m256i s) { return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s); }
};

// The sum of the 16 lanes: the upper 8 moved down (a permute SIMDe also has), then the AVX2 sum.
inline float hsum512(__m512 v) {
  const __m512 hi = _mm512_permutexvar_ps(_mm512_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7), v);
  return hsum(_mm512_castps512_ps256(_mm512_add_ps(v, hi)));
}

inline __m512bh as_bf16(__m512i v) { return (__m512bh)v; }

// NR rows x NT tokens, both bf16: out[r * NT + t] = sum_c w[r][c] * a[t][c], accumulated in f32. The last
// cols % 32 values (none in real models) are read through a zero-padded copy.
template <int NR, int NT>
void dot_bf16(const uint16_t* const* w, int64_t cols, const uint16_t* const* a, float* out) {
  __m512 acc[NR][NT];
  zero_tile(acc);
  const auto step = [&](int64_t c, auto load) HIRELM_ALWAYS_INLINE {
    __m512i wv[NR];
    HIRELM_UNROLL
    for (int r = 0; r < NR; ++r) wv[r] = load(w[r] + c);
    HIRELM_UNROLL
    for (int t = 0; t < NT; ++t) {
      const __m512bh av = as_bf16(load(a[t] + c));
      HIRELM_UNROLL
      for (int r = 0; r < NR; ++r) acc[r][t] = _mm512_dpbf16_ps(acc[r][t], as_bf16(wv[r]), av);
    }
  };
  int64_t c = 0;
  for (; c + 32 <= cols; c += 32) step(c, [](const uint16_t* p) { return _mm512_loadu_si512(p); });
  if (c < cols) {
    const size_t tail_bytes = static_cast<size_t>(cols - c) * sizeof(uint16_t);
    step(c, [tail_bytes](const uint16_t* p) {
      alignas(64) uint16_t padded[32] = {};
      std::memcpy(padded, p, tail_bytes);
      return _mm512_load_si512(padded);
    });
  }
  store_tile_sums(acc, out, hsum512);
}

void bf16_rows(const MatrixView& w, const void* prepared, float* y, int64_t n_tokens, int64_t row_begin,
               int64_t row_end) {
  const auto* x = static_cast<const uint16_t*>(prepared);
  for_row_tiles<4>(w, y, n_tokens, row_begin, row_end,
                   [&]<int NR, int NT>(const uint8_t* const* rows, int64_t t, float* out) {
                     const uint16_t* wr[NR];
                     for (int i = 0; i < NR; ++i) wr[i] = reinterpret_cast<const uint16_t*>(rows[i]);
                     const uint16_t* a[NT];
                     for (int i = 0; i < NT; ++i) a[i] = x + (t + i) * w.cols;
                     dot_bf16<NR, NT>(wr, w.cols, a, out);
                   });
}

}  // namespace

#if defined(HIRELM_AVX512_EMULATED)
namespace emulated {
#endif

void matmul_rows_avx512(const MatrixView& w, const float* x, const void* prepared, float* y, int64_t n_tokens,
                        int64_t row_begin, int64_t row_end) {
  switch (w.type) {
    case DType::kQ8_0:
    case DType::kQ4_0:
    case DType::kQ4_K:
    case DType::kQ6_K:
      quant_rows<VnniDot>(w, prepared, y, n_tokens, row_begin, row_end);
      return;
    case DType::kBF16:
      bf16_rows(w, prepared, y, n_tokens, row_begin, row_end);
      return;
    default:
      matmul_rows_avx2(w, x, nullptr, y, n_tokens, row_begin, row_end);
      return;
  }
}

#if defined(HIRELM_AVX512_EMULATED)
}  // namespace emulated
#endif

}  // namespace hirelm::kernels::detail
