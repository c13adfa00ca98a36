// Conversions between f32 and every stored DType: the exact dequantization of GGML's block formats
// (bit-identical to ggml's to_float) and their quantization (matching llama.cpp's reference quantizers,
// so that `model synth` files read the same anywhere).
#pragma once

#include <cstdint>

#include "engine/kernels/dtype.h"

namespace hirelm::kernels {

// Half-precision scalars.
float f16_to_f32(uint16_t h);
uint16_t f32_to_f16(float f);  // round to nearest even
float bf16_to_f32(uint16_t h);
uint16_t f32_to_bf16(float f);  // round to nearest even, NaN kept

// dst[0..n) = the n values stored at src in `type`; n must be a multiple of the block size.
void dequantize_row(DType type, const void* src, float* dst, int64_t n);

// dst (dtype_row_bytes(type, n) bytes) = src[0..n) quantized to `type`.
void quantize_row(DType type, const float* src, void* dst, int64_t n);

}  // namespace hirelm::kernels
