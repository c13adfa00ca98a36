// Units without a server: file name sanitizing, the canonical job text, route patterns, the job body parser.
#include <gtest/gtest.h>

#include "api/job_body.h"
#include "screening/job/job.h"
#include "screening/service/file_name.h"
#include "screening/service/job_service.h"
#include "server/http_server.h"
#include "util/error.h"

namespace hirelm {
namespace {

TEST(SanitizeFileName, StripsPathsControlsAndDots) {
  using service::sanitize_file_name;
  EXPECT_EQ(sanitize_file_name("name/../x.txt"), "x.txt");
  EXPECT_EQ(sanitize_file_name("..\\..\\evil.pdf"), "evil.pdf");
  EXPECT_EQ(sanitize_file_name("a\x01" "b\x7f.txt"), "ab.txt");
  EXPECT_EQ(sanitize_file_name(".."), "upload");
  EXPECT_EQ(sanitize_file_name(""), "upload");
  EXPECT_EQ(sanitize_file_name("/etc/"), "upload");
  EXPECT_EQ(sanitize_file_name(".hidden"), "hidden");
  EXPECT_EQ(sanitize_file_name("简历 张三.pdf"), "简历 张三.pdf");
  EXPECT_EQ(sanitize_file_name("bad\xff\xfe.txt"), "bad.txt");
  EXPECT_EQ(sanitize_file_name("c1\xc2\x85.txt"), "c1.txt");  // U+0085, a C1 control
  const std::string longer(300, 'x');
  EXPECT_EQ(sanitize_file_name(longer).size(), 200u);
  EXPECT_EQ(sanitize_file_name(std::string(199, 'x') + "张").size(), 199u);  // never cut inside a character
}

TEST(RenderJobText, RoundTripsThroughParseJob) {
  service::JobDraft d;
  d.title = "Lead: \"Platform\" 'team'";
  d.description = "First line.\n\n---\nA line of dashes above is fine in the body.\n";
  d.must_have = {"C++: 5 years, \"modern\"", "- a dash", "# not a comment"};
  d.criteria = {{"skills", 2.5}, {"team: fit", 0.1}};
  const std::string text = service::render_job_text(d);
  const screening::Job job = screening::parse_job(text, "t");
  EXPECT_EQ(job.title, d.title);
  EXPECT_EQ(job.description, "First line.\n\n---\nA line of dashes above is fine in the body.");
  EXPECT_EQ(job.must_have, d.must_have);
  ASSERT_EQ(job.criteria.size(), 2u);
  EXPECT_EQ(job.criteria[1].name, "team: fit");
  EXPECT_DOUBLE_EQ(job.criteria[1].weight, 0.1);
  EXPECT_DOUBLE_EQ(job.criteria[0].weight, 2.5);
}

TEST(RenderJobText, RejectsWhatTheFileCannotCarry) {
  service::JobDraft d;
  d.title = "T";
  d.description = "  \n ";
  EXPECT_THROW(service::render_job_text(d), InvalidInputError);
  d.description = "D";
  d.must_have = {"two\nlines"};
  EXPECT_THROW(service::render_job_text(d), InvalidInputError);
  d.must_have = {};
  d.criteria = {{"a", -1}};
  EXPECT_THROW(service::render_job_text(d), InvalidInputError);
  d.criteria = {{"a", 1}, {"a", 2}};
  EXPECT_THROW(service::render_job_text(d), InvalidInputError);
  d.criteria = {{"a", 1001}};
  EXPECT_THROW(service::render_job_text(d), InvalidInputError);
}

TEST(JobBody, FieldsAndTextForms) {
  const std::string text = api::parse_job_body(R"({"title": "T", "description": "D", "criteria": [{"name": "x", "weight": 2}]})");
  const screening::Job job = screening::parse_job(text, "t");
  EXPECT_EQ(job.title, "T");
  ASSERT_EQ(job.criteria.size(), 1u);
  EXPECT_EQ(job.criteria[0].name, "x");
  EXPECT_EQ(api::parse_job_body(R"({"text": "# Title\nBody"})"), "# Title\nBody");
  EXPECT_THROW(api::parse_job_body(R"({"text": 5})"), InvalidInputError);
  EXPECT_THROW(api::parse_job_body(R"({"title": "T", "description": "D", "criteria": [{"name": "x", "weight": "2"}]})"), InvalidInputError);
  EXPECT_THROW(api::parse_job_body(R"({"title": "T", "description": "D", "criteria": [{"weight": 2}]})"), InvalidInputError);
  EXPECT_THROW(api::parse_job_body("1e99999"), InvalidInputError);
}

TEST(RoutePattern, CompilesParamsAndEscapesLiterals) {
  auto [regex, names] = server::compile_route_pattern("/api/jobs/{id}/candidates/{cid}");
  EXPECT_EQ(regex, "/api/jobs/([^/]+)/candidates/([^/]+)");
  EXPECT_EQ(names, (std::vector<std::string>{"id", "cid"}));
  EXPECT_EQ(server::compile_route_pattern("/openapi.json").first, "/openapi\\.json");
  EXPECT_THROW(server::compile_route_pattern("/a/{id"), InvalidInputError);
  EXPECT_THROW(server::compile_route_pattern("/a/{}"), InvalidInputError);
}

}  // namespace
}  // namespace hirelm
