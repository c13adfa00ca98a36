// Our (de)quantization against files llama.cpp made (tests/.../tiny-qwen2 reference GGUFs, all quantized from
// one F32 master): dequantizing every 2-D tensor must land near the master (a wrong block layout lands far
// from it), our Q8_0 / Q4_0 / F16 / BF16 quantizers must reproduce llama.cpp's bytes exactly, and our Q4_K /
// Q6_K quantizers must be about as accurate as llama.cpp's.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "engine/formats/gguf.h"
#include "engine/kernels/quantize.h"
#include "support/reference.h"

namespace hirelm::kernels {
namespace {

using formats::GgufFile;
using formats::GgufTensorInfo;

std::string gguf_path(const std::string& dtype) {
  return test::reference_path("tiny-qwen2/gguf/tiny-qwen2-A-" + dtype + ".gguf");
}

std::vector<float> dequantize_tensor(const GgufTensorInfo& t) {
  const int64_t cols = static_cast<int64_t>(t.ne[0]);
  const int64_t rows = static_cast<int64_t>(t.n_elements) / cols;
  const size_t row_bytes = dtype_row_bytes(t.type, static_cast<uint64_t>(cols));
  std::vector<float> out(t.n_elements);
  for (int64_t r = 0; r < rows; ++r) dequantize_row(t.type, t.data + r * row_bytes, &out[r * cols], cols);
  return out;
}

std::vector<uint8_t> quantize_tensor(DType type, const std::vector<float>& values, int64_t cols) {
  const int64_t rows = static_cast<int64_t>(values.size()) / cols;
  const size_t row_bytes = dtype_row_bytes(type, static_cast<uint64_t>(cols));
  std::vector<uint8_t> out(row_bytes * static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) quantize_row(type, &values[r * cols], &out[r * row_bytes], cols);
  return out;
}

double relative_rms(const std::vector<float>& approx, const std::vector<float>& exact) {
  double num = 0, den = 0;
  for (size_t i = 0; i < exact.size(); ++i) {
    num += (static_cast<double>(approx[i]) - exact[i]) * (static_cast<double>(approx[i]) - exact[i]);
    den += static_cast<double>(exact[i]) * exact[i];
  }
  return std::sqrt(num / den);
}

// Relative RMS error of llama.cpp's quantization of N(0, 0.06) weights is ~0.4% (Q8_0), ~8.5% (Q4_0),
// ~7% (Q4_K), ~2% (Q6_K); these bounds sit a little above and far below what a layout error gives (~100%+).
double max_relative_rms(DType type) {
  switch (type) {
    case DType::kF16: return 1e-3;
    case DType::kBF16: return 5e-3;
    case DType::kQ8_0: return 0.01;
    case DType::kQ4_0: return 0.11;
    case DType::kQ4_K: return 0.09;
    case DType::kQ6_K: return 0.03;
    default: return 0.0;
  }
}

class ReferenceDequantTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceDequantTest, EveryMatrixMatchesTheMasterAndOurQuantizer) {
  HIRELM_REQUIRE_REFERENCE();
  const GgufFile master = GgufFile::open(gguf_path("F32"));
  const GgufFile file = GgufFile::open(gguf_path(GetParam()));
  std::map<DType, int> seen;
  for (const GgufTensorInfo& t : file.tensors()) {
    if (t.ne.size() < 2) continue;
    const GgufTensorInfo* m = master.find_tensor(t.name);
    ASSERT_NE(m, nullptr) << t.name;
    ASSERT_EQ(m->type, DType::kF32);
    ASSERT_EQ(m->n_elements, t.n_elements);
    const int64_t cols = static_cast<int64_t>(t.ne[0]);
    std::vector<float> exact(m->n_elements);
    std::memcpy(exact.data(), m->data, exact.size() * sizeof(float));
    const std::vector<float> ours = dequantize_tensor(t);
    ++seen[t.type];
    const double err = relative_rms(ours, exact);
    EXPECT_LE(err, max_relative_rms(t.type)) << t.name << " " << dtype_name(t.type);

    const std::vector<uint8_t> requantized = quantize_tensor(t.type, exact, cols);
    ASSERT_EQ(requantized.size(), t.n_bytes) << t.name;
    if (t.type == DType::kQ8_0 || t.type == DType::kQ4_0 || t.type == DType::kF16 || t.type == DType::kBF16) {
      // llama.cpp's reference rounding: byte-identical.
      EXPECT_EQ(std::memcmp(requantized.data(), t.data, t.n_bytes), 0) << t.name << " " << dtype_name(t.type);
    } else {
      // K-quants: our own quantizer, within 10% of llama.cpp's error on the same weights.
      std::vector<float> our_values(exact.size());
      const size_t row_bytes = dtype_row_bytes(t.type, static_cast<uint64_t>(cols));
      for (size_t r = 0; r < exact.size() / static_cast<size_t>(cols); ++r) {
        dequantize_row(t.type, &requantized[r * row_bytes], &our_values[r * static_cast<size_t>(cols)], cols);
      }
      EXPECT_LE(relative_rms(our_values, exact), 1.10 * err) << t.name << " " << dtype_name(t.type);
    }
  }
  EXPECT_FALSE(seen.empty());
  if (GetParam() == "Q4_K_M") {
    EXPECT_GT(seen[DType::kQ4_K], 0);
    EXPECT_GT(seen[DType::kQ6_K], 0);
  }
}

INSTANTIATE_TEST_SUITE_P(TinyQwen2, ReferenceDequantTest,
                         ::testing::Values("F16", "BF16", "Q8_0", "Q4_0", "Q4_K_M"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace hirelm::kernels
