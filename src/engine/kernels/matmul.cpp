// matmul's entry points: argument checks, ISA dispatch and the split of weight rows between threads.
#include "engine/kernels/matmul.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <vector>

#include "engine/kernels/isa.h"
#include "engine/kernels/matmul_paths.h"
#include "engine/kernels/ops.h"
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

constexpr int kMaxOutputs = 4;

// Everything the threads of one (fused) matmul share. Passed to the pool through a one-pointer lambda, so no
// std::function and no allocation per call. The chunks of all outputs are numbered in one sequence; threads
// take them from a shared counter, so a thread that was descheduled on a busy machine does not hold up the
// others with a fixed share.
struct MatmulJob {
  struct Part {
    const MatrixView* w = nullptr;
    float* y = nullptr;
    int64_t chunk_rows = 0;
    int64_t end_chunk = 0;  // chunks of this part and the ones before it
  };
  Part parts[kMaxOutputs];
  int n_parts = 0;
  const float* x = nullptr;
  const void* prepared = nullptr;
  int64_t n_tokens = 0;
  Isa isa = Isa::kGeneric;
  // Gated mode (matmul_silu_gate): parts[0] is gate, parts[1] up; chunk i covers the same rows of both.
  bool silu_gate = false;
  std::atomic<int64_t> next_chunk{0};

  int64_t n_chunks() const { return silu_gate ? parts[0].end_chunk : parts[n_parts - 1].end_chunk; }

  void run_rows(const Part& p, int64_t row_begin, int64_t row_end) const {
    switch (isa) {
#if defined(HIRELM_HAVE_AVX2_KERNELS)
      case Isa::kAvx2:
        detail::matmul_rows_avx2(*p.w, x, prepared, p.y, n_tokens, row_begin, row_end);
        return;
#endif
#if defined(HIRELM_HAVE_AVX512_KERNELS)
      case Isa::kAvx512:
        detail::matmul_rows_avx512(*p.w, x, prepared, p.y, n_tokens, row_begin, row_end);
        return;
#endif
      default:
        detail::matmul_rows_generic(*p.w, x, p.y, n_tokens, row_begin, row_end);
        return;
    }
  }

  void run_chunk(int64_t chunk) const {
    if (silu_gate) {
      const Part& gate = parts[0];
      const int64_t begin = chunk * gate.chunk_rows, end = std::min(gate.w->rows, begin + gate.chunk_rows);
      run_rows(gate, begin, end);
      run_rows(parts[1], begin, end);
      for (int64_t t = 0; t < n_tokens; ++t) {
        float* g = gate.y + t * gate.w->rows + begin;
        silu_mul(g, parts[1].y + t * gate.w->rows + begin, g, end - begin);
      }
      return;
    }
    int i = 0;
    while (chunk >= parts[i].end_chunk) ++i;
    const Part& p = parts[i];
    const int64_t begin = (chunk - (i == 0 ? 0 : parts[i - 1].end_chunk)) * p.chunk_rows;
    run_rows(p, begin, std::min(p.w->rows, begin + p.chunk_rows));
  }

  void work() {
    const int64_t total = n_chunks();
    for (int64_t chunk = next_chunk.fetch_add(1, std::memory_order_relaxed); chunk < total;
         chunk = next_chunk.fetch_add(1, std::memory_order_relaxed)) {
      run_chunk(chunk);
    }
  }
};

#if defined(HIRELM_HAVE_AVX2_KERNELS)
// The activation form every output of a job is multiplied with (kF32 when none needs preparing), or nullopt
// when two outputs need different ones.
std::optional<ActivationForm> shared_form(Isa isa, std::span<const MatmulOutput> outputs) {
  ActivationForm shared = ActivationForm::kF32;
  for (const MatmulOutput& o : outputs) {
    const ActivationForm form = activation_form(isa, o.w->type);
    if (form == ActivationForm::kF32) continue;
    if (shared != ActivationForm::kF32 && shared != form) return std::nullopt;
    shared = form;
  }
  return shared;
}
#endif

