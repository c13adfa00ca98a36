// Config parsing and loading failures: wrong architecture, missing tensors, wrong shapes and dtypes all
// end in typed errors that name the file, the tensor or field, and expected vs actual.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "engine/formats/gguf.h"
#include "engine/model/qwen2_model.h"
#include "support/reference.h"
#include "support/tiny_model.h"
#include "util/error.h"

namespace hirelm::test {
namespace {

using formats::GgufType;

// Copies a GGUF file, letting `edit_meta` change string metadata and `edit_tensor` drop (return false)
// or reshape tensors. Handles the value types model_writer emits.
void rewrite_gguf(const std::string& src, const std::string& dst,
                  const std::function<void(const std::string&, std::string&)>& edit_meta,
                  const std::function<bool(formats::GgufTensorInfo&)>& edit_tensor) {
  auto in = formats::GgufFile::open(src);
  formats::GgufWriter out;
  for (const auto& [key, v] : in.metadata()) {
    switch (v.type) {
      case GgufType::kString: {
        std::string s = v.s;
        if (edit_meta) edit_meta(key, s);
        out.set_string(key, s);
        break;
      }
      case GgufType::kUint32: out.set_uint32(key, static_cast<uint32_t>(v.i)); break;
      case GgufType::kFloat32: out.set_float32(key, static_cast<float>(v.f)); break;
      default: break;
    }
  }
  for (auto t : in.tensors()) {
    if (edit_tensor && !edit_tensor(t)) continue;
    out.add_tensor(t.name, t.type, t.ne, t.data, static_cast<size_t>(t.n_bytes));
  }
  out.write(dst);
}

std::string load_error(const std::string& path, model::LoadOptions opts = {}) {
  try {
    model::Qwen2Model::load(path, opts);
  } catch (const InvalidInputError& e) {
    return e.what();
  }
  return "no error";
}

class LoadErrors : public ::testing::Test {
 protected:
  void SetUp() override { good_ = write_tiny_gguf(spec_, model::WeightScheme::kF32, dir_.file("good.gguf")); }
  TempDir dir_;
  TinyModelSpec spec_;
  std::string good_;
};

TEST_F(LoadErrors, GoodFileLoadsWithItsConfig) {
  auto m = model::Qwen2Model::load(good_);
  EXPECT_TRUE(m.config() == spec_.config());
  EXPECT_NE(m.config().describe().find("n_heads_kv = 2"), std::string::npos);
}

TEST_F(LoadErrors, WrongArchitecture) {
  std::string bad = dir_.file("llama.gguf");
  rewrite_gguf(good_, bad, [](const std::string& key, std::string& v) { if (key == "general.architecture") v = "llama"; }, {});
  std::string msg = load_error(bad);
  EXPECT_NE(msg.find("'llama', expected 'qwen2'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(bad), std::string::npos) << msg;
}

TEST_F(LoadErrors, MissingTensor) {
  std::string bad = dir_.file("missing.gguf");
  rewrite_gguf(good_, bad, {}, [](formats::GgufTensorInfo& t) { return t.name != "blk.1.ffn_up.weight"; });
  std::string msg = load_error(bad);
  EXPECT_NE(msg.find("tensor 'blk.1.ffn_up.weight' missing"), std::string::npos) << msg;
}

TEST_F(LoadErrors, WrongShape) {
  std::string bad = dir_.file("shape.gguf");
  rewrite_gguf(good_, bad, {}, [](formats::GgufTensorInfo& t) {
    if (t.name == "blk.0.attn_k.weight") t.ne = {32, 64};  // same bytes, transposed
    return true;
  });
  std::string msg = load_error(bad);
  EXPECT_NE(msg.find("'blk.0.attn_k.weight' has shape [32, 64], expected [64, 32]"), std::string::npos) << msg;
}

TEST_F(LoadErrors, QuantizedNormIsRejected) {
  std::string q = write_tiny_gguf(spec_, model::WeightScheme::kQ8_0, dir_.file("q8.gguf"));
  auto file = formats::GgufFile::open(q);
  const auto* t = file.find_tensor("blk.0.attn_q.weight");
  ASSERT_NE(t, nullptr);
  std::string bad = dir_.file("qnorm.gguf");
  // Swap the F32 norm for Q8_0 bytes of the right element count.
  rewrite_gguf(q, bad, {}, [&](formats::GgufTensorInfo& info) {
    if (info.name == "output_norm.weight") {
      info.type = DType::kQ8_0;
      info.data = t->data;
      info.n_bytes = dtype_row_bytes(DType::kQ8_0, info.ne[0]);
    }
    return true;
  });
  std::string msg = load_error(bad);
  EXPECT_NE(msg.find("'output_norm.weight' has dtype Q8_0, expected F32"), std::string::npos) << msg;
}

TEST_F(LoadErrors, HfDirectoryErrors) {
  std::string hf = write_tiny_hf(spec_, DType::kBF16, dir_.file("hf"));
  auto config = nlohmann::json::parse(std::ifstream(hf + "/config.json"));
  config["architectures"] = {"LlamaForCausalLM"};
  config["model_type"] = "llama";
  std::ofstream(hf + "/config.json") << config.dump();
  std::string msg = load_error(hf);
  EXPECT_NE(msg.find("LlamaForCausalLM"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected [\"Qwen2ForCausalLM\"]"), std::string::npos) << msg;

  config["architectures"] = {"Qwen2ForCausalLM"};
  config["model_type"] = "qwen2";
  config["intermediate_size"] = 96;  // the tensors say 128
  std::ofstream(hf + "/config.json") << config.dump();
  msg = load_error(hf);
  EXPECT_NE(msg.find("'model.layers.0.mlp.gate_proj.weight' has shape [128, 64], expected [96, 64]"), std::string::npos)
      << msg;

  config["intermediate_size"] = 128;
  config.erase("num_attention_heads");
  std::ofstream(hf + "/config.json") << config.dump();
  msg = load_error(hf);
  EXPECT_NE(msg.find("field 'num_attention_heads' missing"), std::string::npos) << msg;
}

TEST_F(LoadErrors, TiedHfModelWithoutLmHeadLoadsAndUntiedOneNeedsIt) {
  TinyModelSpec tied = spec_;
  tied.tied = true;
  std::string hf = write_tiny_hf(tied, DType::kF32, dir_.file("tied"));
  EXPECT_TRUE(model::Qwen2Model::load(hf).config().tied_output);
  auto config = nlohmann::json::parse(std::ifstream(hf + "/config.json"));
  config["tie_word_embeddings"] = false;
  std::ofstream(hf + "/config.json") << config.dump();
  EXPECT_NE(load_error(hf).find("tensor 'lm_head.weight' missing"), std::string::npos);
}

TEST(Qwen2Config, ValidationNamesTheField) {
  TinyModelSpec spec;
  auto c = spec.config();
  c.n_heads_kv = 3;
  try {
    c.validate("cfg");
    FAIL() << "no error";
  } catch (const InvalidInputError& e) {
    EXPECT_NE(std::string(e.what()).find("n_heads = 4 is not a multiple of n_heads_kv = 3"), std::string::npos) << e.what();
  }
  c = spec.config();
  c.rms_eps = 0;
  EXPECT_THROW(c.validate("cfg"), InvalidInputError);
}

TEST(Qwen2Config, HfJsonRoundTrip) {
  TinyModelSpec spec;
  spec.tied = true;
  auto c = spec.config();
  auto back = model::Qwen2Config::from_hf_json(c.to_hf_json(), "mem");
  EXPECT_TRUE(back == c);
  EXPECT_EQ(c.n_params(), 320 * 64 + 64 + 2 * (2 * 64 + 64 * (64 + 64) + 64 + 64 + 64 * 64 + 3 * 64 * 128));
}

TEST(Qwen2Config, RealModelConfigJson) {
  HIRELM_REQUIRE_REFERENCE();
  auto c = model::Qwen2Config::from_hf_file(reference_path("deepseek-r1-distill-qwen-1.5b/config.json"));
  EXPECT_EQ(c.n_layers, 28);
  EXPECT_EQ(c.n_embd, 1536);
  EXPECT_EQ(c.n_heads, 12);
  EXPECT_EQ(c.n_heads_kv, 2);
  EXPECT_EQ(c.head_dim, 128);
  EXPECT_EQ(c.n_ff, 8960);
  EXPECT_EQ(c.n_vocab, 151936);
  EXPECT_FALSE(c.tied_output);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_NEAR(static_cast<double>(c.n_params()) / 1e9, 1.78, 0.01);
}

}  // namespace
}  // namespace hirelm::test
