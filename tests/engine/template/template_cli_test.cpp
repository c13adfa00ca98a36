// `hirelm template`: a JSON array of messages on stdin, the rendered prompt on stdout (no newline
// added); bad JSON or a bad model path exits 2 with one clear line.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "engine/template/chat_template.h"
#include "support/reference.h"

namespace hirelm::templating {
namespace {

std::string model_dir() { return test::reference_path("deepseek-r1-distill-qwen-1.5b"); }

TEST(TemplateCli, RendersEveryGoldenFromModelDirAndGguf) {
  HIRELM_REQUIRE_REFERENCE();
  std::ifstream in(test::reference_path("chat-template-golden.jsonl"));
  std::string line;
  int checked = 0;
  const std::string gguf = test::reference_path("tiny-qwen2/gguf/tiny-qwen2-R-F16.gguf");
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Json golden = Json::parse(line);
    std::string flag = golden.at("add_generation_prompt").get<bool>() ? "" : " --no-generation-prompt";
    for (const std::string& model : {model_dir(), gguf}) {
      std::string out;
      ASSERT_EQ(test::run_command(test::hirelm_binary() + " template --model '" + model + "'" + flag,
                                  golden.at("messages").dump(), &out),
                0)
          << golden.at("name");
      EXPECT_EQ(out, golden.at("prompt").get<std::string>()) << golden.at("name") << " via " << model;
    }
    ++checked;
  }
  EXPECT_GE(checked, 12);
}

TEST(TemplateCli, ToolsFileIsPassedToTheTemplate) {
  HIRELM_REQUIRE_REFERENCE();
  std::string dir = testing::TempDir();
  std::ofstream(dir + "/template_cli_config.json")
      << R"({"chat_template": "{% for t in tools %}{{ t.function.name }};{% endfor %}{{ messages|length }}"})";
  std::ofstream(dir + "/template_cli_tools.json") << R"([{"function": {"name": "a"}}, {"function": {"name": "b"}}])";
  std::string out;
  ASSERT_EQ(test::run_command(test::hirelm_binary() + " template --model '" + dir + "/template_cli_config.json' --tools '" +
                                  dir + "/template_cli_tools.json'",
                              "[]", &out),
            0);
  EXPECT_EQ(out, "a;b;0");
}

TEST(TemplateCli, BadInputExitsTwo) {
  HIRELM_REQUIRE_REFERENCE();
  std::string out;
  const std::string cmd = test::hirelm_binary() + " template --model '" + model_dir() + "' 2>&1";
  EXPECT_EQ(test::run_command(cmd, "[{\"role\": ", &out), 2);
  EXPECT_NE(out.find("stdin: invalid JSON"), std::string::npos) << out;
  EXPECT_EQ(test::run_command(cmd, "{\"role\": \"user\"}", &out), 2);
  EXPECT_NE(out.find("expected a JSON array"), std::string::npos) << out;
  EXPECT_EQ(test::run_command(test::hirelm_binary() + " template --model /nonexistent 2>&1", "[]", &out), 2);
  EXPECT_EQ(test::run_command(test::hirelm_binary() + " template 2>&1", "[]", &out), 2);
}

}  // namespace
}  // namespace hirelm::templating
