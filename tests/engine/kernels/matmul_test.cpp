// Every matmul path this CPU supports, for every dtype, against matmul_reference (f64 accumulation of the
// exactly dequantized weights). Float-activation paths must agree to f32 rounding; paths that round the
// activations (int8 blocks, or bf16 on AVX-512) must stay inside the bound that rounding implies.
#include "engine/kernels/matmul.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/kernels/isa.h"
#include "engine/kernels/matmul_check.h"
#include "engine/kernels/ops.h"
#include "engine/kernels/quantize.h"

namespace hirelm::kernels {
namespace {

struct Shape {
  int64_t rows;
  int64_t cols;
};

class MatmulTest : public ::testing::TestWithParam<std::tuple<Isa, DType>> {};

TEST_P(MatmulTest, MatchesReference) {
  const auto [isa, type] = GetParam();
  const int64_t block = dtype_traits(type).block_elements;
  std::vector<Shape> shapes = {{1, 256}, {7, 256}, {33, 512}, {67, 768}, {130, 256}};
  if (block == 32) {
    // Block counts that are not a multiple of 8: the quantized paths work in groups of 8 blocks, these shapes
    // reach the partial-group code (11 blocks = 8 + 3, and a lone block).
    shapes.push_back({9, 352});
    shapes.push_back({6, 32});
  }
  if (block == 1) {
    shapes.push_back({5, 37});  // a column count that is not a multiple of any vector width
    shapes.push_back({19, 8});
  }
  for (int n_threads : {1, 3}) {
    ThreadPool pool(n_threads);
    for (const Shape& shape : shapes) {
      for (int64_t n_tokens : {1, 3, 17}) {
        const uint32_t seed = static_cast<uint32_t>(shape.rows * 131 + shape.cols + n_tokens);
        const std::vector<uint8_t> w_bytes = random_weights(type, shape.rows, shape.cols, seed);
        std::vector<float> x = gaussian(static_cast<size_t>(n_tokens * shape.cols), seed + 1, 1.0f);
        x[0] = 9.0f;  // one outlier, as real activations have, widens its quantization block
        const MatrixView w = make_matrix_view(type, w_bytes.data(), shape.rows, shape.cols);
        std::vector<float> got(static_cast<size_t>(n_tokens * shape.rows), NAN);
        matmul_with_isa(isa, w, x.data(), got.data(), n_tokens, pool);
        expect_matches_reference(w, x.data(), got.data(), n_tokens, activation_form(isa, type),
                                 std::string(isa_name(isa)) + " threads=" + std::to_string(n_threads));
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

// The public answer (which model tests widen their tolerances by) agrees with the bounds these tests use.
// The bounds above follow activation_form(); this is the specification it is held to, case by case: int8
// blocks of 32 (scale amax / 127) for quantized weights on the SIMD paths, bf16 for BF16 weights on AVX-512,
// f32 everywhere else.
TEST(MatmulSpec, ActivationFormSaysWhatThePathDoes) {
  using enum ActivationForm;
  struct Case {
    DType type;
    ActivationForm generic, avx2, avx512;
  };
  const Case cases[] = {
      {DType::kF32, kF32, kF32, kF32},
      {DType::kF16, kF32, kF32, kF32},
      {DType::kBF16, kF32, kF32, kBf16},
      {DType::kQ8_0, kF32, kInt8Blocks, kInt8Blocks},
      {DType::kQ4_0, kF32, kInt8Blocks, kInt8Blocks},
      {DType::kQ4_K, kF32, kInt8Blocks, kInt8Blocks},
      {DType::kQ6_K, kF32, kInt8Blocks, kInt8Blocks},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(activation_form(Isa::kGeneric, c.type), c.generic) << dtype_name(c.type);
    EXPECT_EQ(activation_form(Isa::kAvx2, c.type), c.avx2) << dtype_name(c.type);
    EXPECT_EQ(activation_form(Isa::kAvx512, c.type), c.avx512) << dtype_name(c.type);
  }
}

TEST_P(MatmulTest, RelativeRmsErrorIsSmall) {
  const auto [isa, type] = GetParam();
  const int64_t rows = 96, cols = 1536, n_tokens = 5;
  const std::vector<uint8_t> w_bytes = random_weights(type, rows, cols, 5);
  const std::vector<float> x = gaussian(static_cast<size_t>(n_tokens * cols), 6, 1.0f);
  const MatrixView w = make_matrix_view(type, w_bytes.data(), rows, cols);
  std::vector<float> got(static_cast<size_t>(rows * n_tokens));
  ThreadPool pool(2);
  matmul_with_isa(isa, w, x.data(), got.data(), n_tokens, pool);
  EXPECT_LE(relative_rms_error(w, x.data(), got.data(), n_tokens),
            activation_form(isa, type) == ActivationForm::kF32 ? 1e-6 : 0.01)
      << isa_name(isa) << " " << dtype_name(type);
}

// A [rows, cols] matrix of `type` from N(0, 0.06) values.
struct TestMatrix {
  std::vector<uint8_t> bytes;
  MatrixView view;
  TestMatrix(DType type, int64_t rows, int64_t cols, uint32_t seed)
      : bytes(random_weights(type, rows, cols, seed)), view(make_matrix_view(type, bytes.data(), rows, cols)) {}
};

// Fused Q/K/V: each output equals its own matmul bit for bit (same kernels, same activation preparation),
// also when the fused weights have different types (a Q4_K_M file mixes Q4_K and Q6_K) and rows.
TEST_P(MatmulTest, FusedOutputsEqualSeparateMatmuls) {
  const auto [isa, type] = GetParam();
  const int64_t cols = 512;
  const DType other = dtype_traits(type).block_elements == 256 ? DType::kQ6_K : type;
  const TestMatrix q(type, 96, cols, 21), k(other, 20, cols, 22), v(type, 36, cols, 23);
  for (int n_threads : {1, 3}) {
    ThreadPool pool(n_threads);
    for (int64_t n_tokens : {1, 2, 9}) {
      const std::vector<float> x = gaussian(static_cast<size_t>(n_tokens * cols), 24 + n_tokens, 1.0f);
      std::vector<float> yq(96 * n_tokens), yk(20 * n_tokens), yv(36 * n_tokens);
      const MatmulOutput outs[3] = {{&q.view, yq.data()}, {&k.view, yk.data()}, {&v.view, yv.data()}};
      matmul_fused_with_isa(isa, outs, x.data(), n_tokens, pool);
      for (const MatmulOutput& o : outs) {
        std::vector<float> expected(static_cast<size_t>(o.w->rows * n_tokens));
        matmul_with_isa(isa, *o.w, x.data(), expected.data(), n_tokens, pool);
        EXPECT_EQ(std::vector<float>(o.y, o.y + expected.size()), expected)
            << isa_name(isa) << " " << dtype_name(o.w->type) << " rows=" << o.w->rows << " tokens=" << n_tokens;
      }
    }
  }
}

// The gated feed-forward product equals matmul(gate), matmul(up), then silu_mul, bit for bit.
TEST_P(MatmulTest, SiluGateEqualsMatmulsThenSiluMul) {
  const auto [isa, type] = GetParam();
  const int64_t rows = 200, cols = 256;
  const TestMatrix gate(type, rows, cols, 31), up(type, rows, cols, 32);
  for (int n_threads : {1, 2}) {
    ThreadPool pool(n_threads);
    for (int64_t n_tokens : {1, 5, 17}) {
      const std::vector<float> x = gaussian(static_cast<size_t>(n_tokens * cols), 33 + n_tokens, 1.0f);
      std::vector<float> g(static_cast<size_t>(rows * n_tokens)), u(g.size()), eg(g.size()), eu(g.size());
      matmul_silu_gate_with_isa(isa, gate.view, up.view, x.data(), g.data(), u.data(), n_tokens, pool);
      matmul_with_isa(isa, gate.view, x.data(), eg.data(), n_tokens, pool);
      matmul_with_isa(isa, up.view, x.data(), eu.data(), n_tokens, pool);
      silu_mul(eg.data(), eu.data(), eg.data(), static_cast<int64_t>(eg.size()));
      EXPECT_EQ(g, eg) << isa_name(isa) << " " << dtype_name(type) << " tokens=" << n_tokens;
      EXPECT_EQ(u, eu);
    }
  }
}

TEST(MatmulFusedTest, MismatchedShapesAreRefused) {
  const TestMatrix a(DType::kF32, 4, 64, 1), b(DType::kF32, 4, 32, 2), c(DType::kF32, 8, 64, 3);
  ThreadPool pool(1);
  std::vector<float> x(64), y1(4), y2(8);
  const MatmulOutput outs[2] = {{&a.view, y1.data()}, {&b.view, y2.data()}};
  EXPECT_DEATH(matmul_fused(outs, x.data(), 1, pool), "differ in cols");
  EXPECT_DEATH(matmul_silu_gate(a.view, c.view, x.data(), y1.data(), y2.data(), 1, pool), "differ in shape");
}

std::string param_name(const ::testing::TestParamInfo<std::tuple<Isa, DType>>& info) {
  return std::string(isa_name(std::get<0>(info.param))) + "_" + std::string(dtype_name(std::get<1>(info.param)));
}

INSTANTIATE_TEST_SUITE_P(AllPaths, MatmulTest,
                         ::testing::Combine(::testing::ValuesIn(supported_isas()),
                                            ::testing::Values(DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0,
                                                              DType::kQ4_0, DType::kQ4_K, DType::kQ6_K)),
                         param_name);

TEST(MatmulDispatchTest, GenericIsAlwaysSupportedAndActiveIsSupported) {
  const std::vector<Isa> isas = supported_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.front(), Isa::kGeneric);
  EXPECT_NE(std::find(isas.begin(), isas.end(), active_isa()), isas.end());
  EXPECT_EQ(isa_from_name("avx2"), Isa::kAvx2);
  EXPECT_EQ(isa_from_name("avx512"), Isa::kAvx512);
  EXPECT_EQ(isa_from_name("generic"), Isa::kGeneric);
  EXPECT_FALSE(isa_from_name("sse9").has_value());
}

TEST(MatmulDispatchTest, HirelmIsaValueSelectsASupportedPath) {
  const std::vector<Isa> isas = supported_isas();
  EXPECT_EQ(select_isa(""), isas.back());
  EXPECT_EQ(select_isa("generic"), Isa::kGeneric);
  EXPECT_EQ(select_isa("no-such-isa"), isas.back());
  for (Isa isa : {Isa::kAvx2, Isa::kAvx512}) {
    const bool has = std::find(isas.begin(), isas.end(), isa) != isas.end();
    EXPECT_EQ(select_isa(isa_name(isa)), has ? isa : isas.back());
  }
}

// cpuid's answer agrees with the kernel's own list of CPU flags: the AVX2 path needs avx2, fma and f16c, the
// AVX-512 one also avx512f, avx512bw, avx512vl, avx512_vnni and avx512_bf16 (an independent reading of the
// same hardware; the OS's ZMM state is assumed enabled wherever the kernel lists avx512f).
TEST(MatmulDispatchTest, SupportedPathsFollowTheCpuFlags) {
  std::ifstream in("/proc/cpuinfo");
  if (!in) GTEST_SKIP() << "no /proc/cpuinfo";
  std::string line;
  std::set<std::string> flags;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    for (std::string w; words >> w;) flags.insert(w);
    break;
  }
  if (flags.empty()) GTEST_SKIP() << "/proc/cpuinfo lists no flags";
  const auto has = [&](std::initializer_list<const char*> names) {
    return std::all_of(names.begin(), names.end(), [&](const char* n) { return flags.count(n) > 0; });
  };
  const std::vector<Isa> isas = supported_isas();
  const auto supported = [&](Isa isa) { return std::find(isas.begin(), isas.end(), isa) != isas.end(); };
  const bool avx2 = has({"avx2", "fma", "f16c"});
  const bool avx512 = avx2 && has({"avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16"});
#if defined(__x86_64__)
  EXPECT_EQ(supported(Isa::kAvx2), avx2);
#if defined(HIRELM_TEST_AVX512_BUILT)
  EXPECT_EQ(supported(Isa::kAvx512), avx512);
#else
  EXPECT_FALSE(supported(Isa::kAvx512));  // a compiler without -mavx512bf16 builds no AVX-512 path
#endif
#else
  EXPECT_FALSE(supported(Isa::kAvx2));
  EXPECT_FALSE(supported(Isa::kAvx512));
#endif
}

TEST(MatmulTest, GetRowReturnsTheDequantizedRow) {
  const std::vector<float> w_f32 = gaussian(3 * 256, 9, 1.0f);
  std::vector<uint8_t> bytes(dtype_row_bytes(DType::kQ6_K, 256) * 3);
  for (int r = 0; r < 3; ++r) quantize_row(DType::kQ6_K, &w_f32[r * 256], &bytes[r * 210], 256);
  const MatrixView w = make_matrix_view(DType::kQ6_K, bytes.data(), 3, 256);
  std::vector<float> row(256), expected(256);
  get_row(w, 2, row.data());
  dequantize_row(DType::kQ6_K, &bytes[2 * 210], expected.data(), 256);
  EXPECT_EQ(row, expected);
}

}  // namespace
}  // namespace hirelm::kernels
