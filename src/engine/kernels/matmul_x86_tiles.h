// The register tiles of the x86 matmul paths for quantized weights, shared by matmul_avx2.cpp and
// matmul_avx512.cpp. Each of those files is compiled with its own target flags and includes this header once;
// everything here has internal linkage, so the two compiled copies never meet (an inline function with
// external linkage compiled for AVX-512 could otherwise be the one the linker keeps for the AVX2 path).
//
// Quantized weights follow llama.cpp's scheme: every activation row is quantized once per call to blocks of
// 32 int8 values with an f32 scale (Q8_0 with an f32 instead of an f16 scale, plus |q| and the block sum),
// and rows are multiplied with int8 x int8 -> int32 dot products of 4 adjacent pairs per lane: Dot::dot(u, s)
// of unsigned u and signed s, which AVX2 forms with _mm256_maddubs_epi16 then _mm256_madd_epi16 and AVX-512
// VNNI with one _mm256_dpbusd_epi32. Signed Q8_0 weights go in through the sign trick (|a| and sign(w, a)),
// the unsigned nibbles of Q4_0 and Q4_K directly. The products of the weight and activation block scales are
// formed 8 blocks at a time, so each block costs one conversion and one fma per (row, token). Every kernel
// computes an NR x NT tile (NR weight rows against NT tokens), so one unpacking of a weight block serves NT
// tokens and one load of an activation block serves NR rows.
#pragma once

#include <immintrin.h>

#include <algorithm>

#include "engine/kernels/avx2_vector.h"
#include "engine/kernels/block_formats.h"
#include "engine/kernels/matmul_paths.h"
#include "engine/kernels/quantize.h"
#include "util/check.h"

// Fully unrolls the small fixed-trip loops of the register tiles (over rows, tokens and sub-blocks), so the
// tile arrays live in registers instead of on the stack. GCC and clang both read this pragma.
#define HIRELM_UNROLL _Pragma("GCC unroll 16")
#define HIRELM_ALWAYS_INLINE __attribute__((always_inline))

