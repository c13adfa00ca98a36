// The element-wise and row-wise ops against straightforward double-precision formulas.
#include "engine/kernels/ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace hirelm::kernels {
namespace {

std::vector<float> gaussian(size_t n, uint32_t seed, float stddev = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

TEST(OpsTest, RmsnormMatchesFormulaAndMayAlias) {
  const int64_t n = 1536;
  const std::vector<float> x = gaussian(n, 1, 3.0f);
  std::vector<float> weight = gaussian(n, 2, 0.1f);
  for (auto& w : weight) w += 1.0f;
  double ss = 0;
  for (float v : x) ss += static_cast<double>(v) * v;
  const double scale = 1.0 / std::sqrt(ss / n + 1e-6);
  std::vector<float> out(n);
  rmsnorm(x.data(), weight.data(), out.data(), n, 1e-6f);
  for (int64_t i = 0; i < n; ++i) {
    const double expected = x[i] * scale * weight[i];
    ASSERT_NEAR(out[i], expected, 1e-6 * std::fabs(expected) + 1e-7) << i;
  }
  std::vector<float> in_place = x;
  rmsnorm(in_place.data(), weight.data(), in_place.data(), n, 1e-6f);
  EXPECT_EQ(in_place, out);
}

TEST(OpsTest, RopeNeoxRotatesHalvesByPositionTimesFrequency) {
  const int64_t n_heads = 3, head_dim = 128;
  const float theta = 10000.0f;
  for (int64_t pos : {0, 1, 7, 4095, 131071}) {
    const std::vector<float> x = gaussian(n_heads * head_dim, static_cast<uint32_t>(pos + 5));
    std::vector<float> y = x;
    rope_neox(y.data(), n_heads, head_dim, pos, theta);
    for (int64_t h = 0; h < n_heads; ++h) {
      for (int64_t i = 0; i < head_dim / 2; ++i) {
        const double angle = pos * std::pow(10000.0, -2.0 * i / head_dim);
        const double a = x[h * head_dim + i], b = x[h * head_dim + i + head_dim / 2];
        ASSERT_NEAR(y[h * head_dim + i], a * std::cos(angle) - b * std::sin(angle), 2e-6) << pos << " " << i;
        ASSERT_NEAR(y[h * head_dim + i + head_dim / 2], a * std::sin(angle) + b * std::cos(angle), 2e-6);
      }
    }
  }
}

TEST(OpsTest, RopeAtPositionZeroIsIdentity) {
  const std::vector<float> x = gaussian(2 * 64, 3);
  std::vector<float> y = x;
  rope_neox(y.data(), 2, 64, 0, 10000.0f);
  EXPECT_EQ(x, y);
}

TEST(OpsTest, SiluMulMatchesFormulaAndMayAlias) {
  const int64_t n = 1000;
  const std::vector<float> gate = gaussian(n, 4, 4.0f);
  const std::vector<float> up = gaussian(n, 5);
  std::vector<float> out(n);
  silu_mul(gate.data(), up.data(), out.data(), n);
  for (int64_t i = 0; i < n; ++i) {
    const double g = gate[i];
    const double expected = g / (1.0 + std::exp(-g)) * up[i];
    ASSERT_NEAR(out[i], expected, 1e-6 * std::fabs(expected) + 1e-7) << i;
  }
  std::vector<float> aliased = gate;
  silu_mul(aliased.data(), up.data(), aliased.data(), n);
  EXPECT_EQ(aliased, out);
  // Large negative gates must give 0, not NaN.
  const float big_gate[2] = {-1000.0f, 1000.0f};
  const float ones[2] = {1.0f, 1.0f};
  float big_out[2];
  silu_mul(big_gate, ones, big_out, 2);
  EXPECT_EQ(big_out[0], 0.0f);
  EXPECT_EQ(big_out[1], 1000.0f);
}

TEST(OpsTest, AddAccumulates) {
  std::vector<float> x = gaussian(77, 6);
  const std::vector<float> y = gaussian(77, 7);
  const std::vector<float> before = x;
  add(x.data(), y.data(), 77);
  for (int i = 0; i < 77; ++i) ASSERT_EQ(x[i], before[i] + y[i]);
}

TEST(OpsTest, SoftmaxMatchesFormulaAndIsStableForLargeValues) {
  std::vector<float> x = gaussian(300, 8, 5.0f);
  x[17] = 80.0f;  // exp(80) overflows f32 without the max subtraction
  double max = -INFINITY;
  for (float v : x) max = std::max(max, static_cast<double>(v));
  double sum = 0;
  for (float v : x) sum += std::exp(v - max);
  std::vector<float> y = x;
  softmax(y.data(), 300);
  double total = 0;
  for (int i = 0; i < 300; ++i) {
    const double expected = std::exp(x[i] - max) / sum;
    ASSERT_NEAR(y[i], expected, 1e-6 * expected + 1e-12) << i;
    total += y[i];
  }
  EXPECT_NEAR(total, 1.0, 1e-5);
  float masked[3] = {-INFINITY, 0.0f, -INFINITY};
  softmax(masked, 3);
  EXPECT_EQ(masked[0], 0.0f);
  EXPECT_EQ(masked[1], 1.0f);
}

}  // namespace
}  // namespace hirelm::kernels
