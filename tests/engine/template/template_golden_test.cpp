// The DeepSeek-R1-Distill-Qwen template from the reference model renders every golden prompt byte
// for byte, with and without the generation prompt, loaded from each place a model keeps it.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/template/chat_template.h"
#include "support/reference.h"
#include "util/error.h"

namespace hirelm::templating {
namespace {

struct Golden {
  std::string name;
  Json messages;
  bool add_generation_prompt = false;
  std::string prompt;
};

std::vector<Golden> load_goldens() {
  std::ifstream in(test::reference_path("chat-template-golden.jsonl"));
  std::vector<Golden> goldens;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Json j = Json::parse(line);
    goldens.push_back({j.at("name").get<std::string>(), j.at("messages"), j.at("add_generation_prompt").get<bool>(),
                       j.at("prompt").get<std::string>()});
  }
  return goldens;
}

void expect_all_goldens(const ChatTemplate& tmpl) {
  std::vector<Golden> goldens = load_goldens();
  ASSERT_GE(goldens.size(), 12u);
  int with_prompt = 0, without_prompt = 0, tool_turns = 0;
  for (const auto& g : goldens) {
    EXPECT_EQ(tmpl.render(g.messages, g.add_generation_prompt), g.prompt)
        << g.name << " add_generation_prompt=" << g.add_generation_prompt;
    (g.add_generation_prompt ? with_prompt : without_prompt)++;
    for (const auto& m : g.messages) tool_turns += m.at("role") == "tool" ? 1 : 0;
  }
  EXPECT_GT(with_prompt, 0);
  EXPECT_GT(without_prompt, 0);
  EXPECT_GT(tool_turns, 0);
}

TEST(ChatTemplateGolden, ModelDirectoryRendersEveryGolden) {
  HIRELM_REQUIRE_REFERENCE();
  ChatTemplate tmpl = ChatTemplate::from_model_path(test::reference_path("deepseek-r1-distill-qwen-1.5b"));
  EXPECT_EQ(tmpl.bos_token().value_or(""), "<｜begin▁of▁sentence｜>");
  EXPECT_EQ(tmpl.eos_token().value_or(""), "<｜end▁of▁sentence｜>");
  expect_all_goldens(tmpl);
}

TEST(ChatTemplateGolden, TokenizerConfigFileRendersEveryGolden) {
  HIRELM_REQUIRE_REFERENCE();
  expect_all_goldens(
      ChatTemplate::from_model_path(test::reference_path("deepseek-r1-distill-qwen-1.5b/tokenizer_config.json")));
}

TEST(ChatTemplateGolden, JinjaFileMatchesTheConfigTemplate) {
  HIRELM_REQUIRE_REFERENCE();
  std::ifstream in(test::reference_path("deepseek-r1-distill-qwen-1.5b/chat_template.jinja"));
  std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  expect_all_goldens(ChatTemplate(source, "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"));
}

TEST(ChatTemplateGolden, GgufMetadataRendersEveryGolden) {
  HIRELM_REQUIRE_REFERENCE();
  ChatTemplate tmpl = ChatTemplate::from_model_path(test::reference_path("tiny-qwen2/gguf/tiny-qwen2-R-F16.gguf"));
  EXPECT_EQ(tmpl.bos_token().value_or(""), "<｜begin▁of▁sentence｜>");
  EXPECT_EQ(tmpl.eos_token().value_or(""), "<｜end▁of▁sentence｜>");
  expect_all_goldens(tmpl);
}

TEST(ChatTemplateGolden, ThinkingIsStrippedFromAssistantHistoryOnly) {
  HIRELM_REQUIRE_REFERENCE();
  ChatTemplate tmpl = ChatTemplate::from_model_path(test::reference_path("deepseek-r1-distill-qwen-1.5b"));
  Json messages = Json::parse(R"([{"role":"user","content":"a</think>b"},
                                  {"role":"assistant","content":"x</think>y</think>z"}])");
  EXPECT_EQ(tmpl.render(messages, false),
            "<｜begin▁of▁sentence｜><｜User｜>a</think>b<｜Assistant｜>z<｜end▁of▁sentence｜>");
}

// Writes `text` to a fresh file under the test's temporary directory and returns its path.
std::string write_temp(const std::string& dir_name, const std::string& file_name, const std::string& text) {
  std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / dir_name;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / file_name) << text;
  return (dir / file_name).string();
}

std::string error_of(const std::string& path) {
  try {
    ChatTemplate::from_model_path(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(ChatTemplateLoading, ErrorsNameTheFileAndField) {
  EXPECT_THROW(ChatTemplate::from_model_path("/nonexistent/model"), NotFoundError);

  std::string no_template = write_temp("tmpl_no_template", "tokenizer_config.json", R"({"bos_token": "<s>"})");
  EXPECT_THROW(ChatTemplate::from_model_path(no_template), InvalidInputError);
  std::string message = error_of(no_template);
  EXPECT_NE(message.find("tokenizer_config.json"), std::string::npos) << message;
  EXPECT_NE(message.find("'chat_template'"), std::string::npos) << message;

  std::string bad_json = write_temp("tmpl_bad_json", "tokenizer_config.json", R"({"chat_template": )");
  EXPECT_THROW(ChatTemplate::from_model_path(bad_json), InvalidInputError);

  std::string bad_token =
      write_temp("tmpl_bad_token", "tokenizer_config.json", R"({"chat_template": "x", "eos_token": 7})");
  message = error_of(bad_token);
  EXPECT_NE(message.find("'eos_token'"), std::string::npos) << message;

  std::string bad_syntax = write_temp("tmpl_bad_syntax", "tokenizer_config.json",
                                      R"({"chat_template": "line one\n{% if x %}never closed"})");
  EXPECT_THROW(ChatTemplate::from_model_path(bad_syntax), InvalidInputError);
  message = error_of(bad_syntax);
  EXPECT_NE(message.find("chat template line 2"), std::string::npos) << message;

  std::string not_gguf = write_temp("tmpl_not_gguf", "model.gguf", "this is not a gguf file");
  EXPECT_THROW(ChatTemplate::from_model_path(not_gguf), Error);
}

TEST(ChatTemplateLoading, DirectoryFallsBackToChatTemplateJinja) {
  std::string config = write_temp("tmpl_fallback", "tokenizer_config.json",
                                  R"({"bos_token": {"content": "<B>"}, "eos_token": "<E>"})");
  write_temp("tmpl_fallback", "chat_template.jinja", "{{ bos_token }}{{ messages[0].content }}{{ eos_token }}\n");
  ChatTemplate tmpl = ChatTemplate::from_model_path(std::filesystem::path(config).parent_path().string());
  EXPECT_EQ(tmpl.render(Json::parse(R"([{"role": "user", "content": "hi"}])"), false), "<B>hi<E>");
}

TEST(ChatTemplateLoading, NamedTemplateListPicksDefault) {
  std::string config = write_temp("tmpl_named", "tokenizer_config.json",
                                  R"({"chat_template": [{"name": "tool_use", "template": "T"},
                                                        {"name": "default", "template": "D{{ eos_token }}"}],
                                      "eos_token": "<E>"})");
  EXPECT_EQ(ChatTemplate::from_model_path(config).render(Json::array(), false), "D<E>");
}

}  // namespace
}  // namespace hirelm::templating
