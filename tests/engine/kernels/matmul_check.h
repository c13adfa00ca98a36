// Checks of a matmul result against matmul_reference, shared by the matmul tests of every path (the native
// ones in matmul_test.cpp, the emulated AVX-512 one in matmul_avx512_emulated_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/matmul.h"
#include "engine/kernels/quantize.h"

namespace hirelm::kernels {

inline std::vector<float> gaussian(size_t n, uint32_t seed, float stddev) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// `rows` rows of `type` quantized from N(0, 0.06) values.
inline std::vector<uint8_t> random_weights(DType type, int64_t rows, int64_t cols, uint32_t seed) {
  const std::vector<float> f = gaussian(static_cast<size_t>(rows * cols), seed, 0.06f);
  const size_t row_bytes = dtype_row_bytes(type, static_cast<uint64_t>(cols));
  std::vector<uint8_t> bytes(row_bytes * static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) quantize_row(type, &f[r * cols], &bytes[r * row_bytes], cols);
  return bytes;
}

// Every output of `got` (y = x W^T for n_tokens tokens) against matmul_reference, with an error bound per
// output from the data: sum |w||x| scales f32 rounding; int8 activation blocks move each x by at most half
// its block's step (amax/127/2); bf16 moves each x by at most 2^-8 |x|.
inline void expect_matches_reference(const MatrixView& w, const float* x, const float* got, int64_t n_tokens,
                                     ActivationForm form, const std::string& what) {
  std::vector<float> expected(static_cast<size_t>(n_tokens * w.rows));
  matmul_reference(w, x, expected.data(), n_tokens);
  std::vector<float> w_deq(static_cast<size_t>(w.cols));
  for (int64_t r = 0; r < w.rows; ++r) {
    get_row(w, r, w_deq.data());
    for (int64_t t = 0; t < n_tokens; ++t) {
      const float* xt = x + t * w.cols;
      double abs_dot = 0;
      double int8_bound = 0;
      for (int64_t c0 = 0; c0 < w.cols; c0 += 32) {
        const int64_t c1 = std::min(w.cols, c0 + 32);
        double amax = 0;
        for (int64_t c = c0; c < c1; ++c) amax = std::max(amax, std::fabs(static_cast<double>(xt[c])));
        for (int64_t c = c0; c < c1; ++c) {
          abs_dot += std::fabs(static_cast<double>(w_deq[static_cast<size_t>(c)]) * xt[c]);
          int8_bound += std::fabs(w_deq[static_cast<size_t>(c)]) * amax / 127.0 * 0.5;
        }
      }
      double bound = 1e-5 * abs_dot + 1e-30;
      if (form == ActivationForm::kInt8Blocks) bound += int8_bound * 1.001;
      if (form == ActivationForm::kBf16) bound += abs_dot * std::ldexp(1.0, -8);
      const size_t i = static_cast<size_t>(t * w.rows + r);
      ASSERT_LE(std::fabs(static_cast<double>(got[i]) - expected[i]), bound)
          << what << " " << dtype_name(w.type) << " rows=" << w.rows << " cols=" << w.cols << " tokens=" << n_tokens
          << " r=" << r << " t=" << t;
    }
  }
}

// The relative RMS error of got against the reference: a systematic error (a wrong scale) that a loose
// per-value bound would let through on some data still shows here.
inline double relative_rms_error(const MatrixView& w, const float* x, const float* got, int64_t n_tokens) {
  std::vector<float> expected(static_cast<size_t>(n_tokens * w.rows));
  matmul_reference(w, x, expected.data(), n_tokens);
  double num = 0, den = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    num += (got[i] - static_cast<double>(expected[i])) * (got[i] - static_cast<double>(expected[i]));
    den += static_cast<double>(expected[i]) * expected[i];
  }
  return std::sqrt(num / den);
}

}  // namespace hirelm::kernels
