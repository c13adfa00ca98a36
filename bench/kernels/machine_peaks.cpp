// Peak loops: each thread runs a fixed number of iterations of one instruction group on independent registers;
// an empty asm statement makes the inputs opaque each iteration so the compiler can neither hoist nor merge
// them. The loops are compiled for AVX2 + FMA by a function attribute (the file itself is built for the base
// ISA) and run only when cpuid reports both.
#include "machine_peaks.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define HIRELM_BENCH_X86 1
#define HIRELM_AVX2_FN __attribute__((noinline, target("avx2,fma")))
#define HIRELM_VNNI_FN __attribute__((noinline, target("avx2,avx512f,avx512vl,avx512vnni")))
#define HIRELM_BF16_FN __attribute__((noinline, target("avx2,avx512f,avx512bf16")))
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <ctime>
#include <thread>
#include <vector>

#include "engine/kernels/isa.h"

namespace hirelm::kernels::bench {
namespace {

bool have(Isa isa) {
#if defined(HIRELM_BENCH_X86)
  const std::vector<Isa> isas = supported_isas();
  return std::find(isas.begin(), isas.end(), isa) != isas.end();
#else
  (void)isa;
  return false;
#endif
}

bool have_avx2() { return have(Isa::kAvx2); }

// Blocks of 32 columns per row in the Q8_0 block-step loop: 1,536 columns, the model's width.
constexpr int kStepBlocks = 48;

#if defined(HIRELM_BENCH_X86)

// 4 independent chains, written out as separate variables (GCC keeps unrolled arrays on the stack, and with
// more chains it spills accumulators, whose store-to-load latency then bounds the loop). Only the 32-bit add
// is loop-carried, so 4 chains cover its latency.
#define HIRELM_X4(M) M(0) M(1) M(2) M(3)
constexpr int kChains = 4;

// kAccumulate: the usable int8 dot (maddubs to int16 pairs, madd with ones to int32, 32-bit add into the
// accumulator); otherwise the bare maddubs, its results only OR-ed together.
template <bool kAccumulate>
HIRELM_AVX2_FN int int8_loop(int64_t iterations) {
  const __m256i b = _mm256_set1_epi8(3);
  const __m256i ones = _mm256_set1_epi16(1);
#define HIRELM_INIT(i)                                 \
  __m256i x##i = _mm256_set1_epi8(static_cast<char>(i + 1)); \
  __m256i acc##i = _mm256_setzero_si256();
  HIRELM_X4(HIRELM_INIT)
#undef HIRELM_INIT
  for (int64_t k = 0; k < iterations; ++k) {
#define HIRELM_STEP(i)                                                                 \
  __asm__ volatile("" : "+x"(x##i));                                                    \
  if constexpr (kAccumulate) {                                                          \
    acc##i = _mm256_add_epi32(acc##i, _mm256_madd_epi16(_mm256_maddubs_epi16(x##i, b), ones)); \
  } else {                                                                              \
    acc##i = _mm256_or_si256(acc##i, _mm256_maddubs_epi16(x##i, b));                    \
  }
    HIRELM_X4(HIRELM_STEP)
#undef HIRELM_STEP
  }
  const __m256i s = _mm256_or_si256(_mm256_or_si256(acc0, acc1), _mm256_or_si256(acc2, acc3));
  return _mm256_extract_epi32(s, 0);
}

// 10 accumulators cover the FMA latency (4 cycles) times its throughput (2 per cycle) with room to spare.
#define HIRELM_X10(M) HIRELM_X4(M) M(4) M(5) M(6) M(7) M(8) M(9)
constexpr int kFmaChains = 10;

HIRELM_AVX2_FN float fma_loop(int64_t iterations) {
  const __m256 a = _mm256_set1_ps(0.999f);
  const __m256 b = _mm256_set1_ps(1e-3f);
#define HIRELM_INIT(i) __m256 acc##i = _mm256_set1_ps(static_cast<float>(i));
  HIRELM_X10(HIRELM_INIT)
#undef HIRELM_INIT
  for (int64_t k = 0; k < iterations; ++k) {
#define HIRELM_STEP(i) acc##i = _mm256_fmadd_ps(acc##i, a, b);
    HIRELM_X10(HIRELM_STEP)
#undef HIRELM_STEP
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(acc4, acc5), _mm256_add_ps(acc6, acc7)));
  s = _mm256_add_ps(s, _mm256_add_ps(acc8, acc9));
  return _mm256_cvtss_f32(s);
}
// The AVX-512 path's int8 dot: one vpdpbusd (ymm) per 32 int8 multiply-adds into int32; 10 chains cover its
// latency (5 cycles) times its throughput (2 per cycle).
HIRELM_VNNI_FN int vnni_loop(int64_t iterations) {
  const __m256i b = _mm256_set1_epi8(3);
#define HIRELM_INIT(i)                                       \
  __m256i x##i = _mm256_set1_epi8(static_cast<char>(i + 1)); \
  __m256i acc##i = _mm256_setzero_si256();
  HIRELM_X10(HIRELM_INIT)
#undef HIRELM_INIT
  for (int64_t k = 0; k < iterations; ++k) {
#define HIRELM_STEP(i)                   \
  __asm__ volatile("" : "+x"(x##i));      \
  acc##i = _mm256_dpbusd_epi32(acc##i, x##i, b);
    HIRELM_X10(HIRELM_STEP)
#undef HIRELM_STEP
  }
  __m256i s = _mm256_or_si256(_mm256_or_si256(acc0, acc1), _mm256_or_si256(acc2, acc3));
  s = _mm256_or_si256(s, _mm256_or_si256(_mm256_or_si256(acc4, acc5), _mm256_or_si256(acc6, acc7)));
  s = _mm256_or_si256(s, _mm256_or_si256(acc8, acc9));
  return _mm256_extract_epi32(s, 0);
}
// The AVX-512 path's BF16 product: one vdpbf16ps (zmm) per 32 bf16 multiply-adds into 16 f32 lanes; 10 chains.
HIRELM_BF16_FN float bf16_loop(int64_t iterations) {
  const __m512bh b = (__m512bh)_mm512_set1_epi16(0x3F80);  // bf16 1.0
#define HIRELM_INIT(i)                                                            \
  __m512bh x##i = (__m512bh)_mm512_set1_epi16(static_cast<short>(0x3C00 + i));  \
  __m512 acc##i = _mm512_setzero_ps();
  HIRELM_X10(HIRELM_INIT)
#undef HIRELM_INIT
  for (int64_t k = 0; k < iterations; ++k) {
#define HIRELM_STEP(i)               \
  __asm__ volatile("" : "+v"(x##i));  \
  acc##i = _mm512_dpbf16_ps(acc##i, x##i, b);
    HIRELM_X10(HIRELM_STEP)
#undef HIRELM_STEP
  }
  __m512 s = _mm512_add_ps(_mm512_add_ps(acc0, acc1), _mm512_add_ps(acc2, acc3));
  s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(acc4, acc5), _mm512_add_ps(acc6, acc7)));
  s = _mm512_add_ps(s, _mm512_add_ps(acc8, acc9));
  return _mm512_cvtss_f32(s);
}

// The AVX2 Q8_0 tile's whole per-block step (matmul_x86_tiles.h, dot_q8_0), not just its multiplies: per
// (row, token) pair of a 2-row x 4-token tile, sign(w, a), maddubs(|a|, .), madd with ones, conversion to
// f32 and an fma with a scale broadcast from memory, over 48 blocks (1536 columns) held in L1. This is the
// ceiling of the quantized tiles' design without VNNI: what they could reach if every weight and activation
// came from L1 and nothing else ran. 8 accumulators, as in the tile.
struct StepData {
  alignas(64) int8_t w[2][32 * kStepBlocks];
  alignas(64) int8_t a[4][32 * kStepBlocks];
  alignas(64) uint8_t abs_a[4][32 * kStepBlocks];
  alignas(64) float scale[8 * kStepBlocks];
};

StepData make_step_data() {
  StepData d{};
  uint32_t x = 12345;
  auto next = [&x] { return x = x * 1664525u + 1013904223u; };
  for (int i = 0; i < 32 * kStepBlocks; ++i) {
    for (auto& row : d.w) row[i] = static_cast<int8_t>(static_cast<int>(next() >> 24) % 255 - 127);
    for (int t = 0; t < 4; ++t) {
      d.a[t][i] = static_cast<int8_t>(static_cast<int>(next() >> 24) % 255 - 127);
      d.abs_a[t][i] = static_cast<uint8_t>(std::abs(d.a[t][i]));
    }
  }
  for (auto& s : d.scale) s = 1e-3f;
  return d;
}

HIRELM_AVX2_FN float q8_0_step_loop(int64_t iterations) {
  static const StepData d = make_step_data();
  const __m256i ones = _mm256_set1_epi16(1);
  __m256 acc[2][4];
  for (auto& row : acc) {
    for (auto& v : row) v = _mm256_setzero_ps();
  }
  for (int64_t k = 0; k < iterations; ++k) {
    for (int b = 0; b < kStepBlocks; ++b) {
      const __m256i w0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(d.w[0] + 32 * b));
      const __m256i w1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(d.w[1] + 32 * b));
      const __m256i w[2] = {w0, w1};
#pragma GCC unroll 4
      for (int t = 0; t < 4; ++t) {
        const __m256i aq = _mm256_load_si256(reinterpret_cast<const __m256i*>(d.a[t] + 32 * b));
        const __m256i aa = _mm256_load_si256(reinterpret_cast<const __m256i*>(d.abs_a[t] + 32 * b));
#pragma GCC unroll 2
        for (int r = 0; r < 2; ++r) {
          const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(aa, _mm256_sign_epi8(w[r], aq)), ones);
          acc[r][t] = _mm256_fmadd_ps(_mm256_broadcast_ss(&d.scale[8 * b + 4 * r + t]), _mm256_cvtepi32_ps(p),
                                      acc[r][t]);
        }
      }
    }
  }
  __m256 s = _mm256_setzero_ps();
  for (auto& row : acc) {
    for (auto& v : row) s = _mm256_add_ps(s, v);
  }
  return _mm256_cvtss_f32(s);
}
#else
float q8_0_step_loop(int64_t) { return 0; }
constexpr int kChains = 4;
constexpr int kFmaChains = 10;
template <bool kAccumulate>
int int8_loop(int64_t) { return 0; }
float fma_loop(int64_t) { return 0; }
int vnni_loop(int64_t) { return 0; }
float bf16_loop(int64_t) { return 0; }
#endif

std::atomic<int64_t> g_sink{0};

// Runs loop(iterations) on every pool thread, repeats 3 times, returns the best rate in units per second where
// each thread performs `units_per_iteration * iterations` units.
template <class Loop>
double best_rate(ThreadPool& pool, double seconds, double units_per_iteration, Loop loop) {
  // Calibrate the iteration count on one thread so a run lasts about `seconds`.
  int64_t iterations = 1 << 16;
  for (;;) {
    const double t0 = bench_clock_seconds();
    g_sink += static_cast<int64_t>(loop(iterations));
    const double dt = bench_clock_seconds() - t0;
    if (dt > seconds / 4 || iterations > (int64_t{1} << 40)) {
      iterations = static_cast<int64_t>(static_cast<double>(iterations) * seconds / std::max(dt, 1e-6));
      break;
    }
    iterations *= 4;
  }
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    const double t0 = bench_clock_seconds();
    pool.run([&](int, int) { g_sink += static_cast<int64_t>(loop(iterations)); });
    const double dt = bench_clock_seconds() - t0;
    best = std::max(best, units_per_iteration * static_cast<double>(iterations) * pool.size() / dt);
  }
  return best;
}

}  // namespace

