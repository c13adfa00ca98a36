// The portable matmul path: dequantize a weight row once, then dot it with every token in f32.
#include <vector>

#include "engine/kernels/matmul_paths.h"
#include "engine/kernels/quantize.h"

namespace hirelm::kernels::detail {
namespace {

// Four interleaved partial sums: shorter dependency chains and a less order-sensitive rounding than one.
float dot_f32(const float* a, const float* b, int64_t n) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

}  // namespace

void matmul_rows_generic(const MatrixView& w, const float* x, float* y, int64_t n_tokens, int64_t row_begin,
                         int64_t row_end) {
  // Per-thread row buffer; it grows to the widest row seen and is then reused, so steady state allocates nothing.
  thread_local std::vector<float> row_buffer;
  if (static_cast<int64_t>(row_buffer.size()) < w.cols) row_buffer.resize(static_cast<size_t>(w.cols));
  const auto* base = static_cast<const uint8_t*>(w.data);
  for (int64_t r = row_begin; r < row_end; ++r) {
    const void* row = base + static_cast<size_t>(r) * w.row_bytes;
    const float* values = nullptr;
    if (w.type == DType::kF32) {
      values = static_cast<const float*>(row);
    } else {
      dequantize_row(w.type, row, row_buffer.data(), w.cols);
      values = row_buffer.data();
    }
    for (int64_t t = 0; t < n_tokens; ++t) y[t * w.rows + r] = dot_f32(values, x + t * w.cols, w.cols);
  }
}

}  // namespace hirelm::kernels::detail
