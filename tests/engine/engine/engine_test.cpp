// End-to-end generation through Engine::load on the random-weight reference models (tiny-qwen2): shape A
// (1024-token vocabulary, ChatML template) and shape R (the real R1 vocabulary and chat template).
#include "engine/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "support/reference.h"
#include "util/error.h"

namespace hirelm::engine {
namespace {

const std::string kModelA = "tiny-qwen2/gguf/tiny-qwen2-A-F32.gguf";
const std::string kModelR = "tiny-qwen2/gguf/tiny-qwen2-R-F16.gguf";
// <｜begin▁of▁sentence｜><｜User｜>Hello<｜Assistant｜><think>\n (README of tiny-qwen2: sequence chat6)
const std::vector<int32_t> kChat6 = {151646, 151644, 9707, 151645, 151648, 198};

Engine load(const std::string& relative, int64_t ctx = 256) {
  EngineOptions options;
  options.threads = 1;
  options.ctx = ctx;
  options.kv_type = kv::KvType::kF32;
  return Engine::load(test::reference_path(relative), options);
}

GenerationRequest sampled(uint64_t seed, int64_t max_tokens) {
  GenerationRequest r;
  r.prompt = "The quick brown fox";
  r.sampling.temperature = 1.0;
  r.sampling.top_p = 0.9;
  r.sampling.seed = seed;
  r.max_tokens = max_tokens;
  r.ignore_eos = true;
  return r;
}

GenerationRequest greedy(int64_t max_tokens) {
  GenerationRequest r;
  r.prompt = "Hello world, this is";
  r.sampling.temperature = 0.0;
  r.max_tokens = max_tokens;
  r.ignore_eos = true;
  return r;
}

class EngineA : public ::testing::Test {
 protected:
  void SetUp() override {
    HIRELM_REQUIRE_REFERENCE();
    engine_ = std::make_unique<Engine>(load(kModelA));
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineA, SameSeedSameOutputDifferentSeedDifferentOutput) {
  auto a = engine_->generate(sampled(7, 24));
  auto b = engine_->generate(sampled(7, 24));
  auto c = engine_->generate(sampled(8, 24));
  ASSERT_EQ(a.tokens.size(), 24u);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.content, b.content);
  EXPECT_EQ(a.seed, 7u);
  EXPECT_NE(a.tokens, c.tokens);
}

TEST_F(EngineA, StreamedEventsAddUpToTheResult) {
  std::string reasoning, content;
  std::vector<int32_t> tokens;
  auto r = engine_->generate(sampled(11, 20), [&](const StreamEvent& e) {
    reasoning += e.reasoning_delta;
    content += e.content_delta;
    tokens.insert(tokens.end(), e.tokens.begin(), e.tokens.end());
    return true;
  });
  EXPECT_EQ(tokens, r.tokens);
  EXPECT_EQ(content, r.content);
  EXPECT_EQ(reasoning, r.reasoning);
  EXPECT_FALSE(r.content.empty());
  EXPECT_GT(r.prompt_tokens, 0);
}

TEST_F(EngineA, MaxTokensEndsWithLength) {
  auto r = engine_->generate(greedy(6));
  EXPECT_EQ(r.finish_reason, FinishReason::kLength);
  EXPECT_EQ(finish_reason_name(r.finish_reason), "length");
  EXPECT_EQ(r.completion_tokens, 6);
}

TEST_F(EngineA, ContextLimitEndsWithLength) {
  Engine small = load(kModelA, 12);
  GenerationRequest r = greedy(-1);
  auto n_prompt = small.prepare_prompt(r).tokens.size();
  ASSERT_LT(n_prompt, 12u);
  auto result = small.generate(r);
  EXPECT_EQ(result.finish_reason, FinishReason::kLength);
  EXPECT_EQ(static_cast<size_t>(result.completion_tokens), 12u - n_prompt);
}

TEST_F(EngineA, StopTokenEndsWithStopAndIsNotShown) {
  auto full = engine_->generate(greedy(16));
  const int32_t stop = full.tokens[5];
  GenerationRequest r = greedy(16);
  r.stop_token_ids = {stop};
  auto cut = engine_->generate(r);
  EXPECT_EQ(cut.finish_reason, FinishReason::kStop);
  ASSERT_TRUE(cut.stop_token.has_value());
  EXPECT_EQ(*cut.stop_token, stop);
  const size_t first = static_cast<size_t>(std::find(full.tokens.begin(), full.tokens.end(), stop) - full.tokens.begin());
  ASSERT_EQ(cut.tokens.size(), first + 1);
  EXPECT_TRUE(std::equal(cut.tokens.begin(), cut.tokens.end(), full.tokens.begin()));
}

TEST_F(EngineA, StopStringCutsTheOutputBeforeIt) {
  auto full = engine_->generate(greedy(48));
  const std::string& text = full.content;
  ASSERT_GE(text.size(), 4u);
  // A whole UTF-8 character from the second half of the output (the output is always valid UTF-8).
  size_t at = text.size() / 2;
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  size_t len = 1;
  while (at + len < text.size() && (static_cast<unsigned char>(text[at + len]) & 0xC0) == 0x80) ++len;
  const std::string stop = text.substr(at, len);

  GenerationRequest r = greedy(48);
  r.stop = {stop};
  std::string streamed;
  auto cut = engine_->generate(r, [&](const StreamEvent& e) {
    streamed += e.content_delta;
    return true;
  });
  EXPECT_EQ(cut.finish_reason, FinishReason::kStop);
  EXPECT_EQ(cut.matched_stop, stop);
  EXPECT_EQ(cut.content, text.substr(0, text.find(stop)));
  EXPECT_EQ(streamed, cut.content);
  EXPECT_LT(cut.completion_tokens, full.completion_tokens);
}

TEST_F(EngineA, CallbackCanCancel) {
  int events = 0;
  auto r = engine_->generate(greedy(30), [&](const StreamEvent&) { return ++events < 3; });
  EXPECT_EQ(r.finish_reason, FinishReason::kCancelled);
  EXPECT_EQ(r.completion_tokens, 3);
}

TEST_F(EngineA, BadRequestsAreInvalidInput) {
  GenerationRequest bad = greedy(4);
  bad.sampling.temperature = -1.0;
  EXPECT_THROW(engine_->generate(bad), InvalidInputError);
  Engine small = load(kModelA, 4);
  GenerationRequest long_prompt = greedy(4);
  long_prompt.prompt = std::string(200, 'x') + " and many more words to go past four tokens";
  EXPECT_THROW(small.generate(long_prompt), InvalidInputError);
  GenerationRequest empty;
  EXPECT_THROW(engine_->generate(empty), InvalidInputError);
}

TEST_F(EngineA, DefaultsComeFromTheModel) {
  // This GGUF has no general.sampling.* keys: neutral sampling; EOS is the tokenizer's <|im_end|>.
  EXPECT_DOUBLE_EQ(engine_->defaults().sampling.temperature, 1.0);
  EXPECT_DOUBLE_EQ(engine_->defaults().sampling.top_p, 1.0);
  const auto eos = engine_->tokenizer().eos_id();
  ASSERT_TRUE(eos.has_value());
  EXPECT_NE(std::find(engine_->defaults().eos_ids.begin(), engine_->defaults().eos_ids.end(), *eos),
            engine_->defaults().eos_ids.end());
}

TEST(EngineLoad, MissingModelIsNotFound) {
  EXPECT_THROW(Engine::load("/nonexistent/model.gguf", {}), NotFoundError);
}

class EngineR : public ::testing::Test {
 protected:
  void SetUp() override {
    HIRELM_REQUIRE_REFERENCE();
    engine_ = std::make_unique<Engine>(load(kModelR));
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineR, ChatPromptRendersTheR1GenerationPrompt) {
  GenerationRequest r;
  r.messages = nlohmann::ordered_json::array({{{"role", "user"}, {"content", "Hello"}}});
  auto prompt = engine_->prepare_prompt(r);
  EXPECT_EQ(prompt.tokens, kChat6);
  EXPECT_TRUE(prompt.opens_reasoning);
}

TEST_F(EngineR, OutputAfterAnOpenedThinkIsReasoningUntilCut) {
  GenerationRequest r;
  r.prompt_tokens = kChat6;
  r.sampling.temperature = 0.0;
  r.max_tokens = 12;
  r.ignore_eos = true;
  auto thinking = engine_->generate(r);
  EXPECT_TRUE(thinking.has_reasoning);
  EXPECT_FALSE(thinking.reasoning_closed);
  EXPECT_EQ(thinking.content, "");
  EXPECT_EQ(thinking.finish_reason, FinishReason::kLength);

  // The same tokens read as plain output: the text is identical up to the leading whitespace a
  // reasoning block drops (and a random model never writes </think> in 12 greedy tokens here).
  r.starts_in_reasoning = false;
  auto plain = engine_->generate(r);
  EXPECT_EQ(plain.tokens, thinking.tokens);
  EXPECT_FALSE(plain.has_reasoning);
  EXPECT_EQ(plain.reasoning, "");
  const auto begin = plain.content.find_first_not_of(" \t\r\n");
  ASSERT_NE(begin, std::string::npos);
  EXPECT_EQ(plain.content.substr(begin), thinking.reasoning);
}

}  // namespace
}  // namespace hirelm::engine
