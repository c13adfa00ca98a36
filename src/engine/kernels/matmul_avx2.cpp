// The AVX2 + FMA + F16C matmul path (compiled with those flags for this file only; run only when cpuid says so).
//
// Quantized weights follow llama.cpp's scheme: every activation row is quantized once per call to blocks of
// 32 int8 values with an f32 scale (Q8_0 with an f32 instead of an f16 scale, plus the block sum the Q4_K
// mins need), and rows are multiplied with int8 x int8 -> int16 -> int32 dot products (_mm256_maddubs_epi16
// with the sign trick, then _mm256_madd_epi16). Float weights are widened to f32 (F16C / bit shift) and
// multiplied with FMA. Every kernel handles one weight row against NT tokens at once, so one unpacking of the
// weights serves NT dot products.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "engine/kernels/block_formats.h"
#include "engine/kernels/matmul_paths.h"
#include "engine/kernels/quantize.h"
#include "util/check.h"

namespace hirelm::kernels::detail {
namespace {

// One block of 32 quantized activations: value[i] ~= d * q[i]; dsum = d * sum(q), for the Q4_K mins.
struct ActBlock {
  float d;
  float dsum;
  int8_t q[32];
};
static_assert(sizeof(ActBlock) == 40);

constexpr int kMaxTokenTile = 4;  // tokens per kernel call (register budget: NT accumulators)
constexpr int64_t kTokenBlock = 16;  // tokens whose activations stay in L1/L2 while a chunk of rows streams

bool uses_int8_activations(DType type) {
  return type == DType::kQ8_0 || type == DType::kQ4_0 || type == DType::kQ4_K || type == DType::kQ6_K;
}

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline int hsum_i32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

inline float half_to_float(uint16_t h) { return _cvtsh_ss(h); }

// |w| as unsigned bytes times sign(w) * a as signed bytes == w * a; maddubs sums byte pairs to int16 (no
// saturation for |w| <= 128, |a| <= 127) and madd with ones sums pairs again to 8 int32 lanes.
inline __m256i dot_i8_pairs(__m256i w_abs, __m256i w, __m256i a) {
  const __m256i prod16 = _mm256_maddubs_epi16(w_abs, _mm256_sign_epi8(a, w));
  return _mm256_madd_epi16(prod16, _mm256_set1_epi16(1));
}

// ---- activation quantization -------------------------------------------------------------------------

void quantize_activations(const float* x, ActBlock* out, int64_t n_blocks) {
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
    out[b].d = d;
    out[b].dsum = d * static_cast<float>(sum);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[b].q), bytes);
  }
}

// ---- quantized kernels: one weight row x NT tokens --------------------------------------------------------

template <int NT>
void dot_q8_0(const BlockQ8_0* w, int64_t n_blocks, const ActBlock* const* a, float* out) {
  __m256 acc[NT];
  for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
  for (int64_t b = 0; b < n_blocks; ++b) {
    const __m256i wq = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qs));
    const __m256i w_abs = _mm256_sign_epi8(wq, wq);
    const float dw = half_to_float(w[b].d);
    for (int t = 0; t < NT; ++t) {
      const __m256i aq = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[t][b].q));
      const __m256 s = _mm256_cvtepi32_ps(dot_i8_pairs(w_abs, wq, aq));
      acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dw * a[t][b].d), s, acc[t]);
    }
  }
  for (int t = 0; t < NT; ++t) out[t] = hsum(acc[t]);
}

template <int NT>
void dot_q4_0(const BlockQ4_0* w, int64_t n_blocks, const ActBlock* const* a, float* out) {
  const __m128i low_mask = _mm_set1_epi8(0x0F);
  const __m256i eight = _mm256_set1_epi8(8);
  __m256 acc[NT];
  for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
  for (int64_t b = 0; b < n_blocks; ++b) {
    const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].qs));
    const __m128i lo = _mm_and_si128(packed, low_mask);                     // values 0..15
    const __m128i hi = _mm_and_si128(_mm_srli_epi16(packed, 4), low_mask);  // values 16..31
    const __m256i wq = _mm256_sub_epi8(_mm256_set_m128i(hi, lo), eight);
    const __m256i w_abs = _mm256_sign_epi8(wq, wq);
    const float dw = half_to_float(w[b].d);
    for (int t = 0; t < NT; ++t) {
      const __m256i aq = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[t][b].q));
      const __m256 s = _mm256_cvtepi32_ps(dot_i8_pairs(w_abs, wq, aq));
      acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dw * a[t][b].d), s, acc[t]);
    }
  }
  for (int t = 0; t < NT; ++t) out[t] = hsum(acc[t]);
}

