// describe_model_file: what `hirelm model info` prints.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/formats/describe.h"
#include "engine/formats/gguf.h"
#include "engine/formats/safetensors.h"
#include "engine/formats/temp_dir.h"
#include "support/reference.h"
#include "util/error.h"

namespace hirelm::formats {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(Describe, GgufShowsVersionMetadataAndTensors) {
  test::TempDir dir;
  GgufWriter w;
  w.set_string("general.architecture", "qwen2");
  w.set_string_array("tokenizer.ggml.tokens", {"a", "b", "c", "d", "e", "f", "g"});
  w.set_int32_array("tokenizer.ggml.token_type", {1, 1, 3});
  std::vector<uint8_t> data(34 * 4);
  w.add_tensor("blk.0.attn_q.weight", DType::kQ8_0, {64, 2}, data.data(), data.size());
  const std::string path = dir.file("m.gguf");
  w.write(path);
  const std::string text = describe_model_file(path);
  EXPECT_TRUE(contains(text, "GGUF version 3, alignment 32")) << text;
  EXPECT_TRUE(contains(text, "general.architecture (string) = \"qwen2\"")) << text;
  EXPECT_TRUE(contains(text, "tokenizer.ggml.tokens (array) = array[string] (7 items): \"a\", \"b\", \"c\", \"d\", \"e\", ..."))
      << text;
  EXPECT_TRUE(contains(text, "array[int32] (3 items): 1, 1, 3")) << text;
  EXPECT_TRUE(contains(text, "blk.0.attn_q.weight  Q8_0  [64, 2]  136")) << text;
  EXPECT_TRUE(contains(text, "1 tensors, 136 bytes")) << text;
}

TEST(Describe, SafetensorsDirectoryShowsConfigAndTensors) {
  test::TempDir dir;
  SafetensorsWriter w;
  std::vector<uint8_t> data(24);
  w.add_tensor("lm_head.weight", DType::kBF16, {3, 4}, data.data(), data.size());
  w.write(dir.file("model.safetensors"));
  dir.write("config.json", R"({"model_type": "qwen2", "hidden_size": 4})");
  const std::string text = describe_model_file(dir.path());
  EXPECT_TRUE(contains(text, "hidden_size = 4")) << text;
  EXPECT_TRUE(contains(text, "lm_head.weight  BF16  [3, 4]  24")) << text;
}

TEST(Describe, ReferenceQ4KFileListsItsMixedTypes) {
  HIRELM_REQUIRE_REFERENCE();
  const std::string text = describe_model_file(test::reference_path("tiny-qwen2/gguf/tiny-qwen2-A-Q4_K_M.gguf"));
  EXPECT_TRUE(contains(text, "blk.1.ffn_down.weight")) << text;
  EXPECT_TRUE(contains(text, "Q6_K")) << text;
  EXPECT_TRUE(contains(text, "27 tensors")) << text;
}

TEST(Describe, MissingPathIsNotFound) {
  EXPECT_THROW(describe_model_file("/nonexistent/model.gguf"), NotFoundError);
}

}  // namespace
}  // namespace hirelm::formats
