// The AVX2 + FMA + F16C matmul path (compiled with those flags for this file only; run only when cpuid says so).
// Quantized weights use the register tiles of matmul_x86_tiles.h with maddubs + madd as the int8 dot product.
// Float weights are widened to f32 (F16C / bit shift) and multiplied with FMA.
//
// Measured on the 2-core AVX2 EPYC (Zen 3) dev machine: maddubs and madd share the vector-multiply pipes, so
// the int8 dot peak (maddubs + madd + add) is about 160 GOPS per core, against about 90 GFLOPS of fp32 FMA
// (kernels_bench machine/*).
#include <immintrin.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "engine/kernels/avx2_vector.h"
#include "engine/kernels/matmul_paths.h"
#include "engine/kernels/matmul_x86_tiles.h"
#include "engine/kernels/quantize.h"
#include "util/check.h"

namespace hirelm::kernels::detail {
namespace {

// Int8 dot products of 4 adjacent pairs per int32 lane: maddubs (u8 x s8 pairs to int16; no pair here can
// saturate) then madd with ones.
struct Avx2Dot {
  static constexpr int kQuantRows = 2;  // 2 rows x 4 tokens: 8 accumulators of the 16 ymm registers
  static __m256i dot(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
  }
};

inline int hsum_i32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

// One token's activations quantized to int8 blocks of 32 (the ActRow layout of matmul_x86_tiles.h).
void quantize_activations(const float* x, int8_t* q_out, uint8_t* abs_out, float* d_out, float* dsum_out,
                          int64_t n_blocks) {
  const __m256 sign_mask = _mm256_set1_ps(-0.0f);
  const __m256i perm = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float* in = x + 32 * b;
    __m256 v[4];
    for (int k = 0; k < 4; ++k) v[k] = _mm256_loadu_ps(in + 8 * k);
    __m256 amax = _mm256_andnot_ps(sign_mask, v[0]);
    for (int k = 1; k < 4; ++k) amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign_mask, v[k]));
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    const float max_abs = _mm_cvtss_f32(m);
    const float d = max_abs / 127.0f;
    const __m256 id = _mm256_set1_ps(d != 0.0f ? 1.0f / d : 0.0f);
    __m256i q[4];
    for (int k = 0; k < 4; ++k) {
      q[k] = _mm256_cvtps_epi32(
          _mm256_round_ps(_mm256_mul_ps(v[k], id), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
    const int sum = hsum_i32(_mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3])));
    const __m256i q01 = _mm256_packs_epi32(q[0], q[1]);
    const __m256i q23 = _mm256_packs_epi32(q[2], q[3]);
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(q01, q23), perm);
    d_out[b] = d;
    dsum_out[b] = d * static_cast<float>(sum);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(q_out + 32 * b), bytes);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(abs_out + 32 * b), _mm256_abs_epi8(bytes));
  }
}

constexpr int kFloatRows = 3;    // float: 3 rows x 4 tokens (12 accumulators, 3 weight vectors, 1 activation)
constexpr int64_t kTokenBlock = 16;  // tokens whose activations stay in cache while a chunk of rows streams

// ---- float kernels ------------------------------------------------------------------------------------------

struct LoadF32 {
  static __m256 load(const void* p, int64_t i) { return _mm256_loadu_ps(static_cast<const float*>(p) + i); }
  static float scalar(const void* p, int64_t i) { return static_cast<const float*>(p)[i]; }
};
struct LoadF16 {
  static __m256 load(const void* p, int64_t i) {
    return avx2::load_f16(static_cast<const uint16_t*>(p) + i);
  }
  static float scalar(const void* p, int64_t i) { return f16_to_f32(static_cast<const uint16_t*>(p)[i]); }
};
struct LoadBF16 {
  static __m256 load(const void* p, int64_t i) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(p) + i));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
  static float scalar(const void* p, int64_t i) { return bf16_to_f32(static_cast<const uint16_t*>(p)[i]); }
};

