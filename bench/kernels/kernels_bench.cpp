// Micro-benchmarks of the kernels at DeepSeek-R1-Distill-Qwen-1.5B's matmul shapes, plus a STREAM triad for
// the machine's memory bandwidth (the ceiling of single-token decoding).
//
// Counters: weights_GB/s = bytes of weights streamed per second (compare with triad's GB/s when n_tokens = 1);
// GOPS = 2 * rows * cols * n_tokens per second (compare across n_tokens to see compute-bound prefill).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/kernels/isa.h"
#include "engine/kernels/matmul.h"
#include "engine/kernels/quantize.h"
#include "engine/kernels/thread_pool.h"

namespace hirelm::kernels {
namespace {

int bench_threads() {
  if (const char* env = std::getenv("HIRELM_BENCH_THREADS")) return std::max(1, std::atoi(env));
  return std::max(1u, std::thread::hardware_concurrency());
}

ThreadPool& pool() {
  static ThreadPool p(bench_threads());
  return p;
}

// A [rows, cols] weight matrix in `type` whose rows repeat 64 distinct quantized N(0, 0.06) rows: realistic
// values without quantizing 233M values during set-up.
std::vector<uint8_t> make_weights(DType type, int64_t rows, int64_t cols) {
  const size_t row_bytes = dtype_row_bytes(type, static_cast<uint64_t>(cols));
  constexpr int64_t kDistinct = 64;
  std::mt19937 rng(42);
  std::normal_distribution<float> dist(0.0f, 0.06f);
  std::vector<float> row(static_cast<size_t>(cols));
  std::vector<uint8_t> distinct(row_bytes * kDistinct);
  for (int64_t r = 0; r < kDistinct; ++r) {
    for (auto& v : row) v = dist(rng);
    quantize_row(type, row.data(), distinct.data() + static_cast<size_t>(r) * row_bytes, cols);
  }
  std::vector<uint8_t> out(row_bytes * static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    std::copy_n(distinct.data() + static_cast<size_t>(r % kDistinct) * row_bytes, row_bytes,
                out.data() + static_cast<size_t>(r) * row_bytes);
  }
  return out;
}

void bm_matmul(benchmark::State& state, DType type, int64_t rows, int64_t cols, int64_t n_tokens) {
  const std::vector<uint8_t> weights = make_weights(type, rows, cols);
  const MatrixView w = make_matrix_view(type, weights.data(), rows, cols);
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(n_tokens * cols));
  for (auto& v : x) v = dist(rng);
  std::vector<float> y(static_cast<size_t>(n_tokens * rows));
  for (auto _ : state) {
    matmul(w, x.data(), y.data(), n_tokens, pool());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  const double iters = static_cast<double>(state.iterations());
  state.counters["weights_GB/s"] =
      benchmark::Counter(static_cast<double>(weights.size()) * iters / 1e9, benchmark::Counter::kIsRate);
  state.counters["GOPS"] = benchmark::Counter(2.0 * static_cast<double>(rows * cols * n_tokens) * iters / 1e9,
                                              benchmark::Counter::kIsRate);
  state.SetLabel(std::string(isa_name(active_isa())) + " threads=" + std::to_string(pool().size()));
}

// STREAM triad a = b + s * c over 3 x 64 MiB arrays, split across the pool's threads.
void bm_stream_triad(benchmark::State& state) {
  const size_t n = 16u << 20;  // floats per array
  std::vector<float> a(n, 0.0f), b(n, 1.0f), c(n, 2.0f);
  const float s = 3.0f;
  for (auto _ : state) {
    pool().run([&](int index, int count) {
      const size_t begin = n * static_cast<size_t>(index) / static_cast<size_t>(count);
      const size_t end = n * static_cast<size_t>(index + 1) / static_cast<size_t>(count);
      for (size_t i = begin; i < end; ++i) a[i] = b[i] + s * c[i];
    });
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.counters["GB/s"] = benchmark::Counter(3.0 * sizeof(float) * static_cast<double>(n) *
                                                  static_cast<double>(state.iterations()) / 1e9,
                                              benchmark::Counter::kIsRate);
  state.SetLabel("threads=" + std::to_string(pool().size()));
}

void register_all() {
  struct Shape {
    int64_t rows;
    int64_t cols;
  };
  const Shape shapes[] = {{1536, 1536}, {256, 1536}, {8960, 1536}, {1536, 8960}, {151936, 1536}};
  const DType types[] = {DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0,
                         DType::kQ4_0, DType::kQ4_K, DType::kQ6_K};
  benchmark::RegisterBenchmark("stream_triad", bm_stream_triad)->UseRealTime();
  for (DType type : types) {
    for (const Shape& shape : shapes) {
      for (int64_t n_tokens : {1, 64}) {
        const std::string name = "matmul/" + std::string(dtype_name(type)) + "/" + std::to_string(shape.rows) + "x" +
                                 std::to_string(shape.cols) + "/tokens:" + std::to_string(n_tokens);
        benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
          bm_matmul(st, type, shape.rows, shape.cols, n_tokens);
        })->UseRealTime()->Unit(benchmark::kMicrosecond);
      }
    }
  }
}

}  // namespace
}  // namespace hirelm::kernels

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  hirelm::kernels::register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
