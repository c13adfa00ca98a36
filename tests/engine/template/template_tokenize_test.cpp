// End to end with the tokenizer: every golden prompt our template renders tokenizes to the golden ids
// (the BOS is part of the rendered text, so no BOS is added by the encoder).
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "engine/template/chat_template.h"
#include "engine/tokenizer/tokenizer.h"
#include "support/reference.h"

namespace hirelm::templating {
namespace {

TEST(ChatTemplateTokenize, RenderedGoldensTokenizeToGoldenIds) {
  HIRELM_REQUIRE_REFERENCE();
  const std::string model = test::reference_path("deepseek-r1-distill-qwen-1.5b");
  ChatTemplate tmpl = ChatTemplate::from_model_path(model);
  Tokenizer tokenizer = Tokenizer::from_path(model);
  std::ifstream in(test::reference_path("chat-template-golden.jsonl"));
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Json golden = Json::parse(line);
    std::string prompt = tmpl.render(golden.at("messages"), golden.at("add_generation_prompt").get<bool>());
    std::vector<int32_t> expected = golden.at("ids").get<std::vector<int32_t>>();
    EncodeOptions options;
    options.parse_special = true;
    options.add_bos = false;
    EXPECT_EQ(tokenizer.encode(prompt, options), expected) << golden.at("name");
    ++checked;
  }
  EXPECT_GE(checked, 12);
}

}  // namespace
}  // namespace hirelm::templating
