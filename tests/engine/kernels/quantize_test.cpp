// Conversions between f32 and the stored dtypes: exact half-precision rounding, known block encodings,
// and round-trip error bounds of our quantizers.
#include "engine/kernels/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "engine/kernels/block_formats.h"

namespace hirelm::kernels {
namespace {

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// The value of a half computed independently of the implementation under test.
double half_value(uint16_t h) {
  const int sign = (h & 0x8000) ? -1 : 1;
  const int exp = (h >> 10) & 0x1F;
  const int mant = h & 0x3FF;
  if (exp == 0) return sign * std::ldexp(mant, -24);
  if (exp == 31) return mant ? NAN : sign * INFINITY;
  return sign * std::ldexp(1024 + mant, exp - 25);
}

TEST(HalfTest, EveryHalfConvertsExactlyAndRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = f16_to_f32(static_cast<uint16_t>(h));
    const double expected = half_value(static_cast<uint16_t>(h));
    if (std::isnan(expected)) {
      ASSERT_TRUE(std::isnan(f)) << h;
      ASSERT_TRUE(std::isnan(f16_to_f32(f32_to_f16(f)))) << h;
      continue;
    }
    ASSERT_EQ(static_cast<double>(f), expected) << h;
    ASSERT_EQ(f32_to_f16(f), h) << h;
  }
}

// Rounding to nearest even, checked against the two neighbouring halves for many random floats in range.
TEST(HalfTest, RoundsToNearestEven) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> any_bits(0, 0x477FEFFFu);  // |f| below the overflow threshold
  for (int i = 0; i < 200000; ++i) {
    const float f = from_bits(any_bits(rng) | (i & 1 ? 0x80000000u : 0));
    const uint16_t h = f32_to_f16(f);
    const double got = half_value(h);
    const double err = std::fabs(got - f);
    // Neighbours of h (towards and away from zero) must not be strictly closer.
    for (int delta : {-1, 1}) {
      const int n = static_cast<int>(h & 0x7FFF) + delta;
      if (n < 0 || n > 0x7BFF) continue;
      const double other = half_value(static_cast<uint16_t>((h & 0x8000) | n));
      const double other_err = std::fabs(other - f);
      ASSERT_LE(err, other_err) << f;
      if (err == other_err) {
        ASSERT_EQ(h & 1, 0) << "tie not to even: " << f;
      }
    }
  }
  EXPECT_EQ(f32_to_f16(65504.0f), 0x7BFF);
  EXPECT_EQ(f32_to_f16(65519.99f), 0x7BFF);
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7C00);  // tie with an odd max rounds up to inf
  EXPECT_EQ(f32_to_f16(-1e9f), 0xFC00);
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -25)), 0x0000);  // exact tie between 0 and the smallest subnormal
  EXPECT_EQ(f32_to_f16(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_TRUE(std::isnan(f16_to_f32(f32_to_f16(NAN))));
}

TEST(BF16Test, RoundsToNearestEvenAndKeepsNaN) {
  EXPECT_EQ(f32_to_bf16(1.0f), 0x3F80);
  EXPECT_EQ(f32_to_bf16(from_bits(0x3F808000u)), 0x3F80);  // tie, even stays
  EXPECT_EQ(f32_to_bf16(from_bits(0x3F818000u)), 0x3F82);  // tie, odd rounds up
  EXPECT_EQ(f32_to_bf16(from_bits(0x3F808001u)), 0x3F81);
  EXPECT_EQ(f32_to_bf16(from_bits(0x7F7FFFFFu)), 0x7F80);  // max float rounds to inf
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(from_bits(0x7F800001u)))));  // NaN with a low payload stays NaN
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = bf16_to_f32(static_cast<uint16_t>(h));
    ASSERT_EQ(bits(f), h << 16);
    if (!std::isnan(f)) {
      ASSERT_EQ(f32_to_bf16(f), h);
    }
  }
}

