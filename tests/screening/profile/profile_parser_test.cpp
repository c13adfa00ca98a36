#include "screening/profile/profile_parser.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace hirelm::profile {
namespace {

constexpr const char* kFull = R"({
  "name": "李四", "email": "lisi@example.com", "phone": "+86 139 0000 1111",
  "years_of_experience": 6.5, "highest_degree": "硕士", "degree_raw": "硕士研究生",
  "tech_stack": {"languages": ["C++", "Python"], "frameworks": ["PyTorch", "python", "gRPC"]},
  "projects": [{"name": "推理引擎", "summary": "自研推理引擎"}, {"name": "B", "summary": "b"},
               {"name": "C", "summary": "c"}, {"name": "D", "summary": "d"}],
  "education": [{"school": "清华大学", "degree": "硕士", "major": "计算机", "start": "2014.09", "end": "2017.06"}],
  "work_history": [{"company": "X", "title": "工程师", "start": "2017.07", "end": "至今", "summary": "s"}]
})";

TEST(ProfileParser, ParsesEveryField) {
  const Profile p = parse_profile_json(kFull);
  EXPECT_EQ(p.name, "李四");
  EXPECT_EQ(p.email, "lisi@example.com");
  EXPECT_EQ(p.phone, "+86 139 0000 1111");
  EXPECT_EQ(p.years_of_experience, 6.5);
  EXPECT_EQ(p.years_stated, 6.5);
  EXPECT_EQ(p.highest_degree, "硕士");
  EXPECT_EQ(p.degree_raw, "硕士研究生");
  EXPECT_EQ(p.tech_stack.languages, (std::vector<std::string>{"C++", "Python"}));
  EXPECT_EQ(p.tech_stack_flat(), (std::vector<std::string>{"C++", "Python", "PyTorch", "gRPC"}));
  ASSERT_EQ(p.projects.size(), kMaxProjects);  // the fourth is cut
  EXPECT_EQ(p.projects[0].name, "推理引擎");
  ASSERT_EQ(p.education.size(), 1u);
  EXPECT_EQ(p.education[0].start, "2014.09");
  ASSERT_EQ(p.work_history.size(), 1u);
  EXPECT_EQ(p.work_history[0].end, "至今");
}

TEST(ProfileParser, MissingAndNullFieldsAreEmpty) {
  const Profile p = parse_profile_json(R"({"name": null, "tech_stack": ["Go", "K8s"]})");
  EXPECT_FALSE(p.name);
  EXPECT_FALSE(p.email);
  EXPECT_FALSE(p.years_of_experience);
  EXPECT_TRUE(p.projects.empty());
  EXPECT_EQ(p.tech_stack.frameworks, (std::vector<std::string>{"Go", "K8s"}));
}

std::string error_of(const std::string& text) {
  try {
    parse_profile_json(text);
  } catch (const InvalidInputError& e) {
    return e.what();
  }
  return "";
}

TEST(ProfileParser, CorruptInputsThrowNamedErrors) {
  EXPECT_NE(error_of("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("{\"name\": \"x\"").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1,2]").find("expected object, got array"), std::string::npos);
  EXPECT_NE(error_of(R"({"name": 5})").find("'name': expected string or null, got number"), std::string::npos);
  EXPECT_NE(error_of(R"({"years_of_experience": "5"})").find("'years_of_experience'"), std::string::npos);
  EXPECT_NE(error_of(R"({"years_of_experience": -1})").find("0..80"), std::string::npos);
  EXPECT_NE(error_of(R"({"tech_stack": "C++"})").find("'tech_stack'"), std::string::npos);
  EXPECT_NE(error_of(R"({"tech_stack": {"languages": [1]}})").find("'tech_stack.languages[0]': expected string"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"work_history": [{"start": 2019}]})").find("'work_history[0].start'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"education": [1]})").find("'education[0]': expected object"), std::string::npos);
  EXPECT_NE(error_of(R"({"projects": {}})").find("'projects': expected array"), std::string::npos);
  EXPECT_NE(error_of("{\"name\": \"\xff\"}").find("not valid JSON"), std::string::npos);  // invalid UTF-8
  // A number too large for a double (found by fuzz_profile_json): an input error, not an escaped exception.
  EXPECT_NE(error_of(R"({"years_of_experience": 15e800})").find("profile json: "), std::string::npos);
}

TEST(ProfileParser, ExtractsTheObjectFromProse) {
  EXPECT_EQ(extract_json_object("好的，结果如下：\n```json\n{\"a\": \"}\", \"b\": {\"c\": 1}}\n```\n"),
            "{\"a\": \"}\", \"b\": {\"c\": 1}}");
  EXPECT_EQ(extract_json_object("{\"a\": \"\\\"}\"}"), "{\"a\": \"\\\"}\"}");
  EXPECT_EQ(extract_json_object("no json"), "no json");
  EXPECT_EQ(extract_json_object("{ unbalanced"), "{ unbalanced");
  const Profile p = parse_profile_json(extract_json_object(std::string("Answer: ") + kFull + " done"));
  EXPECT_EQ(p.name, "李四");
}

}  // namespace
}  // namespace hirelm::profile
