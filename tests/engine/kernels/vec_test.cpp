// Every path's vector primitives against double-precision formulas, for lengths around the vector widths.
#include "engine/kernels/vec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/quantize.h"

namespace hirelm::kernels {
namespace {

std::vector<float> gaussian(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

std::vector<uint16_t> to_f16(const std::vector<float>& v) {
  std::vector<uint16_t> h(v.size());
  for (size_t i = 0; i < v.size(); ++i) h[i] = f32_to_f16(v[i]);
  return h;
}

class VecTest : public ::testing::TestWithParam<Isa> {};

const int64_t kLengths[] = {0, 1, 7, 8, 9, 16, 31, 33, 128, 1000};

TEST_P(VecTest, DotProductsMatchDouble) {
  const VecKernels& k = vec_kernels(GetParam());
  for (int64_t n : kLengths) {
    const std::vector<float> a = gaussian(static_cast<size_t>(n), 1), b = gaussian(static_cast<size_t>(n), 2);
    const std::vector<uint16_t> ah = to_f16(a);
    double expected = 0, expected_h = 0, abs_sum = 0;
    for (int64_t i = 0; i < n; ++i) {
      expected += static_cast<double>(a[i]) * b[i];
      expected_h += static_cast<double>(f16_to_f32(ah[i])) * b[i];
      abs_sum += std::fabs(static_cast<double>(a[i]) * b[i]);
    }
    EXPECT_NEAR(k.dot(a.data(), b.data(), n), expected, 1e-6 * abs_sum + 1e-12) << n;
    EXPECT_NEAR(k.dot_f16(ah.data(), b.data(), n), expected_h, 1e-6 * abs_sum + 1e-12) << n;
  }
}

TEST_P(VecTest, AxpyAndScaleMatchFormula) {
  const VecKernels& k = vec_kernels(GetParam());
  for (int64_t n : kLengths) {
    const std::vector<float> x = gaussian(static_cast<size_t>(n), 3), y0 = gaussian(static_cast<size_t>(n), 4);
    const std::vector<uint16_t> xh = to_f16(x);
    std::vector<float> y = y0, yh = y0, s = y0;
    k.axpy(0.75f, x.data(), y.data(), n);
    k.axpy_f16(-1.5f, xh.data(), yh.data(), n);
    k.scale(s.data(), 3.0f, n);
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_NEAR(y[i], y0[i] + 0.75 * x[i], 1e-6 * (std::fabs(y0[i]) + std::fabs(x[i])));
      ASSERT_NEAR(yh[i], y0[i] - 1.5 * f16_to_f32(xh[i]), 1e-6 * (std::fabs(y0[i]) + 2 * std::fabs(x[i])));
      ASSERT_EQ(s[i], y0[i] * 3.0f);
    }
  }
}

TEST_P(VecTest, HalfRowConversionsMatchScalar) {
  const VecKernels& k = vec_kernels(GetParam());
  for (int64_t n : kLengths) {
    std::vector<float> x = gaussian(static_cast<size_t>(n), 5);
    for (auto& v : x) v *= 30000.0f;  // spread over many exponents, some beyond the half range (-> inf)
    std::vector<uint16_t> h(static_cast<size_t>(n));
    std::vector<float> back(static_cast<size_t>(n));
    k.f32_to_f16_row(x.data(), h.data(), n);
    k.f16_to_f32_row(h.data(), back.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_EQ(h[i], f32_to_f16(x[i])) << x[i];
      ASSERT_EQ(back[i], f16_to_f32(h[i]));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllPaths, VecTest, ::testing::ValuesIn(supported_isas()),
                         [](const ::testing::TestParamInfo<Isa>& p) { return std::string(isa_name(p.param)); });

TEST(VecDispatchTest, ActiveTableIsTheActivePathsTable) { EXPECT_EQ(&vec(), &vec_kernels(active_isa())); }

}  // namespace
}  // namespace hirelm::kernels
