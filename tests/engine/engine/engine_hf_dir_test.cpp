// Engine::load on a Hugging Face directory built in-process: a tiny random Qwen2 with the real
// vocabulary size, next to the real DeepSeek-R1-Distill tokenizer, tokenizer_config.json (chat template)
// and generation_config.json. Checks that the defaults come from generation_config.json and that the
// chat path opens the reasoning block.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/engine.h"
#include "support/reference.h"
#include "support/tiny_model.h"

namespace hirelm::engine {
namespace {

namespace fs = std::filesystem;

class EngineHfDir : public ::testing::Test {
 protected:
  void SetUp() override {
    HIRELM_REQUIRE_REFERENCE();
    test::TinyModelSpec spec;
    spec.n_vocab = 151936;  // the real vocabulary, so the real tokenizer fits
    spec.n_embd = 16;
    spec.n_ff = 32;
    spec.n_heads = 2;
    spec.n_heads_kv = 1;
    test::write_tiny_hf(spec, DType::kBF16, dir_.path());
    for (const char* name : {"tokenizer.json", "tokenizer_config.json", "generation_config.json"}) {
      fs::copy_file(test::reference_path(std::string("deepseek-r1-distill-qwen-1.5b/") + name), dir_.file(name));
    }
  }
  test::TempDir dir_;
};

TEST_F(EngineHfDir, DefaultsComeFromGenerationConfigAndChatOpensReasoning) {
  EngineOptions options;
  options.threads = 1;
  options.ctx = 64;
  options.dtype = DType::kF32;  // a directory would default to Q8_0, which needs widths that are multiples of 32
  Engine engine = Engine::load(dir_.path(), options);
  EXPECT_DOUBLE_EQ(engine.defaults().sampling.temperature, 0.6);
  EXPECT_DOUBLE_EQ(engine.defaults().sampling.top_p, 0.95);
  EXPECT_EQ(engine.defaults().eos_ids, std::vector<int32_t>{151643});

  GenerationRequest request;
  request.messages = nlohmann::ordered_json::array({{{"role", "user"}, {"content", "Hello"}}});
  request.sampling.seed = 3;
  request.max_tokens = 6;
  request.ignore_eos = true;
  const auto prompt = engine.prepare_prompt(request);
  EXPECT_EQ(prompt.tokens, (std::vector<int32_t>{151646, 151644, 9707, 151645, 151648, 198}));
  EXPECT_TRUE(prompt.opens_reasoning);
  const auto a = engine.generate(request);
  const auto b = engine.generate(request);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.completion_tokens, 6);
  EXPECT_TRUE(a.has_reasoning);
  EXPECT_EQ(a.content, "");
}

}  // namespace
}  // namespace hirelm::engine
