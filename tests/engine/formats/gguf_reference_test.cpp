// Reads the llama.cpp-written tiny-qwen2 GGUF files and checks every tensor's name, type and shape
// against the table in /work/shared/reference/tiny-qwen2/README.md.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine/formats/gguf.h"
#include "support/reference.h"
#include "util/error.h"

namespace hirelm::formats {
namespace {

constexpr uint64_t kVocab = 1024, kEmbd = 256, kKv = 128, kFf = 768;

struct Expected {
  std::vector<uint64_t> ne;
  bool is_matrix;
};

// Shape A, GGML order (ne[0] innermost = the input dim of a weight matrix).
std::map<std::string, Expected> shape_a_tensors() {
  std::map<std::string, Expected> m;
  m["token_embd.weight"] = {{kEmbd, kVocab}, true};
  m["output_norm.weight"] = {{kEmbd}, false};
  m["output.weight"] = {{kEmbd, kVocab}, true};
  for (int i = 0; i < 2; ++i) {
    std::string b = "blk." + std::to_string(i) + ".";
    m[b + "attn_norm.weight"] = {{kEmbd}, false};
    m[b + "attn_q.weight"] = {{kEmbd, kEmbd}, true};
    m[b + "attn_q.bias"] = {{kEmbd}, false};
    m[b + "attn_k.weight"] = {{kEmbd, kKv}, true};
    m[b + "attn_k.bias"] = {{kKv}, false};
    m[b + "attn_v.weight"] = {{kEmbd, kKv}, true};
    m[b + "attn_v.bias"] = {{kKv}, false};
    m[b + "attn_output.weight"] = {{kEmbd, kEmbd}, true};
    m[b + "ffn_norm.weight"] = {{kEmbd}, false};
    m[b + "ffn_gate.weight"] = {{kEmbd, kFf}, true};
    m[b + "ffn_up.weight"] = {{kEmbd, kFf}, true};
    m[b + "ffn_down.weight"] = {{kFf, kEmbd}, true};
  }
  return m;
}

// The type llama.cpp chose for a 2-D tensor of each file (README "How the weights were made").
DType matrix_type(const std::string& file, const std::string& name) {
  if (file == "F32") return DType::kF32;
  if (file == "F16") return DType::kF16;
  if (file == "BF16") return DType::kBF16;
  if (file == "Q8_0") return DType::kQ8_0;
  if (file == "Q4_0") return name == "output.weight" ? DType::kQ6_K : DType::kQ4_0;
  // Q4_K_M
  if (name == "output.weight" || name == "blk.1.attn_v.weight" || name == "blk.1.ffn_down.weight") return DType::kQ6_K;
  return DType::kQ4_K;
}

class GgufReferenceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GgufReferenceTest, EveryTensorMatchesTheReadme) {
  HIRELM_REQUIRE_REFERENCE();
  const std::string dtype = GetParam();
  const std::string path = test::reference_path("tiny-qwen2/gguf/tiny-qwen2-A-" + dtype + ".gguf");
  GgufFile g = GgufFile::open(path);
  EXPECT_EQ(g.version(), 3u);
  EXPECT_EQ(g.get_string("general.architecture"), "qwen2");
  EXPECT_EQ(g.get_int("qwen2.embedding_length"), 256);
  EXPECT_EQ(g.get_int("qwen2.block_count"), 2);
  EXPECT_EQ(g.get_int("qwen2.attention.head_count"), 4);
  EXPECT_EQ(g.get_int("qwen2.attention.head_count_kv"), 2);
  EXPECT_NEAR(g.get_float("qwen2.attention.layer_norm_rms_epsilon"), 1e-6, 1e-12);
  EXPECT_EQ(g.get_string_array("tokenizer.ggml.tokens").size(), kVocab);
  EXPECT_EQ(g.get_int("tokenizer.ggml.eos_token_id"), 1023);

  auto expected = shape_a_tensors();
  ASSERT_EQ(g.tensors().size(), expected.size());
  const uint8_t* lowest = nullptr;
  for (const GgufTensorInfo& t : g.tensors()) {
    SCOPED_TRACE(t.name);
    auto it = expected.find(t.name);
    ASSERT_NE(it, expected.end()) << "unexpected tensor";
    EXPECT_EQ(t.ne, it->second.ne);
    DType want = it->second.is_matrix ? matrix_type(dtype, t.name) : DType::kF32;
    EXPECT_EQ(dtype_name(t.type), dtype_name(want));
    uint64_t n = 1;
    for (uint64_t d : t.ne) n *= d;
    EXPECT_EQ(t.n_elements, n);
    EXPECT_EQ(t.n_bytes, dtype_row_bytes(t.type, t.ne[0]) * (n / t.ne[0]));
    EXPECT_EQ(g.find_tensor(t.name), &t);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data) % g.alignment(), 0u);  // the map is page-aligned
    if (lowest == nullptr || t.data < lowest) lowest = t.data;
  }
  EXPECT_EQ(g.find_tensor("blk.2.attn_q.weight"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, GgufReferenceTest,
                         ::testing::Values("F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K_M"));

TEST(GgufReference, RealVocabFileHasTheR1Tokenizer) {
  HIRELM_REQUIRE_REFERENCE();
  GgufFile g = GgufFile::open(test::reference_path("tiny-qwen2/gguf/tiny-qwen2-R-F16.gguf"));
  const auto& tokens = g.get_string_array("tokenizer.ggml.tokens");
  ASSERT_EQ(tokens.size(), 151936u);
  EXPECT_EQ(tokens[151646], "<｜begin▁of▁sentence｜>");
  EXPECT_EQ(tokens[151643], "<｜end▁of▁sentence｜>");
  EXPECT_EQ(g.get_int_array("tokenizer.ggml.token_type").size(), 151936u);
  EXPECT_EQ(g.get_string_array("tokenizer.ggml.merges").size(), 151387u);
  EXPECT_EQ(g.get_int("tokenizer.ggml.bos_token_id"), 151646);
  EXPECT_TRUE(g.get_bool("tokenizer.ggml.add_bos_token"));
  EXPECT_NE(g.get_string("tokenizer.chat_template").find("<｜Assistant｜>"), std::string::npos);
  const GgufTensorInfo* embd = g.find_tensor("token_embd.weight");
  ASSERT_NE(embd, nullptr);
  EXPECT_EQ(embd->ne, (std::vector<uint64_t>{64, 151936}));
  EXPECT_EQ(embd->type, DType::kF16);
}

TEST(GgufReference, TypedGettersReportMissingAndWrongTypes) {
  HIRELM_REQUIRE_REFERENCE();
  const std::string path = test::reference_path("tiny-qwen2/gguf/tiny-qwen2-A-F32.gguf");
  GgufFile g = GgufFile::open(path);
  EXPECT_FALSE(g.find_int("no.such.key").has_value());
  try {
    g.get_int("no.such.key");
    FAIL() << "expected an error";
  } catch (const InvalidInputError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": metadata 'no.such.key' missing");
  }
  try {
    g.get_int("general.architecture");
    FAIL() << "expected an error";
  } catch (const InvalidInputError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": metadata 'general.architecture' has type string, expected an integer");
  }
  EXPECT_THROW(g.get_string_array("tokenizer.ggml.token_type"), InvalidInputError);
}

}  // namespace
}  // namespace hirelm::formats
