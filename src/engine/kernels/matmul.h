// Matrix products against stored weights: the hot path of the forward pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/kernels/dtype.h"
#include "engine/kernels/isa.h"
#include "engine/kernels/thread_pool.h"

namespace hirelm::kernels {

// A weight matrix W of shape [rows, cols], row-major in `type` (a GGUF tensor with ne = [cols, rows]
// and a safetensors [out, in] tensor both have this layout). Rows are `row_bytes` apart.
struct MatrixView {
  DType type = DType::kF32;
  const void* data = nullptr;
  int64_t rows = 0;
  int64_t cols = 0;
  size_t row_bytes = 0;
};

inline MatrixView make_matrix_view(DType type, const void* data, int64_t rows, int64_t cols) {
  return {type, data, rows, cols, dtype_row_bytes(type, static_cast<uint64_t>(cols))};
}

// y[t][r] = sum_c W[r][c] * x[t][c] for t in [0, n_tokens).
// x: [n_tokens, W.cols] f32, contiguous; y: [n_tokens, W.rows] f32, contiguous. Parallel over `pool`.
void matmul(const MatrixView& w, const float* x, float* y, int64_t n_tokens, ThreadPool& pool);

// matmul on a chosen path (tests and benchmarks run every path in supported_isas()); `isa` must be supported.
void matmul_with_isa(Isa isa, const MatrixView& w, const float* x, float* y, int64_t n_tokens, ThreadPool& pool);

// One product of a fused matmul: y = x W^T, y: [n_tokens, w->rows].
struct MatmulOutput {
  const MatrixView* w = nullptr;
  float* y = nullptr;
};

// Several matmuls of the same activations x (attention's Q, K and V) as one: x is quantized once and the
// threads share one parallel region over all the weights' rows. Every w has the same cols; each output is
// what matmul() gives. At most 4 outputs.
void matmul_fused(std::span<const MatmulOutput> outputs, const float* x, int64_t n_tokens, ThreadPool& pool);
void matmul_fused_with_isa(Isa isa, std::span<const MatmulOutput> outputs, const float* x, int64_t n_tokens,
                           ThreadPool& pool);

// The feed-forward's gated product: gate_y = silu(x Wg^T) * (x Wu^T), fused. The thread that computes a range
// of rows of both products applies silu_mul to it while it is still in cache. up_y: [n_tokens, gate.rows]
// scratch (left holding x Wu^T). gate and up have the same shape.
void matmul_silu_gate(const MatrixView& gate, const MatrixView& up, const float* x, float* gate_y, float* up_y,
                      int64_t n_tokens, ThreadPool& pool);
void matmul_silu_gate_with_isa(Isa isa, const MatrixView& gate, const MatrixView& up, const float* x, float* gate_y,
                               float* up_y, int64_t n_tokens, ThreadPool& pool);

// The form in which the `isa` path multiplies activations with `weights`: f32 as they are, quantized to int8
// blocks of 32 with a scale (quantized weights on the SIMD paths), or rounded to bf16 (BF16 weights on AVX-512);
// the last two as llama.cpp does. Tests widen their tolerances by it, benchmarks pick the peak to compare with.
enum class ActivationForm { kF32, kInt8Blocks, kBf16 };
ActivationForm activation_form(Isa isa, DType weights);

inline bool rounds_activations(Isa isa, DType weights) { return activation_form(isa, weights) != ActivationForm::kF32; }

// The plain scalar reference for matmul: dequantize each row to f32 and accumulate in double.
// Tests compare every optimized path against it.
void matmul_reference(const MatrixView& w, const float* x, float* y, int64_t n_tokens);

// dst[0..cols) = row `r` of W as f32 (embedding lookup).
void get_row(const MatrixView& w, int64_t r, float* dst);

}  // namespace hirelm::kernels
