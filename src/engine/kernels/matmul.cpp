// matmul's entry points: argument checks, ISA dispatch and the split of weight rows between threads.
#include "engine/kernels/matmul.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include "engine/kernels/isa.h"
#include "engine/kernels/matmul_paths.h"
#include "engine/kernels/quantize.h"
#include "util/check.h"

namespace hirelm::kernels {
namespace {

void check_view(const MatrixView& w) {
  const DTypeTraits traits = dtype_traits(w.type);
  HIRELM_CHECK_MSG(traits.block_elements > 0, "matmul: unsupported weight dtype");
  HIRELM_CHECK_MSG(w.rows >= 0 && w.cols >= 0, "matmul: negative shape");
  HIRELM_CHECK_MSG(w.cols % traits.block_elements == 0, "matmul: cols is not a multiple of the block size");
  HIRELM_CHECK_MSG(w.row_bytes >= dtype_row_bytes(w.type, static_cast<uint64_t>(w.cols)),
                   "matmul: row_bytes shorter than a row");
  HIRELM_CHECK_MSG(w.data != nullptr || w.rows == 0, "matmul: null weights");
}

// Everything the threads of one matmul share. Passed to the pool through a one-pointer lambda so that the
// std::function wrapping it stays in its small-object buffer (no allocation per call).
struct MatmulJob {
  const MatrixView* w = nullptr;
  const float* x = nullptr;
  const void* prepared = nullptr;
  float* y = nullptr;
  int64_t n_tokens = 0;
  Isa isa = Isa::kGeneric;
  int64_t chunk_rows = 0;
  int64_t n_chunks = 0;
  std::atomic<int64_t> next_chunk{0};
  // Activation preparation (AVX2 path).
  void* prepare_out = nullptr;

  void run_rows(int64_t row_begin, int64_t row_end) {
    switch (isa) {
#if defined(HIRELM_HAVE_AVX2_KERNELS)
      case Isa::kAvx2:
        detail::matmul_rows_avx2(*w, x, prepared, y, n_tokens, row_begin, row_end);
        return;
#endif
      default:
        detail::matmul_rows_generic(*w, x, y, n_tokens, row_begin, row_end);
        return;
    }
  }

  // Threads take chunks of rows from a shared counter, so a thread that was descheduled on a busy machine
  // does not hold up the others with a fixed share.
  void work() {
    for (;;) {
      const int64_t chunk = next_chunk.fetch_add(1, std::memory_order_relaxed);
      if (chunk >= n_chunks) return;
      const int64_t begin = chunk * chunk_rows;
      run_rows(begin, std::min(w->rows, begin + chunk_rows));
    }
  }
};

// Rows per work chunk: about 4 chunks per thread for balance, a multiple of 4 rows, and at least enough rows
// that a chunk is worth a counter increment. When the tokens span several token tiles the paths re-read a
// chunk's weights once per tile (batched decode of 16 tokens: 4 times), so the chunk is also capped to about
// kChunkCacheBytes of weights to keep those re-reads in the core's L2 instead of memory.
constexpr size_t kChunkCacheBytes = 256 * 1024;

int64_t choose_chunk_rows(int64_t rows, size_t row_bytes, int64_t n_tokens, int n_threads) {
  int64_t chunk = n_threads <= 1 ? rows : (rows + 4 * n_threads - 1) / (4 * n_threads);
  if (n_tokens > detail::kTokenTile && row_bytes > 0) {
    chunk = std::min<int64_t>(chunk, static_cast<int64_t>(kChunkCacheBytes / row_bytes));
  }
  const int64_t min_rows = n_tokens >= 8 ? 4 : 16;
  chunk = std::max(chunk, min_rows);
  chunk = (chunk + 3) / 4 * 4;
  return chunk;
}

}  // namespace

void matmul_with_isa(Isa isa, const MatrixView& w, const float* x, float* y, int64_t n_tokens, ThreadPool& pool) {
  check_view(w);
  HIRELM_CHECK(n_tokens >= 0);
  if (w.rows == 0 || n_tokens == 0) return;
  const int n_threads = pool.size();

  MatmulJob job;
  job.w = &w;
  job.x = x;
  job.y = y;
  job.n_tokens = n_tokens;
  job.isa = isa;

#if defined(HIRELM_HAVE_AVX2_KERNELS)
  // The caller thread's scratch for the prepared activations; it grows to the largest need and stays.
  thread_local std::vector<uint8_t> scratch;
  if (isa == Isa::kAvx2) {
    const size_t bytes = detail::avx2_prepared_bytes(w.type, w.cols, n_tokens);
    if (bytes > 0) {
      if (scratch.size() < bytes) scratch.resize(bytes);
      job.prepare_out = scratch.data();
      job.prepared = scratch.data();
      if (n_threads > 1 && n_tokens >= 2 * n_threads) {
        MatmulJob* j = &job;
        pool.run([j](int index, int count) {
          const int64_t per = (j->n_tokens + count - 1) / count;
          const int64_t begin = std::min(j->n_tokens, per * index);
          const int64_t end = std::min(j->n_tokens, begin + per);
          if (begin < end) detail::avx2_prepare(j->w->type, j->x, j->w->cols, begin, end, j->prepare_out);
        });
      } else {
        detail::avx2_prepare(w.type, x, w.cols, 0, n_tokens, job.prepare_out);
      }
    }
  }
#else
  HIRELM_CHECK_MSG(isa == Isa::kGeneric, "matmul: this build has only the generic path");
#endif

  job.chunk_rows = choose_chunk_rows(w.rows, w.row_bytes, n_tokens, n_threads);
  job.n_chunks = (w.rows + job.chunk_rows - 1) / job.chunk_rows;
  if (n_threads == 1 || job.n_chunks == 1) {
    job.work();
    return;
  }
  MatmulJob* j = &job;
  pool.run([j](int, int) { j->work(); });
}

void matmul(const MatrixView& w, const float* x, float* y, int64_t n_tokens, ThreadPool& pool) {
  matmul_with_isa(active_isa(), w, x, y, n_tokens, pool);
}

void matmul_reference(const MatrixView& w, const float* x, float* y, int64_t n_tokens) {
  check_view(w);
  std::vector<float> row(static_cast<size_t>(w.cols));
  const auto* base = static_cast<const uint8_t*>(w.data);
  for (int64_t r = 0; r < w.rows; ++r) {
    dequantize_row(w.type, base + static_cast<size_t>(r) * w.row_bytes, row.data(), w.cols);
    for (int64_t t = 0; t < n_tokens; ++t) {
      double sum = 0.0;
      const float* xt = x + t * w.cols;
      for (int64_t c = 0; c < w.cols; ++c) sum += static_cast<double>(row[static_cast<size_t>(c)]) * xt[c];
      y[t * w.rows + r] = static_cast<float>(sum);
    }
  }
}

void get_row(const MatrixView& w, int64_t r, float* dst) {
  check_view(w);
  HIRELM_CHECK_MSG(r >= 0 && r < w.rows, "get_row: row out of range");
  dequantize_row(w.type, static_cast<const uint8_t*>(w.data) + static_cast<size_t>(r) * w.row_bytes, dst, w.cols);
}

}  // namespace hirelm::kernels
