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
  const ActivationForm form = activation_form(Isa::kAvx512, w.type);
  std::vector<uint8_t> prepared(detail::prepared_bytes(form, w.cols, n_tokens));
  // Prepared in two token ranges, as the threads of matmul.cpp do.
  const int64_t half = n_tokens / 2;
  detail::prepare_activations(form, x.data(), w.cols, 0, half, prepared.data());
  detail::prepare_activations(form, x.data(), w.cols, half, n_tokens, prepared.data());
  std::vector<float> y(static_cast<size_t>(n_tokens * w.rows), NAN);
  const void* p = prepared.empty() ? nullptr : prepared.data();
  emu::matmul_rows_avx512(w, x.data(), p, y.data(), n_tokens, 0, split);
  emu::matmul_rows_avx512(w, x.data(), p, y.data(), n_tokens, split, w.rows);
  return y;
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
      expect_matches_reference(w, x.data(), y.data(), n_tokens, activation_form(Isa::kAvx512, type), "avx512 (emulated)");
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
            activation_form(Isa::kAvx512, type) == ActivationForm::kF32 ? 1e-6 : 0.01)
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
      std::vector<uint8_t> prepared(detail::prepared_bytes(ActivationForm::kInt8Blocks, cols, n_tokens));
      detail::prepare_activations(ActivationForm::kInt8Blocks, x.data(), cols, 0, n_tokens, prepared.data());
      std::vector<float> expected(static_cast<size_t>(n_tokens * rows));
      detail::matmul_rows_avx2(w, x.data(), prepared.data(), expected.data(), n_tokens, 0, rows);
      EXPECT_EQ(emulated_matmul(w, x, n_tokens, rows), expected) << dtype_name(type) << " tokens=" << n_tokens;
    }
  }
}

// Values 1 + c / 1024 lie between bf16 neighbours 1 + k / 128 (7 fraction bits): each rounds to the nearest,
// the ties (c % 8 == 4) to the even k.
TEST_F(Avx512Emulated, BF16ActivationsAreRoundedToNearestEven) {
  const int64_t cols = 64;
  std::vector<float> x(cols);
  for (int64_t c = 0; c < cols; ++c) x[c] = 1.0f + static_cast<float>(c) * 0x1p-10f;
  ASSERT_EQ(detail::prepared_bytes(ActivationForm::kBf16, cols, 1), cols * sizeof(uint16_t));
  std::vector<uint16_t> prepared(static_cast<size_t>(cols));
  detail::prepare_activations(ActivationForm::kBf16, x.data(), cols, 0, 1, prepared.data());
  for (int64_t c = 0; c < cols; ++c) {
    const int64_t below = c / 8, rest = c % 8;
    const int64_t k = rest > 4 || (rest == 4 && below % 2 == 1) ? below + 1 : below;
    EXPECT_EQ(prepared[c], 0x3F80 + k) << c;  // 0x3F80 is bf16 1.0
  }
  EXPECT_EQ(detail::prepared_bytes(ActivationForm::kF32, cols, 3), 0u);
}

std::string name(const ::testing::TestParamInfo<DType>& info) { return std::string(dtype_name(info.param)); }

INSTANTIATE_TEST_SUITE_P(AllTypes, Avx512EmulatedTest,
                         ::testing::Values(DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0, DType::kQ4_0,
                                           DType::kQ4_K, DType::kQ6_K),
                         name);

}  // namespace
}  // namespace hirelm::kernels