TEST(DequantizeTest, Q8_0KnownBlock) {
  BlockQ8_0 b{};
  b.d = f32_to_f16(0.5f);
  for (int i = 0; i < 32; ++i) b.qs[i] = static_cast<int8_t>(i * 8 - 128);
  float out[32];
  dequantize_row(DType::kQ8_0, &b, out, 32);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(out[i], 0.5f * static_cast<float>(i * 8 - 128));
}

TEST(DequantizeTest, Q4_0KnownBlock) {
  BlockQ4_0 b{};
  b.d = f32_to_f16(0.25f);
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  float out[32];
  dequantize_row(DType::kQ4_0, &b, out, 32);
  for (int j = 0; j < 16; ++j) {
    EXPECT_EQ(out[j], 0.25f * static_cast<float>(j - 8));
    EXPECT_EQ(out[j + 16], 0.25f * static_cast<float>(7 - j));
  }
}

// Hand-packed Q4_K block: every sub-block j gets scale sc=j+1 (sub-blocks 4..7 use the split 6-bit encoding)
// and min m=2j+60 (so the top bits are exercised), and q = position % 16.
TEST(DequantizeTest, Q4_KKnownBlock) {
  BlockQ4_K b{};
  b.d = f32_to_f16(0.5f);
  b.dmin = f32_to_f16(0.125f);
  uint8_t sc[8], mn[8];
  for (int j = 0; j < 8; ++j) {
    sc[j] = static_cast<uint8_t>(j < 4 ? j + 1 : j + 45);
    mn[j] = static_cast<uint8_t>(j < 4 ? 2 * j + 3 : 2 * j + 40);
  }
  for (int j = 0; j < 4; ++j) {
    b.scales[j] = static_cast<uint8_t>(sc[j] | ((sc[j + 4] >> 4) << 6));
    b.scales[j + 4] = static_cast<uint8_t>(mn[j] | ((mn[j + 4] >> 4) << 6));
    b.scales[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4));
  }
  auto q_of = [](int e) { return (e * 7 + 3) % 16; };
  for (int c = 0; c < 4; ++c) {
    for (int l = 0; l < 32; ++l) b.qs[32 * c + l] = static_cast<uint8_t>(q_of(64 * c + l) | (q_of(64 * c + 32 + l) << 4));
  }
  float out[256];
  dequantize_row(DType::kQ4_K, &b, out, 256);
  for (int e = 0; e < 256; ++e) {
    const int j = e / 32;
    const float expected = 0.5f * sc[j] * static_cast<float>(q_of(e)) - 0.125f * mn[j];
    ASSERT_FLOAT_EQ(out[e], expected) << e;
  }
}

TEST(DequantizeTest, Q6_KKnownBlock) {
  BlockQ6_K b{};
  b.d = f32_to_f16(0.0625f);
  for (int s = 0; s < 16; ++s) b.scales[s] = static_cast<int8_t>(s * 9 - 70);
  auto q_of = [](int e) { return (e * 37 + 11) % 64; };
  for (int e = 0; e < 256; ++e) {
    const int h = e / 128, g = (e % 128) / 32, l = e % 32;
    const int q = q_of(e);
    uint8_t& low = b.ql[64 * h + 32 * (g & 1) + l];
    low = static_cast<uint8_t>(low | ((q & 0xF) << (g >= 2 ? 4 : 0)));
    b.qh[32 * h + l] = static_cast<uint8_t>(b.qh[32 * h + l] | ((q >> 4) << (2 * g)));
  }
  float out[256];
  dequantize_row(DType::kQ6_K, &b, out, 256);
  for (int e = 0; e < 256; ++e) {
    const float expected = 0.0625f * static_cast<float>(b.scales[e / 16]) * static_cast<float>(q_of(e) - 32);
    ASSERT_FLOAT_EQ(out[e], expected) << e;
  }
}

