// Micro-benchmarks of the kernels at DeepSeek-R1-Distill-Qwen-1.5B's matmul shapes, and of the machine's limits
// (machine/*: int8 dot-product and fp32 FMA peaks, read-only and STREAM-triad bandwidth; see machine_peaks.h).
//
// Counters of matmul/<dtype>/<rows>x<cols>/tokens:<n>:
//   GOPS          2 * rows * cols * n_tokens per second;
//   weights_GB/s  bytes of weights streamed per second;
//   of_compute    GOPS / the machine's compute peak for the dtype's path (int8 dot for the quantized types,
//                 whose activations the AVX2 path quantizes to int8; fp32 FMA for F32, F16 and BF16);
//   of_bandwidth  weights_GB/s / the read-only bandwidth (a matmul only reads its weights; STREAM triad, which
//                 also writes, is lower on this machine and would overstate the fraction);
//   of_limit      the roofline fraction: max(ops / compute peak, weight bytes / bandwidth) / measured time, so
//                 1.0 means the kernel runs at whichever limit binds it.
// The peaks are measured once at start-up with the same threads (printed to stderr). With several threads all
// timing is wall-clock, so on a busy machine every figure, peaks included, drops. HIRELM_BENCH_THREADS=1 times
// the single thread's CPU time instead: per-core figures that other processes on the machine barely move.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "machine_peaks.h"
#include "engine/kernels/isa.h"
#include "engine/kernels/matmul.h"
#include "engine/kernels/quantize.h"
#include "engine/kernels/thread_pool.h"