// NR rows (stored as Load reads them) x NT tokens of f32 activations; out[r * NT + t].
template <class Load, int NR, int NT>
void dot_float(const void* const* rows, int64_t cols, const float* const* x, float* out) {
  __m256 acc[NR][NT];
  zero_tile(acc);
  int64_t c = 0;
  for (; c + 8 <= cols; c += 8) {
    __m256 wv[NR];
    HIRELM_UNROLL
    for (int r = 0; r < NR; ++r) wv[r] = Load::load(rows[r], c);
    HIRELM_UNROLL
    for (int t = 0; t < NT; ++t) {
      const __m256 xv = _mm256_loadu_ps(x[t] + c);
      HIRELM_UNROLL
      for (int r = 0; r < NR; ++r) acc[r][t] = _mm256_fmadd_ps(wv[r], xv, acc[r][t]);
    }
  }
  HIRELM_UNROLL
  for (int r = 0; r < NR; ++r) {
    HIRELM_UNROLL
    for (int t = 0; t < NT; ++t) {
      float s = hsum(acc[r][t]);
      for (int64_t k = c; k < cols; ++k) s += Load::scalar(rows[r], k) * x[t][k];
      out[r * NT + t] = s;
    }
  }
}

// Single-row dot with two accumulator chains per token: the decode case, where the row streams from memory.
template <class Load, int NT>
void dot_float_stream(const void* row, int64_t cols, const float* const* x, float* out) {
  __m256 acc0[NT];
  __m256 acc1[NT];
  HIRELM_UNROLL
  for (int t = 0; t < NT; ++t) {
    acc0[t] = _mm256_setzero_ps();
    acc1[t] = _mm256_setzero_ps();
  }
  int64_t c = 0;
  for (; c + 16 <= cols; c += 16) {
    const __m256 w0 = Load::load(row, c);
    const __m256 w1 = Load::load(row, c + 8);
    HIRELM_UNROLL
    for (int t = 0; t < NT; ++t) {
      acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[t] + c), acc0[t]);
      acc1[t] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x[t] + c + 8), acc1[t]);
    }
  }
  for (; c + 8 <= cols; c += 8) {
    const __m256 w0 = Load::load(row, c);
    HIRELM_UNROLL
    for (int t = 0; t < NT; ++t) acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[t] + c), acc0[t]);
  }
  HIRELM_UNROLL
  for (int t = 0; t < NT; ++t) {
    float s = hsum(_mm256_add_ps(acc0[t], acc1[t]));
    for (int64_t k = c; k < cols; ++k) s += Load::scalar(row, k) * x[t][k];
    out[t] = s;
  }
}