// Checks the outputs, prepares the activations once for all of them and runs the job on the pool.
void run_job(MatmulJob& job, std::span<const MatmulOutput> outputs, ThreadPool& pool) {
  HIRELM_CHECK_MSG(!outputs.empty() && outputs.size() <= static_cast<size_t>(kMaxOutputs),
                   "matmul: 1 to 4 fused outputs");
  HIRELM_CHECK(job.n_tokens >= 0);
  const int n_threads = pool.size();
  const int64_t cols = outputs[0].w->cols;
  int64_t chunks = 0;
  for (const MatmulOutput& o : outputs) {
    check_view(*o.w);
    HIRELM_CHECK_MSG(o.w->cols == cols, "matmul: fused weights differ in cols");
    MatmulJob::Part& p = job.parts[job.n_parts++];
    p.w = o.w;
    p.y = o.y;
    // In gated mode both parts use the gate's chunks (chunk i is the same rows of both).
    p.chunk_rows = job.silu_gate && job.n_parts == 2 ? job.parts[0].chunk_rows
                                                     : choose_chunk_rows(o.w->rows, o.w->row_bytes, job.n_tokens, n_threads);
    chunks += (o.w->rows + p.chunk_rows - 1) / p.chunk_rows;
    p.end_chunk = chunks;
  }
  if (chunks == 0 || job.n_tokens == 0) return;

#if defined(HIRELM_HAVE_AVX2_KERNELS)
  // The caller thread's scratch for the prepared activations; it grows to the largest need and stays. Every
  // quantized type multiplies the same prepared form, so one preparation serves all the outputs.
  thread_local std::vector<uint8_t> scratch;
  if (job.isa != Isa::kGeneric) {
    std::optional<ActivationForm> form = shared_form(job.isa, outputs);
    if (!form) {  // BF16 beside quantized weights on AVX-512; the AVX2 path takes any mix
      job.isa = Isa::kAvx2;
      form = shared_form(job.isa, outputs);
    }
    const size_t bytes = detail::prepared_bytes(*form, cols, job.n_tokens);
    if (bytes > 0) {
      if (scratch.size() < bytes) scratch.resize(bytes);
      void* out = scratch.data();
      job.prepared = out;
      const ActivationForm f = *form;
      const float* x = job.x;
      if (n_threads > 1 && job.n_tokens >= 2 * n_threads) {
        const int64_t n_tokens = job.n_tokens;
        pool.run([=](int index, int count) {
          const int64_t per = (n_tokens + count - 1) / count;
          const int64_t begin = std::min(n_tokens, per * index);
          const int64_t end = std::min(n_tokens, begin + per);
          if (begin < end) detail::prepare_activations(f, x, cols, begin, end, out);
        });
      } else {
        detail::prepare_activations(f, x, cols, 0, job.n_tokens, out);
      }
    }
  }
#else
  HIRELM_CHECK_MSG(job.isa == Isa::kGeneric, "matmul: this build has only the generic path");
#endif

  if (n_threads == 1 || job.n_chunks() == 1) {
    job.work();
    return;
  }
  MatmulJob* j = &job;
  pool.run([j](int, int) { j->work(); });
}

}  // namespace

void matmul_fused_with_isa(Isa isa, std::span<const MatmulOutput> outputs, const float* x, int64_t n_tokens,
                           ThreadPool& pool) {
  MatmulJob job;
  job.x = x;
  job.n_tokens = n_tokens;
  job.isa = isa;
  run_job(job, outputs, pool);
}

void matmul_with_isa(Isa isa, const MatrixView& w, const float* x, float* y, int64_t n_tokens, ThreadPool& pool) {
  const MatmulOutput out{&w, y};
  matmul_fused_with_isa(isa, {&out, 1}, x, n_tokens, pool);
}

void matmul_silu_gate_with_isa(Isa isa, const MatrixView& gate, const MatrixView& up, const float* x, float* gate_y,
                               float* up_y, int64_t n_tokens, ThreadPool& pool) {
  HIRELM_CHECK_MSG(gate.rows == up.rows && gate.cols == up.cols, "matmul_silu_gate: gate and up differ in shape");
  const MatmulOutput outs[2] = {{&gate, gate_y}, {&up, up_y}};
  MatmulJob job;
  job.x = x;
  job.n_tokens = n_tokens;
  job.isa = isa;
  job.silu_gate = true;
  run_job(job, outs, pool);
}

void matmul(const MatrixView& w, const float* x, float* y, int64_t n_tokens, ThreadPool& pool) {
  matmul_with_isa(active_isa(), w, x, y, n_tokens, pool);
}

void matmul_fused(std::span<const MatmulOutput> outputs, const float* x, int64_t n_tokens, ThreadPool& pool) {
  matmul_fused_with_isa(active_isa(), outputs, x, n_tokens, pool);
}

void matmul_silu_gate(const MatrixView& gate, const MatrixView& up, const float* x, float* gate_y, float* up_y,
                      int64_t n_tokens, ThreadPool& pool) {
  matmul_silu_gate_with_isa(active_isa(), gate, up, x, gate_y, up_y, n_tokens, pool);
}

ActivationForm activation_form(Isa isa, DType weights) {
  if (isa == Isa::kGeneric) return ActivationForm::kF32;
  switch (weights) {
    case DType::kQ8_0:
    case DType::kQ4_0:
    case DType::kQ4_K:
    case DType::kQ6_K: return ActivationForm::kInt8Blocks;
    case DType::kBF16: return isa == Isa::kAvx512 ? ActivationForm::kBf16 : ActivationForm::kF32;
    default: return ActivationForm::kF32;
  }
}

#if defined(HIRELM_HAVE_AVX2_KERNELS)
namespace detail {

size_t prepared_bytes(ActivationForm form, int64_t cols, int64_t n_tokens) {
  const auto n = static_cast<size_t>(n_tokens);
  switch (form) {
    case ActivationForm::kInt8Blocks: return n * int8_act_row_bytes(cols);
    case ActivationForm::kBf16: return n * static_cast<size_t>(cols) * sizeof(uint16_t);
    case ActivationForm::kF32: break;
  }
  return 0;
}

void prepare_activations(ActivationForm form, const float* x, int64_t cols, int64_t token_begin, int64_t token_end,
                         void* prepared) {
  switch (form) {
    case ActivationForm::kInt8Blocks:
      avx2_quantize_activations(x, cols, token_begin, token_end, prepared);
      return;
    case ActivationForm::kBf16: {
      auto* out = static_cast<uint16_t*>(prepared);
      for (int64_t i = token_begin * cols; i < token_end * cols; ++i) out[i] = f32_to_bf16(x[i]);
      return;
    }
    case ActivationForm::kF32: return;
  }
}

}  // namespace detail
#endif

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
