// The AVX2/FMA/F16C attention path (built with those flags; used only when cpuid reports them). Per tile of
// up to kAttentionTile cached rows: each K row is converted once and dotted with every query head of the
// group held in registers; the tile's probabilities come from a vectorised exp; each V row is converted
// once and accumulated into the group's outputs, 8 columns at a time with the accumulators in registers.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/kernels/avx2_vector.h"
#include "engine/kv/attention_paths.h"

// The per-head loops must be unrolled so each head's accumulator lives in its own register; GCC at -O2
// does not unroll them by itself.
#define HIRELM_UNROLL_GROUP _Pragma("GCC unroll 8")

namespace hirelm::kv::detail {
namespace {

inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load8(const uint16_t* p) { return kernels::avx2::load_f16(p); }

using kernels::avx2::hsum;

// exp(x) for x <= 0 (scores minus their running maximum): x = n ln2 + r with |r| <= ln2/2, exp(r) by the
// Cephes degree-6 polynomial, times 2^n built in the exponent bits. Inputs below -87.3 (including -inf)
// give ~1e-38 instead of 0, which no probability sum can notice.
inline __m256 exp_nonpositive(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(-87.3f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  const __m256 r2 = _mm256_mul_ps(r, r);
  const __m256 y = _mm256_add_ps(_mm256_fmadd_ps(p, r2, r), _mm256_set1_ps(1.0f));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

// Streams [begin, end) for G query heads reading cached rows of element type E (uint16_t = f16, or float).
template <int G, class E>
void attend_range(const AttentionRangeArgs& a) {
  const KvCache& cache = *a.cache;
  const int64_t hd = a.head_dim, bs = cache.block_size(), stride = cache.row_elements();
  const int64_t offset = a.kv_head * hd;
  alignas(32) float p[G * kAttentionTile];  // scores, then probabilities, [G][tile]
  float* acc = a.partial.acc;
  float* run_max = a.partial.max;
  float* run_sum = a.partial.sum;
  std::fill(acc, acc + G * hd, 0.0f);
  std::fill(run_max, run_max + G, -std::numeric_limits<float>::infinity());
  std::fill(run_sum, run_sum + G, 0.0f);

  for (int64_t pos = a.begin; pos < a.end;) {
    const int32_t block = a.block_table[pos / bs];
    const int64_t first = pos % bs;
    const int64_t n = std::min({kAttentionTile, bs - first, a.end - pos});
    const E* k_rows = static_cast<const E*>(cache.k_block(a.layer, block)) + first * stride + offset;
    const E* v_rows = static_cast<const E*>(cache.v_block(a.layer, block)) + first * stride + offset;

    // Scores: p[g][r] = q_g . k_r (q already scaled).
    for (int64_t r = 0; r < n; ++r) {
      const E* kr = k_rows + r * stride;
      __m256 dot[G];
      HIRELM_UNROLL_GROUP
      for (int g = 0; g < G; ++g) dot[g] = _mm256_setzero_ps();
      for (int64_t i = 0; i < hd; i += 8) {
        const __m256 kv = load8(kr + i);
        HIRELM_UNROLL_GROUP
        for (int g = 0; g < G; ++g) dot[g] = _mm256_fmadd_ps(_mm256_loadu_ps(a.q_scaled + g * hd + i), kv, dot[g]);
      }
      HIRELM_UNROLL_GROUP
      for (int g = 0; g < G; ++g) p[g * kAttentionTile + r] = hsum(dot[g]);
    }
    for (int64_t r = n; r < kAttentionTile; ++r) {
      HIRELM_UNROLL_GROUP
      for (int g = 0; g < G; ++g) p[g * kAttentionTile + r] = -std::numeric_limits<float>::infinity();
    }

    // Rows past n hold -inf and come out of exp_nonpositive as ~1e-38: a short tile zeroes them by these masks.
    alignas(32) float keep[kAttentionTile];
    if (n < kAttentionTile) {
      for (int64_t r = 0; r < kAttentionTile; ++r) keep[r] = r < n ? 1.0f : 0.0f;
    }

    // Online softmax per head: rescale the running state to the new maximum, then add the tile.
    HIRELM_UNROLL_GROUP
    for (int g = 0; g < G; ++g) {
      float* pg = p + g * kAttentionTile;
      float tile_max = pg[0];
      for (int64_t r = 1; r < n; ++r) tile_max = std::max(tile_max, pg[r]);
      const float new_max = std::max(run_max[g], tile_max);
      const float correction = std::exp(run_max[g] - new_max);
      run_max[g] = new_max;
      const __m256 m = _mm256_set1_ps(new_max);
      __m256 lo = exp_nonpositive(_mm256_sub_ps(_mm256_load_ps(pg), m));
      __m256 hi = exp_nonpositive(_mm256_sub_ps(_mm256_load_ps(pg + 8), m));
      if (n < kAttentionTile) {
        lo = _mm256_mul_ps(lo, _mm256_load_ps(keep));
        hi = _mm256_mul_ps(hi, _mm256_load_ps(keep + 8));
      }
      _mm256_store_ps(pg, lo);
      _mm256_store_ps(pg + 8, hi);
      run_sum[g] = run_sum[g] * correction + hsum(_mm256_add_ps(lo, hi));
      if (correction != 1.0f) {
        const __m256 c = _mm256_set1_ps(correction);
        float* ag = acc + g * hd;
        for (int64_t i = 0; i < hd; i += 8) _mm256_storeu_ps(ag + i, _mm256_mul_ps(c, _mm256_loadu_ps(ag + i)));
      }
    }

    // acc[g] += sum_r p[g][r] v_r, 8 columns at a time.
    for (int64_t i = 0; i < hd; i += 8) {
      __m256 out[G];
      HIRELM_UNROLL_GROUP
      for (int g = 0; g < G; ++g) out[g] = _mm256_loadu_ps(acc + g * hd + i);
      for (int64_t r = 0; r < n; ++r) {
        const __m256 vv = load8(v_rows + r * stride + i);
        HIRELM_UNROLL_GROUP
        for (int g = 0; g < G; ++g) out[g] = _mm256_fmadd_ps(_mm256_broadcast_ss(p + g * kAttentionTile + r), vv, out[g]);
      }
      HIRELM_UNROLL_GROUP
      for (int g = 0; g < G; ++g) _mm256_storeu_ps(acc + g * hd + i, out[g]);
    }
    pos += n;
  }
}

template <class E>
void attend_range_typed(const AttentionRangeArgs& a) {
  switch (a.group) {
    case 1: return attend_range<1, E>(a);
    case 2: return attend_range<2, E>(a);
    case 3: return attend_range<3, E>(a);
    case 4: return attend_range<4, E>(a);
    case 5: return attend_range<5, E>(a);
    case 6: return attend_range<6, E>(a);
    case 7: return attend_range<7, E>(a);
    default: return attend_range<8, E>(a);
  }
}

static_assert(kAttentionMaxGroup == 8, "attend_range_typed instantiates group sizes 1..8");
static_assert(kAttentionTile == 16, "the softmax step handles a tile as two 8-wide vectors");

}  // namespace

void attend_range_avx2(const AttentionRangeArgs& a) {
  if (a.cache->options().type == KvType::kF16) {
    attend_range_typed<uint16_t>(a);
  } else {
    attend_range_typed<float>(a);
  }
}

}  // namespace hirelm::kv::detail
