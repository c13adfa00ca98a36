// The K-quant block formats (Q4_K, Q6_K): exact dequantization and our own quantizers. Internal to the
// kernels; callers use dequantize_row / quantize_row from quantize.h.
#pragma once

#include <cstdint>

#include "engine/kernels/block_formats.h"

namespace hirelm::kernels {

// y[0 .. n_blocks * 256) = the values of n_blocks blocks, bit-identical to ggml's dequantize_row_q4_K / _q6_K.
void dequantize_q4_k(const BlockQ4_K* x, float* y, int64_t n_blocks);
void dequantize_q6_k(const BlockQ6_K* x, float* y, int64_t n_blocks);

// Quantizers that minimise squared error per sub-block by a small search over scales with a least-squares
// refit. They are not byte-identical to llama.cpp's, only of comparable quality.
void quantize_q4_k(const float* x, BlockQ4_K* y, int64_t n_blocks);
void quantize_q6_k(const float* x, BlockQ6_K* y, int64_t n_blocks);

}  // namespace hirelm::kernels