// Q4_K: sum over sub-blocks j of d*sc[j] * dot(q, a) - dmin*m[j] * sum(a); the unsigned nibbles go straight
// into maddubs' unsigned operand.
template <int NT>
void dot_q4_k(const BlockQ4_K* w, int64_t n_superblocks, const ActBlock* const* a, float* out) {
  const __m256i low_mask = _mm256_set1_epi8(0x0F);
  const __m256i ones = _mm256_set1_epi16(1);
  __m256 acc[NT];
  float min_acc[NT];
  for (int t = 0; t < NT; ++t) {
    acc[t] = _mm256_setzero_ps();
    min_acc[t] = 0.0f;
  }
  for (int64_t sb = 0; sb < n_superblocks; ++sb) {
    const BlockQ4_K& blk = w[sb];
    const float d = half_to_float(blk.d);
    const float dmin = half_to_float(blk.dmin);
    uint8_t sc[8];
    uint8_t mn[8];
    for (int j = 0; j < 8; ++j) unpack_scale_min_k4(j, blk.scales, &sc[j], &mn[j]);
    for (int t = 0; t < NT; ++t) {
      const ActBlock* at = a[t] + 8 * sb;
      float m = 0.0f;
      for (int j = 0; j < 8; ++j) m += static_cast<float>(mn[j]) * at[j].dsum;
      min_acc[t] += dmin * m;
    }
    for (int c = 0; c < 4; ++c) {
      const __m256i packed = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.qs + 32 * c));
      const __m256i lo = _mm256_and_si256(packed, low_mask);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(packed, 4), low_mask);
      const float d_lo = d * static_cast<float>(sc[2 * c]);
      const float d_hi = d * static_cast<float>(sc[2 * c + 1]);
      for (int t = 0; t < NT; ++t) {
        const ActBlock& a0 = a[t][8 * sb + 2 * c];
        const ActBlock& a1 = a[t][8 * sb + 2 * c + 1];
        const __m256i p0 = _mm256_madd_epi16(
            _mm256_maddubs_epi16(lo, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a0.q))), ones);
        const __m256i p1 = _mm256_madd_epi16(
            _mm256_maddubs_epi16(hi, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a1.q))), ones);
        acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d_lo * a0.d), _mm256_cvtepi32_ps(p0), acc[t]);
        acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d_hi * a1.d), _mm256_cvtepi32_ps(p1), acc[t]);
      }
    }
  }
  for (int t = 0; t < NT; ++t) out[t] = hsum(acc[t]) - min_acc[t];
}

// Q6_K: 6-bit values rebuilt from ql/qh, recentred to [-32, 31], sign-trick dot with the activations, and the
// two 16-value sub-block scales of each 32-value group applied by madd (int16 lanes 0..7 come from bytes
// 0..15, lanes 8..15 from bytes 16..31).
template <int NT>
void dot_q6_k(const BlockQ6_K* w, int64_t n_superblocks, const ActBlock* const* a, float* out) {
  const __m256i low_mask = _mm256_set1_epi8(0x0F);
  const __m256i two_bits = _mm256_set1_epi8(0x03);
  const __m256i offset = _mm256_set1_epi8(32);
  __m256 acc[NT];
  for (int t = 0; t < NT; ++t) acc[t] = _mm256_setzero_ps();
  for (int64_t sb = 0; sb < n_superblocks; ++sb) {
    const BlockQ6_K& blk = w[sb];
    const float d = half_to_float(blk.d);
    for (int h = 0; h < 2; ++h) {
      const __m256i ql0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.ql + 64 * h));
      const __m256i ql1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.ql + 64 * h + 32));
      const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.qh + 32 * h));
      __m256i g[4];
      g[0] = _mm256_or_si256(_mm256_and_si256(ql0, low_mask), _mm256_slli_epi16(_mm256_and_si256(qh, two_bits), 4));
      g[1] = _mm256_or_si256(_mm256_and_si256(ql1, low_mask),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), two_bits), 4));
      g[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low_mask),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), two_bits), 4));
      g[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low_mask),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), two_bits), 4));
      for (int k = 0; k < 4; ++k) {
        const __m256i wq = _mm256_sub_epi8(g[k], offset);
        const __m256i w_abs = _mm256_sign_epi8(wq, wq);
        const int scale_index = 8 * h + 2 * k;
        const __m256i scales = _mm256_set_m128i(_mm_set1_epi16(blk.scales[scale_index + 1]),
                                                _mm_set1_epi16(blk.scales[scale_index]));
        for (int t = 0; t < NT; ++t) {
          const ActBlock& ab = a[t][8 * sb + 4 * h + k];
          const __m256i aq = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ab.q));
          const __m256i prod16 = _mm256_maddubs_epi16(w_abs, _mm256_sign_epi8(aq, wq));
          const __m256i s = _mm256_madd_epi16(prod16, scales);
          acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * ab.d), _mm256_cvtepi32_ps(s), acc[t]);
        }
      }
    }
  }
  for (int t = 0; t < NT; ++t) out[t] = hsum(acc[t]);
}

// ---- float kernels ------------------------------------------------------------------------------------------

struct LoadF32 {
  static __m256 load(const void* p, int64_t i) { return _mm256_loadu_ps(static_cast<const float*>(p) + i); }
  static float scalar(const void* p, int64_t i) { return static_cast<const float*>(p)[i]; }
};
struct LoadF16 {
  static __m256 load(const void* p, int64_t i) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(p) + i)));
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