namespace hirelm::kernels::detail {
namespace {

using avx2::hsum;

// One token's quantized activations in blocks of 32: value[32b + i] ~= d[b] * q[32b + i], abs_q = |q| (the
// unsigned operand of maddubs, so the weights need no sign-trick absolute value per row), and
// dsum[b] = d[b] * sum_i q[32b + i] (for the Q4_K mins and the Q4_0 offset). Structure of arrays, so that the
// 8 scales and sums of 8 consecutive blocks load as one vector. In the prepared buffer a token occupies
// int8_act_row_bytes(cols) (matmul_paths.h): cols int8 values, cols uint8 magnitudes, then the n_blocks scales,
// then the n_blocks sums.
struct ActRow {
  const int8_t* q;
  const uint8_t* abs_q;
  const float* d;
  const float* dsum;
};

ActRow act_row(const void* prepared, int64_t cols, int64_t token) {
  const auto* base = static_cast<const uint8_t*>(prepared) + static_cast<size_t>(token) * int8_act_row_bytes(cols);
  const auto* d = reinterpret_cast<const float*>(base + 2 * cols);
  return {reinterpret_cast<const int8_t*>(base), base + cols, d, d + cols / kQK8_0};
}

// Rows per tile: Dot::kQuantRows against 2..4 tokens (2 with 16 ymm registers, 4 with AVX-512's 32), and
// kDecodeRows against a single token.
constexpr int kDecodeRows = 4;

inline float half_to_float(uint16_t h) { return _cvtsh_ss(h); }

// ---- quantized kernels: NR weight rows x NT tokens -----------------------------------------------------
// w[r] points at row r's blocks, a[t] holds token t's activations; out[r * NT + t] receives the dot product.
// Activation scales are broadcast straight from memory (a load, not an ALU op) and the weight scales, shared
// by the NT tokens, are broadcast once per block.

// src[0..nb) in the low lanes of a vector, zeros above (nb <= 8).
inline __m256 load_block_values(const float* src, int nb) {
  if (nb == 8) return _mm256_loadu_ps(src);
  alignas(32) float tmp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < nb; ++i) tmp[i] = src[i];
  return _mm256_load_ps(tmp);
}

// The NR x NT accumulators of a tile (any vector type) set to 0, and their horizontal sums (`sum`, AVX2's
// hsum by default) stored as out[r * NT + t].
template <class V, int NR, int NT>
HIRELM_ALWAYS_INLINE inline void zero_tile(V (&acc)[NR][NT]) {
  HIRELM_UNROLL
  for (int r = 0; r < NR; ++r) {
    HIRELM_UNROLL
    for (int t = 0; t < NT; ++t) acc[r][t] = V{};
  }
}

template <class V, int NR, int NT, class Sum = float (*)(__m256)>
HIRELM_ALWAYS_INLINE inline void store_tile_sums(const V (&acc)[NR][NT], float* out, Sum sum = hsum) {
  HIRELM_UNROLL
  for (int r = 0; r < NR; ++r) {
    HIRELM_UNROLL
    for (int t = 0; t < NT; ++t) out[r * NT + t] = sum(acc[r][t]);
  }
}

// Software prefetch of block `index` of every row of a tile, which the loop reaches a few hundred bytes later.
// The Q6_K tile does so much work per cache line that the hardware prefetchers alone kept too few of a decode
// tile's lines in flight: with these hints its mat-vec went from about 0.4 to 0.8 of the read bandwidth
// (kernels_bench, 151936 x 1536). The lighter Q8_0, Q4_0 and Q4_K tiles measured the same or slower with them,
// so they go without. Hints past the end of a row are harmless (prefetch never faults).
template <int NR, class Block>
HIRELM_ALWAYS_INLINE inline void prefetch_block(const Block* const* w, int64_t index) {
  constexpr size_t kLine = 64;
  HIRELM_UNROLL
  for (int r = 0; r < NR; ++r) {
    const char* block = reinterpret_cast<const char*>(w[r] + index);
    HIRELM_UNROLL
    for (size_t offset = 0; offset < sizeof(Block); offset += kLine) _mm_prefetch(block + offset, _MM_HINT_T0);
  }
}

// Per group of up to 8 blocks, the products d_w[r][b] * v[t][b] of the weight scales with an activation
// per-block vector: table gets d_w * d_a and, when sum_table is not null, sum_table gets d_w * dsum; one 8-lane
// vector per (row, token); lanes past `nb` are 0.
// The inner loops broadcast them from this table (a load, not an ALU op) instead of multiplying per block.
template <int NR, int NT, class Block>
inline void block_scale_products(const Block* const* w, int64_t g, int nb, const ActRow* a,
                                 float (*table)[NT][8], float (*sum_table)[NT][8]) {
  __m256 dw[NR];
  HIRELM_UNROLL
  for (int r = 0; r < NR; ++r) {
    // Inserted lane by lane: storing the halves to a stack array and reloading it as a vector would stall
    // on store forwarding.
    const Block* blk = w[r] + g;
    __m128i h = _mm_setzero_si128();
    if (nb == 8) {
      h = _mm_insert_epi16(h, blk[0].d, 0);
      h = _mm_insert_epi16(h, blk[1].d, 1);
      h = _mm_insert_epi16(h, blk[2].d, 2);
      h = _mm_insert_epi16(h, blk[3].d, 3);
      h = _mm_insert_epi16(h, blk[4].d, 4);
      h = _mm_insert_epi16(h, blk[5].d, 5);
      h = _mm_insert_epi16(h, blk[6].d, 6);
      h = _mm_insert_epi16(h, blk[7].d, 7);
    } else {
      alignas(16) uint16_t tmp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (int i = 0; i < nb; ++i) tmp[i] = blk[i].d;
      h = _mm_load_si128(reinterpret_cast<const __m128i*>(tmp));
    }
    dw[r] = _mm256_cvtph_ps(h);
  }
  HIRELM_UNROLL
  for (int t = 0; t < NT; ++t) {
    const __m256 v = load_block_values(a[t].d + g, nb);
    HIRELM_UNROLL
    for (int r = 0; r < NR; ++r) _mm256_store_ps(table[r][t], _mm256_mul_ps(dw[r], v));
    if (sum_table != nullptr) {
      const __m256 vs = load_block_values(a[t].dsum + g, nb);
      HIRELM_UNROLL
      for (int r = 0; r < NR; ++r) _mm256_store_ps(sum_table[r][t], _mm256_mul_ps(dw[r], vs));
    }
  }
}

// Calls step(i) for the nb blocks of a group. For small tiles (kUnroll) a full group of 8 is unrolled, so that
// every index into the accumulator arrays is a constant and GCC keeps them in registers (with a runtime trip
// count it left the decode tile's accumulators on the stack, and the loop ran at store-to-load latency). Large
// tiles keep the loop: unrolled, their code is slower (measured).
template <bool kUnroll, class Step>
inline void for_group_blocks(int nb, Step&& step) {
  if (kUnroll && nb == 8) {
    HIRELM_UNROLL
    for (int i = 0; i < 8; ++i) step(i);
  } else {
    for (int i = 0; i < nb; ++i) step(i);
  }
}

// Q8_0: per block, maddubs(|a|, sign(w, a)) = pairwise w * a as int16, madd with ones to 8 int32 lanes, then
// one fma with the block's d_w * d_a.
template <class Dot, int NR, int NT>
void dot_q8_0(const BlockQ8_0* const* w, int64_t n_blocks, const ActRow* a, float* out) {
  __m256 acc[NR][NT];
  zero_tile(acc);
  alignas(32) float scale[NR][NT][8];
  for (int64_t g = 0; g < n_blocks; g += 8) {
    const int nb = static_cast<int>(std::min<int64_t>(8, n_blocks - g));
    block_scale_products<NR, NT>(w, g, nb, a, scale, nullptr);
    for_group_blocks<(NR * NT <= 4)>(nb, [&](int i) HIRELM_ALWAYS_INLINE {
      const int64_t b = g + i;
      __m256i wq[NR];
      HIRELM_UNROLL
      for (int r = 0; r < NR; ++r) wq[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[r][b].qs));
      HIRELM_UNROLL
      for (int t = 0; t < NT; ++t) {
        const __m256i aq = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[t].q + 32 * b));
        const __m256i aa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[t].abs_q + 32 * b));
        HIRELM_UNROLL
        for (int r = 0; r < NR; ++r) {
          const __m256i p = Dot::dot(aa, _mm256_sign_epi8(wq[r], aq));
          acc[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(&scale[r][t][i]), _mm256_cvtepi32_ps(p), acc[r][t]);
        }
      }
    });
  }
  store_tile_sums(acc, out);
}