std::vector<float> gaussian(size_t n, uint32_t seed, float stddev = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

double relative_rms_error(const std::vector<float>& a, const std::vector<float>& b) {
  double num = 0, den = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    num += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
    den += static_cast<double>(a[i]) * a[i];
  }
  return std::sqrt(num / den);
}

std::vector<float> round_trip(DType type, const std::vector<float>& x) {
  std::vector<uint8_t> q(dtype_row_bytes(type, x.size()));
  quantize_row(type, x.data(), q.data(), static_cast<int64_t>(x.size()));
  std::vector<float> y(x.size());
  dequantize_row(type, q.data(), y.data(), static_cast<int64_t>(x.size()));
  return y;
}

// Relative RMS error bounds for Gaussian data: about the step size over sqrt(12) relative to the spread.
TEST(QuantizeTest, RoundTripErrorIsBounded) {
  const std::vector<float> x = gaussian(256 * 64, 11, 0.06f);
  struct Case {
    DType type;
    double max_rel_rms;
  };
  for (const Case& c : {Case{DType::kF32, 0.0}, Case{DType::kF16, 3e-4}, Case{DType::kBF16, 3e-3},
                        Case{DType::kQ8_0, 0.01}, Case{DType::kQ4_0, 0.12}, Case{DType::kQ4_K, 0.09},
                        Case{DType::kQ6_K, 0.025}}) {
    const double err = relative_rms_error(x, round_trip(c.type, x));
    EXPECT_LE(err, c.max_rel_rms) << dtype_name(c.type);
    if (c.type != DType::kF32) {
      EXPECT_GT(err, 0.0) << dtype_name(c.type);
    }
  }
}

// Quantized values never move further than half a step, except where the K-quants' shared 6/8-bit scales
// make a sub-block's step coarser; and every value stays within the block's range.
TEST(QuantizeTest, Q8_0AndQ4_0FollowTheReferenceRule) {
  const std::vector<float> x = gaussian(32 * 50, 3);
  std::vector<BlockQ8_0> q8(50);
  quantize_row(DType::kQ8_0, x.data(), q8.data(), 32 * 50);
  std::vector<BlockQ4_0> q4(50);
  quantize_row(DType::kQ4_0, x.data(), q4.data(), 32 * 50);
  for (int b = 0; b < 50; ++b) {
    float amax = 0, max = 0;
    for (int i = 0; i < 32; ++i) {
      if (std::fabs(x[32 * b + i]) > amax) {
        amax = std::fabs(x[32 * b + i]);
        max = x[32 * b + i];
      }
    }
    EXPECT_EQ(q8[b].d, f32_to_f16(amax / 127.0f));
    EXPECT_EQ(q4[b].d, f32_to_f16(max / -8.0f));
    const float id = 127.0f / amax;
    for (int i = 0; i < 32; ++i) {
      EXPECT_LE(std::fabs(q8[b].qs[i] - x[32 * b + i] * id), 0.5f + 1e-4f);
    }
    // The extreme value maps to nibble 0 (i.e. -8).
    for (int i = 0; i < 32; ++i) {
      if (x[32 * b + i] == max) {
        const int nib = i < 16 ? (q4[b].qs[i] & 0xF) : (q4[b].qs[i - 16] >> 4);
        EXPECT_EQ(nib, 0);
      }
    }
  }
}

TEST(QuantizeTest, ZerosAndConstantsSurvive) {
  for (DType type : {DType::kF16, DType::kBF16, DType::kQ8_0, DType::kQ4_0, DType::kQ4_K, DType::kQ6_K}) {
    const std::vector<float> zeros(512, 0.0f);
    for (float v : round_trip(type, zeros)) ASSERT_EQ(v, 0.0f) << dtype_name(type);
    const std::vector<float> ones(512, 1.0f);
    for (float v : round_trip(type, ones)) ASSERT_NEAR(v, 1.0f, 0.02f) << dtype_name(type);
  }
}

}  // namespace
}  // namespace hirelm::kernels
