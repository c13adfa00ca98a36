// The per-ISA halves of matmul (internal to the kernels). matmul.cpp owns threading and dispatch; each path
// computes y for a range of weight rows and every token:
//   y[t * w.rows + r] = sum_c W[r][c] * x[t * w.cols + c]   for r in [row_begin, row_end), t in [0, n_tokens).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/kernels/matmul.h"

namespace hirelm::kernels::detail {

// Tokens one register tile of the SIMD paths covers: they re-read a chunk's weight rows once per tile, which
// matmul.cpp's chunk sizing accounts for.
inline constexpr int kTokenTile = 4;

// Dequantizes each weight row to f32 (once for all tokens) and accumulates its dot products in f32.
void matmul_rows_generic(const MatrixView& w, const float* x, float* y, int64_t n_tokens, int64_t row_begin,
                         int64_t row_end);

#if defined(HIRELM_HAVE_AVX2_KERNELS)
// Bytes of scratch the AVX2 path needs for its copy of the activations of n_tokens rows of `cols` values in
// the form the weight type multiplies with (Q8 blocks for quantized weights); 0 when it reads x directly.
size_t avx2_prepared_bytes(DType type, int64_t cols, int64_t n_tokens);

// Writes the prepared form of tokens [token_begin, token_end) of x into `prepared`, a buffer of
// avx2_prepared_bytes(type, cols, n_tokens) bytes laid out per token. Different token ranges may be prepared
// concurrently.
void avx2_prepare(DType type, const float* x, int64_t cols, int64_t token_begin, int64_t token_end, void* prepared);

// The AVX2/FMA/F16C row kernel. `prepared` is the buffer filled by avx2_prepare (nullptr when its size is 0).
void matmul_rows_avx2(const MatrixView& w, const float* x, const void* prepared, float* y, int64_t n_tokens,
                      int64_t row_begin, int64_t row_end);
#endif

#if defined(HIRELM_HAVE_AVX512_KERNELS) || defined(HIRELM_AVX512_EMULATED)
#if defined(HIRELM_AVX512_EMULATED)
namespace emulated {  // the AVX-512 path compiled against SIMDe (tests only; see matmul_avx512.cpp)
#endif
// The AVX-512 VNNI/BF16 path, with the same contract as the AVX2 one: int8 blocks (the AVX2 form) for
// quantized weights, bf16 rows for BF16 weights; F32 and F16 weights read x directly.
size_t avx512_prepared_bytes(DType type, int64_t cols, int64_t n_tokens);
void avx512_prepare(DType type, const float* x, int64_t cols, int64_t token_begin, int64_t token_end,
                    void* prepared);
void matmul_rows_avx512(const MatrixView& w, const float* x, const void* prepared, float* y, int64_t n_tokens,
                        int64_t row_begin, int64_t row_end);
#if defined(HIRELM_AVX512_EMULATED)
}  // namespace emulated
#endif
#endif

}  // namespace hirelm::kernels::detail