// Q4_0: the unsigned nibbles n = q + 8 go straight into maddubs' unsigned operand (pair sums stay below
// 2 * 15 * 127, no saturation), and the offset is removed per block with the activation sums:
// d_w * d_a * dot(n - 8, a) = d_w * d_a * dot(n, a) - 8 * d_w * dsum. The offsets of a group of 8 blocks are
// one lane-wise fma per (row, token); the final horizontal sum adds the lanes up.
template <class Dot, int NR, int NT>
void dot_q4_0(const BlockQ4_0* const* w, int64_t n_blocks, const ActRow* a, float* out) {
  const __m128i low_mask = _mm_set1_epi8(0x0F);
  const __m256 minus_eight = _mm256_set1_ps(-8.0f);
  __m256 acc[NR][NT];
  zero_tile(acc);
  alignas(32) float scale[NR][NT][8];
  alignas(32) float offset[NR][NT][8];
  for (int64_t g = 0; g < n_blocks; g += 8) {
    const int nb = static_cast<int>(std::min<int64_t>(8, n_blocks - g));
    block_scale_products<NR, NT>(w, g, nb, a, scale, offset);
    HIRELM_UNROLL
    for (int r = 0; r < NR; ++r) {
      HIRELM_UNROLL
      for (int t = 0; t < NT; ++t) acc[r][t] = _mm256_fmadd_ps(minus_eight, _mm256_load_ps(offset[r][t]), acc[r][t]);
    }
    for_group_blocks<(NR * NT <= 4)>(nb, [&](int i) HIRELM_ALWAYS_INLINE {
      const int64_t b = g + i;
      __m256i wq[NR];
      HIRELM_UNROLL
      for (int r = 0; r < NR; ++r) {
        const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[r][b].qs));
        const __m128i lo = _mm_and_si128(packed, low_mask);                     // values 0..15
        const __m128i hi = _mm_and_si128(_mm_srli_epi16(packed, 4), low_mask);  // values 16..31
        wq[r] = _mm256_set_m128i(hi, lo);
      }
      HIRELM_UNROLL
      for (int t = 0; t < NT; ++t) {
        const __m256i aq = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[t].q + 32 * b));
        HIRELM_UNROLL
        for (int r = 0; r < NR; ++r) {
          const __m256i p = Dot::dot(wq[r], aq);
          acc[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(&scale[r][t][i]), _mm256_cvtepi32_ps(p), acc[r][t]);
        }
      }
    });
  }
  store_tile_sums(acc, out);
}