template <class Load>
void float_rows(const MatrixView& w, const float* x, float* y, int64_t n_tokens, int64_t row_begin,
                int64_t row_end) {
  const auto* base = static_cast<const uint8_t*>(w.data);
  if (n_tokens == 1) {
    // Decode of one token: 4 rows a quarter of the range apart per tile, as in quant_rows.
    const int64_t stride = (row_end - row_begin) / 4;
    for (int64_t i = 0; i < stride; ++i) {
      const void* rows[4];
      for (int k = 0; k < 4; ++k) rows[k] = base + static_cast<size_t>(row_begin + k * stride + i) * w.row_bytes;
      float out[4];
      dot_float<Load, 4, 1>(rows, w.cols, &x, out);
      for (int k = 0; k < 4; ++k) y[row_begin + k * stride + i] = out[k];
    }
    for (int64_t r = row_begin + 4 * stride; r < row_end; ++r) {
      dot_float_stream<Load, 1>(base + static_cast<size_t>(r) * w.row_bytes, w.cols, &x, y + r);
    }
    return;
  }
  if (n_tokens < kTokenTile) {
    // Decode: each row streams once from memory against the few tokens.
    for (int64_t r = row_begin; r < row_end; ++r) {
      const void* row = base + static_cast<size_t>(r) * w.row_bytes;
      for_token_tiles(0, n_tokens, [&]<int NT>(int64_t t) {
        const float* xt[NT];
        for (int i = 0; i < NT; ++i) xt[i] = x + (t + i) * w.cols;
        float out[NT];
        dot_float_stream<Load, NT>(row, w.cols, xt, out);
        for (int i = 0; i < NT; ++i) y[(t + i) * w.rows + r] = out[i];
      });
    }
    return;
  }
  // Prefill: register tiles of kFloatRows rows x kTokenTile tokens. F16/BF16 rows are widened to f32 once per
  // token block into a per-thread buffer (grown once, then reused) instead of once per token tile.
  constexpr bool kWiden = !std::is_same_v<Load, LoadF32>;
  thread_local std::vector<float> widened;
  if (kWiden && static_cast<int64_t>(widened.size()) < kFloatRows * w.cols) {
    widened.resize(static_cast<size_t>(kFloatRows * w.cols));
  }
  for (int64_t tb = 0; tb < n_tokens; tb += kTokenBlock) {
    const int64_t te = std::min(n_tokens, tb + kTokenBlock);
    for (int64_t r = row_begin; r < row_end; r += kFloatRows) {
      const int nr = static_cast<int>(std::min<int64_t>(kFloatRows, row_end - r));
      const void* rows[kFloatRows];
      for (int i = 0; i < nr; ++i) {
        const void* src = base + static_cast<size_t>(r + i) * w.row_bytes;
        if constexpr (kWiden) {
          float* dst = widened.data() + i * w.cols;
          int64_t c = 0;
          for (; c + 8 <= w.cols; c += 8) _mm256_storeu_ps(dst + c, Load::load(src, c));
          for (; c < w.cols; ++c) dst[c] = Load::scalar(src, c);
          rows[i] = dst;
        } else {
          rows[i] = src;
        }
      }
      for_token_tiles(tb, te, [&]<int NT>(int64_t t) {
        const float* xt[NT];
        for (int i = 0; i < NT; ++i) xt[i] = x + (t + i) * w.cols;
        float out[kFloatRows * NT];
        switch (nr) {
          case 3: dot_float<LoadF32, 3, NT>(rows, w.cols, xt, out); break;
          case 2: dot_float<LoadF32, 2, NT>(rows, w.cols, xt, out); break;
          default: dot_float<LoadF32, 1, NT>(rows, w.cols, xt, out); break;
        }
        for (int i = 0; i < nr; ++i) {
          for (int k = 0; k < NT; ++k) y[(t + k) * w.rows + r + i] = out[i * NT + k];
        }
      });
    }
  }
}

}  // namespace

void avx2_quantize_activations(const float* x, int64_t cols, int64_t token_begin, int64_t token_end, void* prepared) {
  const int64_t n_blocks = cols / kQK8_0;
  for (int64_t t = token_begin; t < token_end; ++t) {
    auto* base = static_cast<uint8_t*>(prepared) + static_cast<size_t>(t) * int8_act_row_bytes(cols);
    auto* d = reinterpret_cast<float*>(base + 2 * cols);
    quantize_activations(x + t * cols, reinterpret_cast<int8_t*>(base), base + cols, d, d + n_blocks, n_blocks);
  }
}

void matmul_rows_avx2(const MatrixView& w, const float* x, const void* prepared, float* y, int64_t n_tokens,
                      int64_t row_begin, int64_t row_end) {
  switch (w.type) {
    case DType::kF32: float_rows<LoadF32>(w, x, y, n_tokens, row_begin, row_end); return;
    case DType::kF16: float_rows<LoadF16>(w, x, y, n_tokens, row_begin, row_end); return;
    case DType::kBF16: float_rows<LoadBF16>(w, x, y, n_tokens, row_begin, row_end); return;
    default:
      quant_rows<Avx2Dot>(w, prepared, y, n_tokens, row_begin, row_end);
      return;
  }
}

}  // namespace hirelm::kernels::detail
