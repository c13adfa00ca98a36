// The AVX-512 matmul path (matmul_avx512.cpp) compiled against SIMDe's portable AVX-512, so that every line of
// it runs against matmul_reference on any x86-64 CPU with AVX2, including ones without AVX-512 (where the
// native path is never selected). On an AVX-512 machine kernels_test runs the native build of the same code.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/kernels/isa.h"
#include "engine/kernels/matmul_check.h"
#include "engine/kernels/matmul_paths.h"

namespace hirelm::kernels {
namespace {

namespace emu = detail::emulated;

// y for every token and row of w on the emulated path, the rows split at `split` (two calls, as two chunks of
// matmul.cpp would be: each has its own strided tiles and remainder rows).
std::vector<float> emulated_matmul(const MatrixView& w, const std::vector<float>& x, int64_t n_tokens, int64_t split) {
  std::vector<uint8_t> prepared(emu::avx512_prepared_bytes(w.type, w.cols, n_tokens));
  // Prepared in two token ranges, as the threads of matmul.cpp do.
  const int64_t half = n_tokens / 2;
  emu::avx512_prepare(w.type, x.data(), w.cols, 0, half, prepared.data());
  emu::avx512_prepare(w.type, x.data(), w.cols, half, n_tokens, prepared.data());
  std::vector<float> y(static_cast<size_t>(n_tokens * w.rows), NAN);
  const void* p = prepared.empty() ? nullptr : prepared.data();
  emu::matmul_rows_avx512(w, x.data(), p, y.data(), n_tokens, 0, split);
  emu::matmul_rows_avx512(w, x.data(), p, y.data(), n_tokens, split, w.rows);
  return y;
}

ActivationRounding rounding_of(DType type) {
  if (type == DType::kBF16) return ActivationRounding::kBf16;
  if (type == DType::kF32 || type == DType::kF16) return ActivationRounding::kNone;
  return ActivationRounding::kInt8Blocks;
}

// The emulation runs on the AVX2 build of SIMDe (and the AVX2 half of the path is native).
class Avx512Emulated : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::vector<Isa> isas = supported_isas();
    if (std::find(isas.begin(), isas.end(), Isa::kAvx2) == isas.end()) GTEST_SKIP() << "needs an AVX2 CPU";
  }
};

class Avx512EmulatedTest : public Avx512Emulated, public ::testing::WithParamInterface<DType> {};

TEST_P(Avx512EmulatedTest, MatchesReference) {
  const DType type = GetParam();
  const int64_t block = dtype_traits(type).block_elements;
  struct Shape {
    int64_t rows, cols, split;
  };
  std::vector<Shape> shapes = {{1, 256, 1}, {7, 256, 3}, {33, 512, 16}, {67, 768, 40}};
  if (block == 32) shapes.push_back({9, 352, 4});  // 11 blocks: a partial group of 8
  if (block == 1) {
    shapes.push_back({5, 37, 2});    // a tail of 5 columns: the masked loads
    shapes.push_back({19, 100, 8});  // 3 full vectors of 32 and a tail of 4
  }
  for (const Shape& s : shapes) {
    for (int64_t n_tokens : {1, 2, 3, 4, 6, 9}) {
      const uint32_t seed = static_cast<uint32_t>(s.rows * 131 + s.cols + n_tokens);
      const std::vector<uint8_t> w_bytes = random_weights(type, s.rows, s.cols, seed);
      std::vector<float> x = gaussian(static_cast<size_t>(n_tokens * s.cols), seed + 1, 1.0f);
      x[0] = 9.0f;
      const MatrixView w = make_matrix_view(type, w_bytes.data(), s.rows, s.cols);
      const std::vector<float> y = emulated_matmul(w, x, n_tokens, s.split);
      expect_matches_reference(w, x.data(), y.data(), n_tokens, rounding_of(type), "avx512 (emulated)");
      if (HasFatalFailure()) return;
    }
  }
}

TEST_P(Avx512EmulatedTest, RelativeRmsErrorIsSmall) {
  const DType type = GetParam();
  const int64_t rows = 40, cols = 1536, n_tokens = 5;
  const std::vector<uint8_t> w_bytes = random_weights(type, rows, cols, 5);
  const std::vector<float> x = gaussian(static_cast<size_t>(n_tokens * cols), 6, 1.0f);
  const MatrixView w = make_matrix_view(type, w_bytes.data(), rows, cols);
  const std::vector<float> y = emulated_matmul(w, x, n_tokens, 20);
  EXPECT_LE(relative_rms_error(w, x.data(), y.data(), n_tokens),
            rounding_of(type) == ActivationRounding::kNone ? 1e-6 : 0.01)
      << dtype_name(type);
}

// The int8 dot products are exact on both paths (vpdpbusd, or maddubs + madd, which cannot saturate on these
// operands), and each (row, token) output sums its blocks in the same order whatever the tile's row count: the
// quantized types give the AVX2 path's results bit for bit.
TEST_F(Avx512Emulated, QuantizedTypesEqualTheAvx2PathBitForBit) {
  const int64_t rows = 45, cols = 768;
  for (DType type : {DType::kQ8_0, DType::kQ4_0, DType::kQ4_K, DType::kQ6_K}) {
    const std::vector<uint8_t> w_bytes = random_weights(type, rows, cols, 41);
    const MatrixView w = make_matrix_view(type, w_bytes.data(), rows, cols);
    for (int64_t n_tokens : {1, 7}) {
      const std::vector<float> x = gaussian(static_cast<size_t>(n_tokens * cols), 42, 1.0f);
      std::vector<uint8_t> prepared(detail::avx2_prepared_bytes(type, cols, n_tokens));
      detail::avx2_prepare(type, x.data(), cols, 0, n_tokens, prepared.data());
      std::vector<float> expected(static_cast<size_t>(n_tokens * rows));
      detail::matmul_rows_avx2(w, x.data(), prepared.data(), expected.data(), n_tokens, 0, rows);
      EXPECT_EQ(emulated_matmul(w, x, n_tokens, rows), expected) << dtype_name(type) << " tokens=" << n_tokens;
    }
  }
}

TEST_F(Avx512Emulated, BF16ActivationsAreRoundedToNearestEven) {
  const int64_t cols = 64;
  std::vector<float> x(cols);
  for (int64_t c = 0; c < cols; ++c) x[c] = 1.0f + static_cast<float>(c) * 0x1p-10f;  // between bf16 values
  std::vector<uint16_t> prepared(static_cast<size_t>(cols));
  ASSERT_EQ(emu::avx512_prepared_bytes(DType::kBF16, cols, 1), cols * sizeof(uint16_t));
  emu::avx512_prepare(DType::kBF16, x.data(), cols, 0, 1, prepared.data());
  for (int64_t c = 0; c < cols; ++c) EXPECT_EQ(prepared[c], f32_to_bf16(x[c])) << c;
  EXPECT_EQ(emu::avx512_prepared_bytes(DType::kF16, cols, 3), 0u);
}

std::string name(const ::testing::TestParamInfo<DType>& info) { return std::string(dtype_name(info.param)); }

INSTANTIATE_TEST_SUITE_P(AllTypes, Avx512EmulatedTest,
                         ::testing::Values(DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0, DType::kQ4_0,
                                           DType::kQ4_K, DType::kQ6_K),
                         name);

}  // namespace
}  // namespace hirelm::kernels