// The 8 six-bit scales (bytes 0..7) and mins (bytes 8..15) of a Q4_K block, unpacked in vector registers
// (same layout as unpack_scale_min_k4). With u0, u1, u2 the three 32-bit words of the 12 packed bytes:
// scales 0..3 = u0 & 0x3F (per byte), mins 0..3 = u1 & 0x3F, and scales 4..7 / mins 4..7 take their low nibble
// from u2 (low / high nibbles) and their top 2 bits from bits 6..7 of u0 / u1, which (u >> 2) & 0x30 moves to
// bits 4..5. The 16-byte load reads the first 4 bytes of qs, which follow the scales in the block; the shifts
// carry bits across bytes only into bits the masks clear.
inline __m128i unpack_q4_k_scales(const uint8_t* packed) {
  const __m128i u = _mm_loadu_si128(reinterpret_cast<const __m128i*>(packed));
  const __m128i low = _mm_and_si128(_mm_srlv_epi32(_mm_shuffle_epi32(u, _MM_SHUFFLE(2, 1, 2, 0)), _mm_setr_epi32(0, 0, 0, 4)),
                                    _mm_setr_epi32(0x3F3F3F3F, 0x0F0F0F0F, 0x3F3F3F3F, 0x0F0F0F0F));
  const __m128i top = _mm_and_si128(_mm_srli_epi32(_mm_shuffle_epi32(u, _MM_SHUFFLE(1, 1, 0, 0)), 2),
                                    _mm_setr_epi32(0, 0x30303030, 0, 0x30303030));
  return _mm_or_si128(low, top);
}

