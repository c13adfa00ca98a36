// Every matmul path this CPU supports, for every dtype, against matmul_reference (f64 accumulation of the
// exactly dequantized weights). Float-activation paths must agree to f32 rounding; paths that quantize the
// activations to int8 blocks must stay inside the bound that quantization implies.
#include "engine/kernels/matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/isa.h"
#include "engine/kernels/ops.h"
#include "engine/kernels/quantize.h"

namespace hirelm::kernels {
namespace {

struct Shape {
  int64_t rows;
  int64_t cols;
};

std::vector<float> gaussian(size_t n, uint32_t seed, float stddev) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

bool quantizes_activations(Isa isa, DType type) {
  return isa != Isa::kGeneric &&
         (type == DType::kQ8_0 || type == DType::kQ4_0 || type == DType::kQ4_K || type == DType::kQ6_K);
}

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
        const std::vector<float> w_f32 = gaussian(static_cast<size_t>(shape.rows * shape.cols), seed, 0.06f);
        std::vector<float> x = gaussian(static_cast<size_t>(n_tokens * shape.cols), seed + 1, 1.0f);
        x[0] = 9.0f;  // one outlier, as real activations have, widens its quantization block
        std::vector<uint8_t> w_bytes(dtype_row_bytes(type, static_cast<uint64_t>(shape.cols)) *
                                     static_cast<size_t>(shape.rows));
        const size_t row_bytes = dtype_row_bytes(type, static_cast<uint64_t>(shape.cols));
        for (int64_t r = 0; r < shape.rows; ++r) {
          quantize_row(type, w_f32.data() + r * shape.cols, w_bytes.data() + static_cast<size_t>(r) * row_bytes,
                       shape.cols);
        }
        const MatrixView w = make_matrix_view(type, w_bytes.data(), shape.rows, shape.cols);
        std::vector<float> expected(static_cast<size_t>(n_tokens * shape.rows));
        std::vector<float> got(expected.size(), NAN);
        matmul_reference(w, x.data(), expected.data(), n_tokens);
        matmul_with_isa(isa, w, x.data(), got.data(), n_tokens, pool);

        // Error bounds per output from the data: sum |w||x| scales f32 rounding; activation quantization
        // moves each x by at most half its block's step (amax/127/2).
        std::vector<float> w_deq(static_cast<size_t>(shape.cols));
        for (int64_t r = 0; r < shape.rows; ++r) {
          get_row(w, r, w_deq.data());
          for (int64_t t = 0; t < n_tokens; ++t) {
            const float* xt = x.data() + t * shape.cols;
            double abs_dot = 0;
            double quant_bound = 0;
            for (int64_t c0 = 0; c0 < shape.cols; c0 += 32) {
              const int64_t c1 = std::min(shape.cols, c0 + 32);
              double amax = 0;
              for (int64_t c = c0; c < c1; ++c) amax = std::max(amax, std::fabs(static_cast<double>(xt[c])));
              for (int64_t c = c0; c < c1; ++c) {
                abs_dot += std::fabs(static_cast<double>(w_deq[static_cast<size_t>(c)]) * xt[c]);
                quant_bound += std::fabs(w_deq[static_cast<size_t>(c)]) * amax / 127.0 * 0.5;
              }
            }
            double bound = 1e-5 * abs_dot + 1e-30;
            if (quantizes_activations(isa, type)) bound += quant_bound * 1.001;
            const size_t i = static_cast<size_t>(t * shape.rows + r);
            ASSERT_LE(std::fabs(static_cast<double>(got[i]) - expected[i]), bound)
                << isa_name(isa) << " " << dtype_name(type) << " rows=" << shape.rows << " cols=" << shape.cols
                << " tokens=" << n_tokens << " threads=" << n_threads << " r=" << r << " t=" << t;
          }
        }
      }
    }
  }
}

// The activation-quantized paths must also be close to the reference on average (the bound above is the
// worst case; a systematic error such as a wrong scale would still pass a loose per-value bound on some data).
TEST_P(MatmulTest, RelativeRmsErrorIsSmall) {
  const auto [isa, type] = GetParam();
  const int64_t rows = 96, cols = 1536, n_tokens = 5;
  const std::vector<float> w_f32 = gaussian(static_cast<size_t>(rows * cols), 5, 0.06f);
  const std::vector<float> x = gaussian(static_cast<size_t>(n_tokens * cols), 6, 1.0f);
  const size_t row_bytes = dtype_row_bytes(type, cols);
  std::vector<uint8_t> w_bytes(row_bytes * rows);
  for (int64_t r = 0; r < rows; ++r) quantize_row(type, &w_f32[r * cols], &w_bytes[r * row_bytes], cols);
  const MatrixView w = make_matrix_view(type, w_bytes.data(), rows, cols);
  std::vector<float> expected(static_cast<size_t>(rows * n_tokens)), got(expected.size());
  matmul_reference(w, x.data(), expected.data(), n_tokens);
  ThreadPool pool(2);
  matmul_with_isa(isa, w, x.data(), got.data(), n_tokens, pool);
  double num = 0, den = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    num += (got[i] - static_cast<double>(expected[i])) * (got[i] - static_cast<double>(expected[i]));
    den += static_cast<double>(expected[i]) * expected[i];
  }
  const double rel = std::sqrt(num / den);
  EXPECT_LE(rel, quantizes_activations(isa, type) ? 0.01 : 1e-6) << isa_name(isa) << " " << dtype_name(type);
}

// A [rows, cols] matrix of `type` from N(0, 0.06) values.
struct TestMatrix {
  std::vector<uint8_t> bytes;
  MatrixView view;
  TestMatrix(DType type, int64_t rows, int64_t cols, uint32_t seed) {
    const std::vector<float> f = gaussian(static_cast<size_t>(rows * cols), seed, 0.06f);
    const size_t row_bytes = dtype_row_bytes(type, static_cast<uint64_t>(cols));
    bytes.resize(row_bytes * static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) quantize_row(type, &f[r * cols], &bytes[r * row_bytes], cols);
    view = make_matrix_view(type, bytes.data(), rows, cols);
  }
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
  EXPECT_EQ(isa_from_name("generic"), Isa::kGeneric);
  EXPECT_FALSE(isa_from_name("sse9").has_value());
}

TEST(MatmulDispatchTest, HirelmIsaValueSelectsASupportedPath) {
  const std::vector<Isa> isas = supported_isas();
  EXPECT_EQ(select_isa(""), isas.back());
  EXPECT_EQ(select_isa("generic"), Isa::kGeneric);
  EXPECT_EQ(select_isa("no-such-isa"), isas.back());
  const bool has_avx2 = std::find(isas.begin(), isas.end(), Isa::kAvx2) != isas.end();
  EXPECT_EQ(select_isa("avx2"), has_avx2 ? Isa::kAvx2 : isas.back());
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
