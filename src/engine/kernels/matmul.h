// Matrix products against stored weights: the hot path of the forward pass.
#pragma once

#include <cstddef>
#include <cstdint>

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

// The plain scalar reference for matmul: dequantize each row to f32 and accumulate in double.
// Tests compare every optimized path against it.
void matmul_reference(const MatrixView& w, const float* x, float* y, int64_t n_tokens);

// dst[0..cols) = row `r` of W as f32 (embedding lookup).
void get_row(const MatrixView& w, int64_t r, float* dst);

}  // namespace hirelm::kernels