// Q4_K: sum over sub-blocks j of d*sc[j] * da[j] * dot(q, a) - dmin*m[j] * dsum[j]. The unsigned nibbles go
// straight into maddubs' unsigned operand (no sign trick). Per super-block the 8 scale products of each
// (row, token) are computed as one vector and stored, so the inner loop broadcasts them from memory.
template <class Dot, int NR, int NT>
void dot_q4_k(const BlockQ4_K* const* w, int64_t n_superblocks, const ActRow* a, float* out) {
  const __m256i low_mask = _mm256_set1_epi8(0x0F);
  __m256 acc[NR][NT];
  zero_tile(acc);
  alignas(32) float factor[NR][NT][8];  // d * sc[j] * da[j]
  for (int64_t sb = 0; sb < n_superblocks; ++sb) {
    HIRELM_UNROLL
    for (int r = 0; r < NR; ++r) {
      const BlockQ4_K& blk = w[r][sb];
      const __m128i sm = unpack_q4_k_scales(blk.scales);
      const __m256 sc = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(sm));
      const __m256 mn = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(sm, 8)));
      const __m256 d_sub = _mm256_mul_ps(_mm256_set1_ps(half_to_float(blk.d)), sc);
      const __m256 m_sub = _mm256_mul_ps(_mm256_set1_ps(half_to_float(blk.dmin)), mn);
      HIRELM_UNROLL
      for (int t = 0; t < NT; ++t) {
        _mm256_store_ps(factor[r][t], _mm256_mul_ps(d_sub, _mm256_loadu_ps(a[t].d + 8 * sb)));
        // The mins' contribution, subtracted lane-wise; the final horizontal sum adds the lanes up.
        acc[r][t] = _mm256_fnmadd_ps(m_sub, _mm256_loadu_ps(a[t].dsum + 8 * sb), acc[r][t]);
      }
    }
    HIRELM_UNROLL
    for (int c = 0; c < 4; ++c) {
      __m256i lo[NR];
      __m256i hi[NR];
      HIRELM_UNROLL
      for (int r = 0; r < NR; ++r) {
        const __m256i packed = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[r][sb].qs + 32 * c));
        lo[r] = _mm256_and_si256(packed, low_mask);
        hi[r] = _mm256_and_si256(_mm256_srli_epi16(packed, 4), low_mask);
      }
      HIRELM_UNROLL
      for (int t = 0; t < NT; ++t) {
        const int8_t* q = a[t].q + kQK_K * sb + 64 * c;
        const __m256i q0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
        const __m256i q1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32));
        HIRELM_UNROLL
        for (int r = 0; r < NR; ++r) {
          const __m256i p0 = Dot::dot(lo[r], q0);
          const __m256i p1 = Dot::dot(hi[r], q1);
          acc[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(&factor[r][t][2 * c]), _mm256_cvtepi32_ps(p0), acc[r][t]);
          acc[r][t] =
              _mm256_fmadd_ps(_mm256_broadcast_ss(&factor[r][t][2 * c + 1]), _mm256_cvtepi32_ps(p1), acc[r][t]);
        }
      }
    }
  }
  store_tile_sums(acc, out);
}

// The 32 unsigned 6-bit values (0..63) of group k (0..3) of half h of a Q6_K block: low 4 bits from ql (low
// nibbles for k < 2, high nibbles otherwise), high 2 bits from bits 2k..2k+1 of qh, moved to bits 4..5. The
// 16-bit shifts carry bits across the bytes of a lane only into bits that the masks then clear.
inline __m256i q6_k_group(const BlockQ6_K& blk, int h, int k) {
  const __m256i low_mask = _mm256_set1_epi8(0x0F);
  const __m256i high_mask = _mm256_set1_epi8(0x30);
  __m256i ql = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.ql + 64 * h + 32 * (k & 1)));
  if (k >= 2) ql = _mm256_srli_epi16(ql, 4);
  __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.qh + 32 * h));
  switch (k) {
    case 0: qh = _mm256_slli_epi16(qh, 4); break;
    case 1: qh = _mm256_slli_epi16(qh, 2); break;
    case 3: qh = _mm256_srli_epi16(qh, 2); break;
    default: break;
  }
  return _mm256_or_si256(_mm256_and_si256(ql, low_mask), _mm256_and_si256(qh, high_mask));
}