namespace hirelm::kernels {
namespace {

ThreadPool& pool() {
  static ThreadPool p(bench::bench_threads());
  return p;
}

const bench::MachinePeaks& peaks() {
  static const bench::MachinePeaks p = bench::measure_machine_peaks(pool());
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
  // Decode-sized calls are bandwidth-bound only if the weights come from memory, as a model's do; a matrix
  // smaller than the last-level cache would be served from it on repeated calls. So those calls rotate through
  // enough copies to span kColdBytes.
  constexpr size_t kColdBytes = size_t{192} << 20;
  const size_t copies = n_tokens <= 16 ? std::max<size_t>(1, kColdBytes / weights.size()) : 1;
  std::vector<std::vector<uint8_t>> extra(copies - 1, weights);
  std::vector<MatrixView> views{make_matrix_view(type, weights.data(), rows, cols)};
  for (const auto& e : extra) views.push_back(make_matrix_view(type, e.data(), rows, cols));
  size_t next = 0;
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(n_tokens * cols));
  for (auto& v : x) v = dist(rng);
  std::vector<float> y(static_cast<size_t>(n_tokens * rows));
  const double t0 = bench::bench_clock_seconds();
  for (auto _ : state) {
    matmul(views[next], x.data(), y.data(), n_tokens, pool());
    next = next + 1 == views.size() ? 0 : next + 1;
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  const double seconds = bench::bench_clock_seconds() - t0;
  const double iters = static_cast<double>(state.iterations());
  const double ops = 2.0 * static_cast<double>(rows * cols * n_tokens);
  const double bytes = static_cast<double>(weights.size());
  state.counters["weights_GB/s"] = benchmark::Counter(bytes * iters / 1e9, benchmark::Counter::kIsRate);
  state.counters["GOPS"] = benchmark::Counter(ops * iters / 1e9, benchmark::Counter::kIsRate);
  // The peak of the instruction the active path multiplies this type with.
  double compute_peak = peaks().fp32_fma_gflops;
  switch (activation_form(active_isa(), type)) {
    case ActivationForm::kInt8Blocks: compute_peak = peaks().int8_dot_gops; break;
    case ActivationForm::kBf16: compute_peak = peaks().bf16_dot_gflops; break;
    case ActivationForm::kF32: break;
  }
  const double per_call = seconds / std::max(iters, 1.0);
  if (compute_peak > 0) state.counters["of_compute"] = ops / 1e9 / compute_peak / per_call;
  // Q8_0 on the AVX2 path: also as a fraction of its own block step on L1-resident data (machine/q8_0_step),
  // which tells the time lost to memory and the tile's bookkeeping from the instruction sequence's own cost.
  if (type == DType::kQ8_0 && active_isa() == Isa::kAvx2 && peaks().q8_0_step_gops > 0) {
    state.counters["of_step"] = ops / 1e9 / peaks().q8_0_step_gops / per_call;
  }
  const double bandwidth = peaks().read_gb_per_s;
  if (bandwidth > 0) state.counters["of_bandwidth"] = bytes / 1e9 / bandwidth / per_call;
  if (compute_peak > 0 && bandwidth > 0) {
    state.counters["of_limit"] = std::max(ops / 1e9 / compute_peak, bytes / 1e9 / bandwidth) / per_call;
  }
  state.SetLabel(std::string(isa_name(active_isa())) + " threads=" + std::to_string(pool().size()));
}

// The machine's limits, as benchmarks of their own so that they appear in the same report (one iteration
// each; the figure is the best of the repeated runs inside).
struct MachineLimit {
  const char* name;
  const char* unit;
  double (*measure)(ThreadPool&);
};

const MachineLimit kMachineLimits[] = {
    {"machine/int8_dot", "GOPS", [](ThreadPool& p) { return bench::measure_int8_dot_gops(p, 0.1); }},
    {"machine/int8_maddubs", "GOPS", [](ThreadPool& p) { return bench::measure_int8_maddubs_gops(p, 0.1); }},
    {"machine/q8_0_step", "GOPS", [](ThreadPool& p) { return bench::measure_q8_0_step_gops(p, 0.1); }},
    {"machine/fp32_fma", "GOPS", [](ThreadPool& p) { return bench::measure_fp32_fma_gflops(p, 0.1); }},
    {"machine/bf16_dot", "GOPS", [](ThreadPool& p) { return bench::measure_bf16_dot_gflops(p, 0.1); }},
    {"machine/stream_triad", "GB/s", [](ThreadPool& p) { return bench::measure_triad_gb_per_s(p, 5); }},
    {"machine/read_bandwidth", "GB/s", [](ThreadPool& p) { return bench::measure_read_gb_per_s(p, 5); }},
};

void bm_machine(benchmark::State& state, const MachineLimit& limit) {
  double value = 0;
  for (auto _ : state) value = limit.measure(pool());
  state.counters[limit.unit] = value;
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
  for (const MachineLimit& limit : kMachineLimits) {
    benchmark::RegisterBenchmark(limit.name, [&limit](benchmark::State& st) { bm_machine(st, limit); })
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
  for (DType type : types) {
    for (const Shape& shape : shapes) {
      for (int64_t n_tokens : {1, 16, 512}) {
        const std::string name = "matmul/" + std::string(dtype_name(type)) + "/" + std::to_string(shape.rows) + "x" +
                                 std::to_string(shape.cols) + "/tokens:" + std::to_string(n_tokens);
        auto* b = benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
          bm_matmul(st, type, shape.rows, shape.cols, n_tokens);
        });
        if (!bench::bench_uses_cpu_time()) b->UseRealTime();
        b->Unit(benchmark::kMicrosecond);
      }
    }
  }
}

}  // namespace
}  // namespace hirelm::kernels

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  hirelm::kernels::register_all();
  const auto& p = hirelm::kernels::peaks();
  std::fprintf(stderr,
               "machine (%d threads): int8 dot %.1f GOPS, int8 maddubs %.1f GOPS, Q8_0 block step %.1f GOPS, "
               "fp32 FMA %.1f GFLOPS, bf16 dot %.1f GFLOPS, STREAM triad %.1f GB/s, read %.1f GB/s\n",
               hirelm::kernels::pool().size(), p.int8_dot_gops, p.int8_maddubs_gops, p.q8_0_step_gops, p.fp32_fma_gflops,
               p.bf16_dot_gflops, p.triad_gb_per_s, p.read_gb_per_s);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
