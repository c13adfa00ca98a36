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

// The activations of n_tokens rows of `cols` values in `form`, as the SIMD paths read them: int8 blocks
// (act_row in matmul_x86_tiles.h, int8_act_row_bytes per token) or bf16 values (cols per token); kF32 takes
// 0 bytes (x is read directly). prepare_activations writes tokens [token_begin, token_end); different ranges
// may be prepared concurrently. Defined in matmul.cpp (x86 builds).
size_t prepared_bytes(ActivationForm form, int64_t cols, int64_t n_tokens);
void prepare_activations(ActivationForm form, const float* x, int64_t cols, int64_t token_begin, int64_t token_end,
                         void* prepared);

// One token in the int8 form: cols int8 values, cols magnitudes, then cols / 32 f32 scales and as many f32
// scaled sums.
inline size_t int8_act_row_bytes(int64_t cols) {
  return 2 * static_cast<size_t>(cols) + 2 * sizeof(float) * static_cast<size_t>(cols / 32);
}

#if defined(HIRELM_HAVE_AVX2_KERNELS)
// Tokens [token_begin, token_end) of x quantized to the int8 form (the AVX2 code behind prepare_activations).
void avx2_quantize_activations(const float* x, int64_t cols, int64_t token_begin, int64_t token_end, void* prepared);

// The AVX2/FMA/F16C row kernel. `prepared` holds the activations in activation_form(kAvx2, w.type) (nullptr
// for kF32).
void matmul_rows_avx2(const MatrixView& w, const float* x, const void* prepared, float* y, int64_t n_tokens,
                      int64_t row_begin, int64_t row_end);
#endif

#if defined(HIRELM_HAVE_AVX512_KERNELS) || defined(HIRELM_AVX512_EMULATED)
#if defined(HIRELM_AVX512_EMULATED)
namespace emulated {  // the AVX-512 path compiled against SIMDe (tests only; see matmul_avx512.cpp)
#endif
// The AVX-512 VNNI/BF16 row kernel, with `prepared` in activation_form(kAvx512, w.type).
void matmul_rows_avx512(const MatrixView& w, const float* x, const void* prepared, float* y, int64_t n_tokens,
                        int64_t row_begin, int64_t row_end);
#if defined(HIRELM_AVX512_EMULATED)
}  // namespace emulated
#endif
#endif

}  // namespace hirelm::kernels::detail