template <class Load, int NT>
void dot_float(const void* row, int64_t cols, const float* const* x, float* out) {
  __m256 acc0[NT];
  __m256 acc1[NT];
  for (int t = 0; t < NT; ++t) {
    acc0[t] = _mm256_setzero_ps();
    acc1[t] = _mm256_setzero_ps();
  }
  int64_t c = 0;
  for (; c + 16 <= cols; c += 16) {
    const __m256 w0 = Load::load(row, c);
    const __m256 w1 = Load::load(row, c + 8);
    for (int t = 0; t < NT; ++t) {
      acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[t] + c), acc0[t]);
      acc1[t] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x[t] + c + 8), acc1[t]);
    }
  }
  for (; c + 8 <= cols; c += 8) {
    const __m256 w0 = Load::load(row, c);
    for (int t = 0; t < NT; ++t) acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[t] + c), acc0[t]);
  }
  for (int t = 0; t < NT; ++t) {
    float s = hsum(_mm256_add_ps(acc0[t], acc1[t]));
    for (int64_t k = c; k < cols; ++k) s += Load::scalar(row, k) * x[t][k];
    out[t] = s;
  }
}

// ---- row loop ---------------------------------------------------------------------------------------------

// Computes y for rows [row_begin, row_end) and NT tokens starting at token t, whose inputs are x_tok / a_tok.
template <int NT>
void row_kernel(const MatrixView& w, const uint8_t* row, const float* const* x_tok, const ActBlock* const* a_tok,
                float* out) {
  switch (w.type) {
    case DType::kF32: dot_float<LoadF32, NT>(row, w.cols, x_tok, out); return;
    case DType::kF16: dot_float<LoadF16, NT>(row, w.cols, x_tok, out); return;
    case DType::kBF16: dot_float<LoadBF16, NT>(row, w.cols, x_tok, out); return;
    case DType::kQ8_0: dot_q8_0<NT>(reinterpret_cast<const BlockQ8_0*>(row), w.cols / kQK8_0, a_tok, out); return;
    case DType::kQ4_0: dot_q4_0<NT>(reinterpret_cast<const BlockQ4_0*>(row), w.cols / kQK8_0, a_tok, out); return;
    case DType::kQ4_K: dot_q4_k<NT>(reinterpret_cast<const BlockQ4_K*>(row), w.cols / kQK_K, a_tok, out); return;
    case DType::kQ6_K: dot_q6_k<NT>(reinterpret_cast<const BlockQ6_K*>(row), w.cols / kQK_K, a_tok, out); return;
  }
  HIRELM_CHECK_MSG(false, "matmul avx2: unsupported dtype");
}

template <int NT>
void tile(const MatrixView& w, const float* x, const ActBlock* act, int64_t act_stride, float* y, int64_t t0,
          int64_t row_begin, int64_t row_end) {
  const float* x_tok[NT];
  const ActBlock* a_tok[NT];
  for (int i = 0; i < NT; ++i) {
    x_tok[i] = x + (t0 + i) * w.cols;
    a_tok[i] = act != nullptr ? act + (t0 + i) * act_stride : nullptr;
  }
  const auto* base = static_cast<const uint8_t*>(w.data);
  float out[NT];
  for (int64_t r = row_begin; r < row_end; ++r) {
    row_kernel<NT>(w, base + static_cast<size_t>(r) * w.row_bytes, x_tok, a_tok, out);
    for (int i = 0; i < NT; ++i) y[(t0 + i) * w.rows + r] = out[i];
  }
}

}  // namespace

size_t avx2_prepared_bytes(DType type, int64_t cols, int64_t n_tokens) {
  if (!uses_int8_activations(type)) return 0;
  return static_cast<size_t>(n_tokens) * static_cast<size_t>(cols / kQK8_0) * sizeof(ActBlock);
}

void avx2_prepare(DType type, const float* x, int64_t cols, int64_t token_begin, int64_t token_end, void* prepared) {
  if (!uses_int8_activations(type)) return;
  const int64_t n_blocks = cols / kQK8_0;
  auto* act = static_cast<ActBlock*>(prepared);
  for (int64_t t = token_begin; t < token_end; ++t) quantize_activations(x + t * cols, act + t * n_blocks, n_blocks);
}

void matmul_rows_avx2(const MatrixView& w, const float* x, const void* prepared, float* y, int64_t n_tokens,
                      int64_t row_begin, int64_t row_end) {
  const auto* act = static_cast<const ActBlock*>(prepared);
  const int64_t act_stride = w.cols / kQK8_0;
  for (int64_t tb = 0; tb < n_tokens; tb += kTokenBlock) {
    const int64_t te = std::min(n_tokens, tb + kTokenBlock);
    int64_t t = tb;
    for (; t + kMaxTokenTile <= te; t += kMaxTokenTile) {
      tile<kMaxTokenTile>(w, x, act, act_stride, y, t, row_begin, row_end);
    }
    switch (te - t) {
      case 3: tile<3>(w, x, act, act_stride, y, t, row_begin, row_end); break;
      case 2: tile<2>(w, x, act, act_stride, y, t, row_begin, row_end); break;
      case 1: tile<1>(w, x, act, act_stride, y, t, row_begin, row_end); break;
      default: break;
    }
  }
}

}  // namespace hirelm::kernels::detail