int bench_threads() {
  if (const char* env = std::getenv("HIRELM_BENCH_THREADS")) return std::max(1, std::atoi(env));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

bool bench_uses_cpu_time() { return bench_threads() == 1; }

double bench_clock_seconds() {
  if (bench_uses_cpu_time()) {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double measure_int8_dot_gops(ThreadPool& pool, double seconds) {
  if (have(Isa::kAvx512)) {
    // Per chain and iteration one vpdpbusd of 32 int8 pairs: 64 ops.
    return best_rate(pool, seconds, 64.0 * kFmaChains, [](int64_t n) { return vnni_loop(n); }) / 1e9;
  }
  if (!have_avx2()) return 0;
  // Per chain and iteration one maddubs of 32 int8 pairs: 32 multiply-adds = 64 ops.
  return best_rate(pool, seconds, 64.0 * kChains, [](int64_t n) { return int8_loop<true>(n); }) / 1e9;
}

double measure_int8_maddubs_gops(ThreadPool& pool, double seconds) {
  if (!have_avx2()) return 0;
  return best_rate(pool, seconds, 64.0 * kChains, [](int64_t n) { return int8_loop<false>(n); }) / 1e9;
}

double measure_q8_0_step_gops(ThreadPool& pool, double seconds) {
  if (!have_avx2()) return 0;
  // Per iteration kStepBlocks blocks x 8 (row, token) pairs of 32 int8 multiply-adds: 64 ops each.
  return best_rate(pool, seconds, 64.0 * 8 * kStepBlocks, [](int64_t n) { return static_cast<int>(q8_0_step_loop(n)); }) /
         1e9;
}

double measure_bf16_dot_gflops(ThreadPool& pool, double seconds) {
  if (!have(Isa::kAvx512)) return 0;
  // Per chain and iteration one vdpbf16ps of 32 bf16 pairs: 32 multiply-adds = 64 flops.
  return best_rate(pool, seconds, 64.0 * kFmaChains, [](int64_t n) { return static_cast<int>(bf16_loop(n)); }) / 1e9;
}

double measure_fp32_fma_gflops(ThreadPool& pool, double seconds) {
  if (!have_avx2()) return 0;
  return best_rate(pool, seconds, 16.0 * kFmaChains, [](int64_t n) { return static_cast<int>(fma_loop(n)); }) / 1e9;
}

// The best GB/s of `repeats` runs of body(begin, end) over n elements split evenly between the threads, each
// run moving `bytes` bytes.
template <class Body>
double best_bandwidth(ThreadPool& pool, int repeats, size_t n, double bytes, Body&& body) {
  double best = 0;
  for (int rep = 0; rep < repeats; ++rep) {
    const double t0 = bench_clock_seconds();
    pool.run([&](int index, int count) {
      body(n * static_cast<size_t>(index) / static_cast<size_t>(count),
           n * static_cast<size_t>(index + 1) / static_cast<size_t>(count));
    });
    best = std::max(best, bytes / (bench_clock_seconds() - t0) / 1e9);
  }
  return best;
}

double measure_triad_gb_per_s(ThreadPool& pool, int repeats) {
  const size_t n = size_t{16} << 20;  // floats per array: 64 MiB each, far beyond any cache
  std::vector<float> a(n, 0.0f), b(n, 1.0f), c(n, 2.0f);
  const float s = 3.0f;
  const double best = best_bandwidth(pool, repeats, n, 3.0 * sizeof(float) * static_cast<double>(n),
                                     [&](size_t begin, size_t end) {
                                       for (size_t i = begin; i < end; ++i) a[i] = b[i] + s * c[i];
                                     });
  g_sink += static_cast<int64_t>(a[n / 2]);
  return best;
}

double measure_read_gb_per_s(ThreadPool& pool, int repeats) {
  const size_t n = size_t{64} << 20;  // 8-byte words: 512 MiB, far beyond any cache
  std::vector<uint64_t> a(n, 1);
  return best_bandwidth(pool, repeats, n, sizeof(uint64_t) * static_cast<double>(n), [&](size_t begin, size_t end) {
    // Four streams per thread, a quarter of its part apart (the access pattern of the decode tiles, and the
    // fastest one measured here: one linear stream per core leaves bandwidth unused).
    const size_t quarter = (end - begin) / 4;
    const uint64_t* q = a.data() + begin;
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = 0; i < quarter; ++i) s0 += q[i], s1 += q[quarter + i], s2 += q[2 * quarter + i], s3 += q[3 * quarter + i];
    for (size_t i = begin + 4 * quarter; i < end; ++i) s0 += a[i];
    g_sink += static_cast<int64_t>(s0 + s1 + s2 + s3);
  });
}

MachinePeaks measure_machine_peaks(ThreadPool& pool) {
  MachinePeaks p;
  p.int8_dot_gops = measure_int8_dot_gops(pool, 0.05);
  p.int8_maddubs_gops = measure_int8_maddubs_gops(pool, 0.05);
  p.q8_0_step_gops = measure_q8_0_step_gops(pool, 0.2);  // longer: the of_step fractions divide by it
  p.fp32_fma_gflops = measure_fp32_fma_gflops(pool, 0.05);
  p.bf16_dot_gflops = measure_bf16_dot_gflops(pool, 0.05);
  p.triad_gb_per_s = measure_triad_gb_per_s(pool, 5);
  p.read_gb_per_s = measure_read_gb_per_s(pool, 5);
  return p;
}

}  // namespace hirelm::kernels::bench
