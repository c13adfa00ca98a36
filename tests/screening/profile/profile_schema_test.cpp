// The profile schema must compile with our own grammar compiler (it is what constrains the model) and accept a
// realistic answer that parse_profile_json then reads.
#include "screening/profile/profile_schema.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_state.h"
#include "engine/grammar/vocabulary.h"
#include "screening/profile/profile_parser.h"

namespace hirelm::profile {
namespace {

// A byte-level vocabulary: token i < 256 is byte i, token 256 is EOS.
std::shared_ptr<const grammar::Vocabulary> byte_vocabulary() {
  std::vector<std::string> tokens;
  for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
  tokens.emplace_back("<eos>");
  std::vector<bool> added(257, false), control(257, false);
  added[256] = control[256] = true;
  return grammar::Vocabulary::from_tokens(tokens, added, control, 256, std::nullopt);
}

// Feeds `text` byte by byte; true when every byte is allowed and the value is complete at the end.
bool grammar_accepts(const std::shared_ptr<const grammar::Grammar>& g, const std::string& text) {
  grammar::GrammarState state(g);
  for (unsigned char c : text) {
    if (!state.accept_token(c)) return false;
  }
  return state.is_complete();
}

TEST(ProfileSchema, EmbeddedTextIsTheFile) {
  std::ifstream in(std::string(HIRELM_SOURCE_DIR) + "/src/screening/profile/profile_schema.json", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(profile_schema_json(), ss.str());
  const auto schema = nlohmann::json::parse(profile_schema_json());
  EXPECT_EQ(schema["type"], "object");
}

TEST(ProfileSchema, CompilesAndConstrainsRealisticAnswers) {
  const auto g = grammar::Grammar::from_json_schema_text(profile_schema_json(), byte_vocabulary());
  const std::string answer =
      R"({"name": "王五", "email": "wangwu@example.com", "phone": "138-0013-8000", "years_of_experience": 4.5, )"
      R"("highest_degree": "本科", "degree_raw": "学士", "tech_stack": {"languages": ["Go"], "frameworks": )"
      R"(["Gin", "Kubernetes"]}, "projects": [{"name": "网关", "summary": "高并发 API 网关"}], "education": )"
      R"([{"school": "浙江大学", "degree": "学士", "major": "软件工程", "start": "2015.09", "end": "2019.06"}], )"
      R"("work_history": [{"company": "某科技", "title": "后端工程师", "start": "2019.07", "end": "至今", )"
      R"("summary": "负责网关"}]})";
  EXPECT_TRUE(grammar_accepts(g, answer));
  const Profile p = parse_profile_json(answer);
  EXPECT_EQ(p.name, "王五");
  EXPECT_EQ(p.work_history.at(0).start, "2019.07");

  // Nulls where the resume has nothing.
  EXPECT_TRUE(grammar_accepts(g, R"({"name": null, "email": null, "phone": null, "years_of_experience": null, )"
                                 R"("highest_degree": null, "degree_raw": "", "tech_stack": {"languages": [], )"
                                 R"("frameworks": []}, "projects": [], "education": [], "work_history": []})"));
  // The schema rejects what the parser would reject: a fourth project, a degree outside the enum, a missing key.
  EXPECT_FALSE(grammar_accepts(g, R"({"name": "x", "email": null, "phone": null, "years_of_experience": null, )"
                                  R"("highest_degree": "学士")"));
  EXPECT_FALSE(grammar_accepts(g, R"({"email": null})"));
}

}  // namespace
}  // namespace hirelm::profile