// Q6_K: value = d * sc[i] * (q - 32) for sub-block i of 16. The unsigned q go straight into maddubs' unsigned
// operand (pair sums below 2 * 63 * 127, no saturation), and the offset comes off the int16 pair sums before
// the scales: maddubs(q, a) - maddubs(32, a) = pairwise (q - 32) * a, where maddubs(32, a) is formed once per
// token and group and serves every row. madd with the group's two sub-block scales (int16 lanes 0..7 come from
// bytes 0..15, lanes 8..15 from bytes 16..31) then gives int32 sums, and one fma per (row, token, group)
// applies d_w * d_a. Rows are unpacked one at a time, so a decode tile's four rows fit the 16 ymm registers.
template <int NR, int NT>
void dot_q6_k(const BlockQ6_K* const* w, int64_t n_superblocks, const ActRow* a, float* out) {
  const __m256i thirty_two = _mm256_set1_epi8(32);
  __m256 acc[NR][NT];
  zero_tile(acc);
  alignas(32) float factor[NR][NT][8];  // d_w * d_a for the superblock's 8 activation blocks
  for (int64_t sb = 0; sb < n_superblocks; ++sb) {
    prefetch_block<NR>(w, sb + 3);  // 630 bytes ahead
    HIRELM_UNROLL
    for (int r = 0; r < NR; ++r) {
      const __m256 d = _mm256_set1_ps(half_to_float(w[r][sb].d));
      HIRELM_UNROLL
      for (int t = 0; t < NT; ++t) _mm256_store_ps(factor[r][t], _mm256_mul_ps(d, _mm256_loadu_ps(a[t].d + 8 * sb)));
    }
    HIRELM_UNROLL
    for (int h = 0; h < 2; ++h) {
      HIRELM_UNROLL
      for (int k = 0; k < 4; ++k) {
        const int64_t b = 8 * sb + 4 * h + k;
        __m256i offset[NT];  // pairwise 32 * a
        HIRELM_UNROLL
        for (int t = 0; t < NT; ++t) {
          offset[t] = _mm256_maddubs_epi16(thirty_two, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[t].q + 32 * b)));
        }
        // Bytes [s_i x 8, s_(i+1) x 8] for the group's two sub-block scales i = 8h + 2k, widened to int16.
        const char i0 = static_cast<char>(8 * h + 2 * k);
        const char i1 = static_cast<char>(i0 + 1);
        const __m128i pick = _mm_setr_epi8(i0, i0, i0, i0, i0, i0, i0, i0, i1, i1, i1, i1, i1, i1, i1, i1);
        HIRELM_UNROLL
        for (int r = 0; r < NR; ++r) {
          const __m256i wq = q6_k_group(w[r][sb], h, k);
          const __m256i scales = _mm256_cvtepi8_epi16(
              _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[r][sb].scales)), pick));
          HIRELM_UNROLL
          for (int t = 0; t < NT; ++t) {
            const __m256i aq = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[t].q + 32 * b));
            const __m256i pairs = _mm256_sub_epi16(_mm256_maddubs_epi16(wq, aq), offset[t]);
            const __m256 sums = _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, scales));
            acc[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(&factor[r][t][4 * h + k]), sums, acc[r][t]);
          }
        }
      }
    }
  }
  store_tile_sums(acc, out);
}

template <class Dot, int NR, int NT>
void quant_tile(DType type, const uint8_t* const* rows, int64_t cols, const ActRow* a, float* out) {
  switch (type) {
    case DType::kQ8_0:
      dot_q8_0<Dot, NR, NT>(reinterpret_cast<const BlockQ8_0* const*>(rows), cols / kQK8_0, a, out);
      return;
    case DType::kQ4_0:
      dot_q4_0<Dot, NR, NT>(reinterpret_cast<const BlockQ4_0* const*>(rows), cols / kQK8_0, a, out);
      return;
    case DType::kQ4_K:
      dot_q4_k<Dot, NR, NT>(reinterpret_cast<const BlockQ4_K* const*>(rows), cols / kQK_K, a, out);
      return;
    case DType::kQ6_K:
      dot_q6_k<NR, NT>(reinterpret_cast<const BlockQ6_K* const*>(rows), cols / kQK_K, a, out);
      return;
    default:
      HIRELM_CHECK_MSG(false, "matmul avx2: not a quantized dtype");
  }
}

