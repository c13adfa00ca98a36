// This machine's limits for the kernels, measured with all threads of a pool: the int8 dot-product and fp32
// FMA compute peaks (tight loops of independent accumulators, no memory traffic), the read-only memory
// bandwidth (what a matmul streaming its weights needs) and the STREAM-triad bandwidth. kernels_bench reports
// every kernel as a fraction of them.
#pragma once

#include <cstdint>

#include "engine/kernels/thread_pool.h"

namespace hirelm::kernels::bench {

// Threads of the benchmark pool: HIRELM_BENCH_THREADS, else all hardware threads.
int bench_threads();

// With one thread the benchmarks time the thread's CPU time (robust on a shared machine), else wall-clock.
bool bench_uses_cpu_time();
double bench_clock_seconds();

// Each figure is the best of a few short runs (a busy machine only makes a run slower, never faster).
struct MachinePeaks {
  double int8_dot_gops = 0;       // usable int8 dot product: maddubs + madd + 32-bit add (AVX-512 VNNI CPUs:
                                  // vpdpbusd, what the AVX-512 path uses); 2 ops per int8 MAC
  double int8_maddubs_gops = 0;   // the bare multiply instruction (pairs to int16, no accumulation)
  double q8_0_step_gops = 0;      // the AVX2 Q8_0 tile's whole block step on L1-resident data (sign, maddubs,
                                  // madd, conversion, fma): the ceiling of the quantized tiles without VNNI
  double fp32_fma_gflops = 0;     // 2 flops per FMA lane
  double bf16_dot_gflops = 0;     // vdpbf16ps, what the AVX-512 path multiplies BF16 weights with (0 without it)
  double triad_gb_per_s = 0;      // a[i] = b[i] + s * c[i] over 3 x 64 MiB, 12 bytes moved per element
  double read_gb_per_s = 0;       // a sum over 512 MiB, each thread 4 streams of its part: reads only
};

// Int8 and FMA peaks are 0 on a CPU without AVX2 + FMA (this benchmark has no other path).
double measure_int8_dot_gops(ThreadPool& pool, double seconds);
double measure_int8_maddubs_gops(ThreadPool& pool, double seconds);
double measure_q8_0_step_gops(ThreadPool& pool, double seconds);
double measure_fp32_fma_gflops(ThreadPool& pool, double seconds);
double measure_bf16_dot_gflops(ThreadPool& pool, double seconds);
double measure_triad_gb_per_s(ThreadPool& pool, int repeats);
double measure_read_gb_per_s(ThreadPool& pool, int repeats);

MachinePeaks measure_machine_peaks(ThreadPool& pool);

}  // namespace hirelm::kernels::bench
