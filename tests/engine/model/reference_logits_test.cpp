// Every llama.cpp reference in tiny-qwen2/logits/ and every exact-math reference in logits-fp64/,
// within the tolerances of tiny-qwen2/README.md ("Recommended test tolerances"), each compared with
// the reference for the SAME file; plus the Hugging Face twins of the F32 and BF16 files. Prints the
// max abs difference per file (the table for the release notes).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "engine/kernels/isa.h"
#include "engine/kernels/matmul.h"
#include "engine/model/reference_forward.h"
#include "model_test_util.h"
#include "support/reference.h"

namespace hirelm::test {
namespace {

struct Reference {
  std::string model;  // "tiny-qwen2-A-Q4_K_M"
  std::string dtype;  // "Q4_K_M"
  std::vector<int32_t> ids;
  int64_t n_vocab = 0;
  std::vector<float> logits;  // [n_positions, n_vocab]: every position when given, else the last
  bool all_positions = false;
};

Reference read_reference(const std::string& path) {
  std::ifstream in(path);
  auto j = nlohmann::json::parse(in);
  Reference r;
  r.model = j.at("model").get<std::string>();
  r.dtype = r.model.substr(r.model.rfind('-') + 1);
  r.ids = j.at("ids").get<std::vector<int32_t>>();
  r.n_vocab = j.at("n_vocab").get<int64_t>();
  if (j.contains("logits_all")) {
    for (const auto& row : j["logits_all"]) {
      for (const auto& v : row) r.logits.push_back(v.get<float>());
    }
    r.all_positions = true;
  } else {
    r.logits = j.at("logits_last").get<std::vector<float>>();
  }
  return r;
}

// "Recommended test tolerances": engine vs logits/ (llama.cpp) and vs logits-fp64/ (exact math). An
// engine that rounds activations (our SIMD paths for quantized weights, and for BF16 on AVX-512, as llama.cpp
// does) gets the llama.cpp column against fp64 too, as the README allows.
double tolerance(const std::string& dtype, bool fp64) {
  static const std::map<std::string, double> llama = {{"F32", 1e-3}, {"F16", 2e-2}, {"BF16", 0.15},
                                                      {"Q8_0", 0.6}, {"Q4_0", 0.6}, {"Q4_K_M", 0.8}};
  // The quantized files (Q8_0, Q4_0, Q4_K_M) all round the activations the same way: Q8_0 stands for them.
  const DType weights = dtype == "F32" ? DType::kF32 : dtype == "F16" ? DType::kF16 : dtype == "BF16" ? DType::kBF16
                                                                                                        : DType::kQ8_0;
  if (fp64 && !kernels::rounds_activations(kernels::active_isa(), weights)) return 1e-3;
  return llama.at(dtype);
}

struct Comparison {
  double max_abs = 0;
  int argmax_checked = 0;
  int argmax_agree = 0;
};

// Max abs over all compared logits; argmax agreement where the reference's top1-top2 margin exceeds
// 2x the tolerance (elsewhere a flip is within noise).
Comparison compare(const std::vector<float>& got, const Reference& ref, double tol) {
  Comparison c;
  c.max_abs = max_abs_diff(got, ref.logits);
  size_t V = static_cast<size_t>(ref.n_vocab);
  for (size_t p = 0; p * V < ref.logits.size(); ++p) {
    const float* r = &ref.logits[p * V];
    const float* g = &got[p * V];
    size_t best = 0, second = 1;
    if (r[second] > r[best]) std::swap(best, second);
    for (size_t i = 2; i < V; ++i) {
      if (r[i] > r[best]) second = best, best = i;
      else if (r[i] > r[second]) second = i;
    }
    if (r[best] - r[second] <= 2 * tol) continue;
    ++c.argmax_checked;
    size_t g_best = static_cast<size_t>(std::max_element(g, g + V) - g);
    c.argmax_agree += g_best == best;
  }
  return c;
}

std::vector<std::string> reference_files(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(reference_path(dir))) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// Engine logits for the reference's positions, from `model_path` (a GGUF or an HF dir).
std::vector<float> engine_logits(const std::string& model_path, const Reference& ref, std::optional<DType> dtype) {
  model::LoadOptions opts;
  opts.dtype = dtype;
  auto m = model::Qwen2Model::load(model_path, opts);
  auto all = run_prompt(m, ref.ids);
  if (ref.all_positions) return all;
  return {all.end() - ref.n_vocab, all.end()};
}

void check_file(const std::string& json_path, bool fp64, const std::string& model_path, std::optional<DType> dtype,
                const std::string& label) {
  Reference ref = read_reference(json_path);
  double tol = tolerance(ref.dtype, fp64);
  std::vector<float> got = engine_logits(model_path, ref, dtype);
  ASSERT_EQ(got.size(), ref.logits.size()) << json_path;
  Comparison c = compare(got, ref, tol);
  std::printf("REFERENCE %-5s %-44s %-14s max_abs %.3g (tol %g) argmax %d/%d\n", fp64 ? "fp64" : "llama",
              std::filesystem::path(json_path).filename().c_str(), label.c_str(), c.max_abs, tol, c.argmax_agree,
              c.argmax_checked);
  EXPECT_LE(c.max_abs, tol) << json_path << " vs " << model_path;
  EXPECT_EQ(c.argmax_agree, c.argmax_checked) << json_path << " vs " << model_path;
}

class ReferenceLogits : public ::testing::TestWithParam<bool> {};

TEST_P(ReferenceLogits, EveryGgufFile) {
  HIRELM_REQUIRE_REFERENCE();
  bool fp64 = GetParam();
  auto files = reference_files(fp64 ? "tiny-qwen2/logits-fp64" : "tiny-qwen2/logits");
  ASSERT_EQ(files.size(), 22u);
  for (const auto& f : files) {
    std::string model = read_reference(f).model;
    check_file(f, fp64, reference_path("tiny-qwen2/gguf/" + model + ".gguf"), std::nullopt, "gguf");
  }
}

TEST_P(ReferenceLogits, HuggingFaceTwins) {
  HIRELM_REQUIRE_REFERENCE();
  bool fp64 = GetParam();
  for (const auto& f : reference_files(fp64 ? "tiny-qwen2/logits-fp64" : "tiny-qwen2/logits")) {
    std::string model = read_reference(f).model;
    if (model == "tiny-qwen2-A-F32") {
      check_file(f, fp64, reference_path("tiny-qwen2/hf/tiny-qwen2-A-hf-f32"), DType::kF32, "hf-f32");
    } else if (model == "tiny-qwen2-A-BF16") {
      check_file(f, fp64, reference_path("tiny-qwen2/hf/tiny-qwen2-A-hf-bf16"), DType::kBF16, "hf-bf16");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Both, ReferenceLogits, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? std::string("Fp64") : std::string("LlamaCpp"); });

// The scalar reference forward itself reproduces the exact-math logits of every file to 1e-3: the
// sharp test of dequantization and of the math the optimized pass is compared against.
TEST(ReferenceForward, MatchesExactMathForEveryFile) {
  HIRELM_REQUIRE_REFERENCE();
  for (const auto& f : reference_files("tiny-qwen2/logits-fp64")) {
    Reference ref = read_reference(f);
    auto m = model::Qwen2Model::load(reference_path("tiny-qwen2/gguf/" + ref.model + ".gguf"));
    auto got = model::reference_forward(m.config(), m.weights(), ref.ids, ref.all_positions);
    double diff = max_abs_diff(got, ref.logits);
    std::printf("REFERENCE fp64  %-44s %-14s max_abs %.3g\n", std::filesystem::path(f).filename().c_str(),
                "scalar-ref", diff);
    EXPECT_LE(diff, 1e-3) << f;
  }
}

}  // namespace
}  // namespace hirelm::test