// ---- row loops ----------------------------------------------------------------------------------------------

// Calls fn.template operator()<NT>(t) for token tiles covering [t_begin, t_end): full tiles of kTokenTile, then
// one smaller tile for the remainder.
static_assert(kTokenTile == 4, "for_token_tiles instantiates remainder tiles of 1..3 tokens");

template <class Fn>
void for_token_tiles(int64_t t_begin, int64_t t_end, Fn&& fn) {
  int64_t t = t_begin;
  for (; t + kTokenTile <= t_end; t += kTokenTile) fn.template operator()<kTokenTile>(t);
  switch (t_end - t) {
    case 3: fn.template operator()<3>(t); break;
    case 2: fn.template operator()<2>(t); break;
    case 1: fn.template operator()<1>(t); break;
    default: break;
  }
}

// Calls tile.template operator()<NR, NT>(rows, t, out) over register tiles that cover rows [row_begin,
// row_end) x every token and stores out[k * NT + j] (row k, token t + j of the tile) in y. Loop order: token
// tiles outside, rows inside. A tile's activations (NT tokens, a few bytes per column each) then stay in L1
// while the chunk's weight rows, which matmul.cpp sizes to stay in L2, stream past them once per token tile.
// A tile has kRows rows, or kDecodeRows for a lone token (decode: independent accumulator chains and weight
// streams); remainder rows get tiles of 1 row.
template <int kRows, class Tile>
void for_row_tiles(const MatrixView& w, float* y, int64_t n_tokens, int64_t row_begin, int64_t row_end, Tile&& tile) {
  const auto* base = static_cast<const uint8_t*>(w.data);
  for_token_tiles(0, n_tokens, [&]<int NT>(int64_t t) {
    constexpr int NR = NT == 1 ? kDecodeRows : kRows;
    // The tile's NR rows are taken 1/NR of the range apart, so they are NR streams in different pages: NR
    // adjacent rows would be NR streams interleaved within the same pages, which the hardware prefetchers
    // follow far worse (measured at 1536 columns: about half the bandwidth). This matters wherever the
    // weights come from memory: decode of one token, the few tokens of small batches, and the first token
    // tile of a chunk.
    const int64_t stride = (row_end - row_begin) / NR;
    for (int64_t i = 0; i < stride; ++i) {
      const uint8_t* rows[NR];
      for (int k = 0; k < NR; ++k) rows[k] = base + static_cast<size_t>(row_begin + k * stride + i) * w.row_bytes;
      float out[NR * NT];
      tile.template operator()<NR, NT>(rows, t, out);
      for (int k = 0; k < NR; ++k) {
        for (int j = 0; j < NT; ++j) y[(t + j) * w.rows + row_begin + k * stride + i] = out[k * NT + j];
      }
    }
    for (int64_t r = row_begin + NR * stride; r < row_end; ++r) {
      const uint8_t* row = base + static_cast<size_t>(r) * w.row_bytes;
      float out[NT];
      tile.template operator()<1, NT>(&row, t, out);
      for (int j = 0; j < NT; ++j) y[(t + j) * w.rows + r] = out[j];
    }
  });
}

// Quantized weights against the prepared int8 activations (act_row), in Dot::kQuantRows x 4 tiles.
template <class Dot>
void quant_rows(const MatrixView& w, const void* prepared, float* y, int64_t n_tokens, int64_t row_begin,
                int64_t row_end) {
  for_row_tiles<Dot::kQuantRows>(w, y, n_tokens, row_begin, row_end,
                                 [&]<int NR, int NT>(const uint8_t* const* rows, int64_t t, float* out) {
                                   ActRow a[NT];
                                   for (int i = 0; i < NT; ++i) a[i] = act_row(prepared, w.cols, t + i);
                                   quant_tile<Dot, NR, NT>(w.type, rows, w.cols, a, out);
                                 });
}

}  // namespace
}  // namespace hirelm::kernels::detail
