// Jobs CRUD, validation errors, roles, the error shape of unknown routes, and the OpenAPI description.
#include <set>

#include "api_fixture.h"

namespace hirelm::api::testing {
namespace {

class JobsApiTest : public ApiFixture {};

TEST_P(JobsApiTest, CreateReadUpdateDelete) {
  const int64_t id = create_job("Backend Engineer");
  auto r = get("/api/jobs/" + std::to_string(id), viewer_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Json job = Json::parse(r->body)["job"];
  EXPECT_EQ(job["title"], "Backend Engineer");
  EXPECT_EQ(job["description"], "We build distributed storage in C++ and Go.");
  EXPECT_EQ(job["must_have"], Json({"3+ years of C++", "Bachelor's degree"}));
  EXPECT_EQ(job["criteria"][0]["name"], "skills");
  EXPECT_EQ(job["criteria"][0]["weight"], 3.0);
  EXPECT_EQ(job["counts"]["documents"], 0);
  EXPECT_TRUE(job["active_run"].is_null());
  EXPECT_FALSE(job["created_at"].get<std::string>().empty());

  // {text}: a whole job file; criteria default when it names none.
  r = post_json("/api/jobs", {{"text", "---\ntitle: Data \"Lead\"\nmust_have: [SQL]\n---\nOwn the warehouse.\n"}}, recruiter_);
  ASSERT_EQ(r->status, 201) << r->body;
  job = Json::parse(r->body)["job"];
  const int64_t second = job["id"].get<int64_t>();
  EXPECT_EQ(job["title"], "Data \"Lead\"");
  EXPECT_EQ(job["must_have"], Json({"SQL"}));
  EXPECT_EQ(job["criteria"].size(), 3u);

  r = get("/api/jobs", viewer_);
  const Json jobs = Json::parse(r->body)["jobs"];
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0]["id"], second);  // newest first
  EXPECT_EQ(jobs[1]["id"], id);

  r = put_json("/api/jobs/" + std::to_string(id),
               {{"title", "Staff Engineer"}, {"description", "New text: \"quotes\" and: colons"}, {"must_have", {"Go: 5 years"}}},
               recruiter_);
  ASSERT_EQ(r->status, 200) << r->body;
  job = Json::parse(r->body)["job"];
  EXPECT_EQ(job["title"], "Staff Engineer");
  EXPECT_EQ(job["description"], "New text: \"quotes\" and: colons");
  EXPECT_EQ(job["must_have"], Json({"Go: 5 years"}));

  EXPECT_EQ(del("/api/jobs/" + std::to_string(id), recruiter_)->status, 403);  // admin only
  r = del("/api/jobs/" + std::to_string(id), admin_);
  EXPECT_EQ(r->status, 204) << r->body;
  r = get("/api/jobs/" + std::to_string(id), viewer_);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(error_code(r), "not_found");
  EXPECT_EQ(put_json("/api/jobs/" + std::to_string(id), {{"text", "x"}}, recruiter_)->status, 404);
}

TEST_P(JobsApiTest, ValidationErrorsNameTheField) {
  struct Case {
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"{", "JSON"},
      {"[1]", "object"},
      {R"({"title": "T"})", "description"},
      {R"({"description": "D"})", "title"},
      {R"({"title": "T", "description": "D", "criteria": [{"name": "a", "weight": 0}]})", "weight"},
      {R"({"title": "T", "description": "D", "criteria": [{"name": "a"}, {"name": "a"}]})", "given twice"},
      {R"({"title": "T", "description": "D", "must_have": "x"})", "must_have"},
      {R"({"title": "T", "description": "D", "colour": "red"})", "colour"},
      {R"({"text": "---\ntitle: T\n---\nD", "title": "T"})", "either"},
      {R"({"text": "---\nbogus: 1\n---\nD"})", "bogus"},
      {R"({"title": "two\nlines", "description": "D"})", "title"},
  };
  for (const auto& c : cases) {
    auto r = client_->Post("/api/jobs", auth(recruiter_), c.body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << c.body << " -> " << r->body;
    EXPECT_EQ(error_code(r), "invalid_request") << c.body;
    EXPECT_NE(r->body.find(c.field), std::string::npos) << c.body << " -> " << r->body;
  }
  EXPECT_EQ(Json::parse(get("/api/jobs", viewer_)->body)["jobs"].size(), 0u);  // nothing stored
}

TEST_P(JobsApiTest, RolesAreChecked) {
  const Json body = {{"title", "T"}, {"description", "D"}};
  auto r = client_->Post("/api/jobs", body.dump(), "application/json");  // no credentials
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(error_code(r), "unauthenticated");
  r = post_json("/api/jobs", body, viewer_);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(error_code(r), "forbidden");
  EXPECT_EQ(get("/api/jobs", "hlm_not_a_token")->status, 401);
  const int64_t id = create_job();
  EXPECT_EQ(del("/api/jobs/" + std::to_string(id), viewer_)->status, 403);
  EXPECT_EQ(upload("/api/jobs/" + std::to_string(id) + "/documents", {{"a.txt", resume_text("Ann Lee")}}, viewer_)->status, 403);
  EXPECT_EQ(post_json("/api/jobs/" + std::to_string(id) + "/runs", Json::object(), viewer_)->status, 403);
  EXPECT_EQ(get("/api/audit", recruiter_)->status, 403);
  EXPECT_EQ(get("/api/audit", admin_)->status, 200);
}

TEST_P(JobsApiTest, UnknownRoutesAndIdsAnswerInTheApiErrorShape) {
  auto r = get("/api/nothing-here", viewer_);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(error_code(r), "not_found");
  r = get("/api/jobs/abc", viewer_);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(error_code(r), "not_found");
  r = get("/api/jobs/999999", viewer_);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(error_code(r), "not_found");
}

TEST_P(JobsApiTest, OpenApiListsEveryRegisteredApiRoute) {
  auto r = client_->Get("/api/openapi.json");
  ASSERT_EQ(r->status, 200);
  const Json doc = Json::parse(r->body);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::set<std::string> described, registered;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      described.insert(method + " " + path);
      EXPECT_TRUE(op.contains("responses")) << path;
      EXPECT_FALSE(op["summary"].get<std::string>().empty()) << method << " " << path;
    }
  }
  for (auto [method, path] : api_->routes()) {
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    registered.insert(method + " " + path);
  }
  EXPECT_EQ(described, registered);
  // Every route of docs/api.md's tables.
  for (const char* route : {"get /api/jobs", "post /api/jobs", "get /api/jobs/{id}", "put /api/jobs/{id}",
                            "delete /api/jobs/{id}", "post /api/jobs/{id}/documents", "get /api/jobs/{id}/documents",
                            "get /api/documents/{id}/original", "post /api/jobs/{id}/runs", "get /api/jobs/{id}/runs",
                            "get /api/runs/{id}", "get /api/runs/{id}/events", "post /api/runs/{id}/pause",
                            "post /api/runs/{id}/resume", "post /api/runs/{id}/cancel", "get /api/jobs/{id}/candidates",
                            "get /api/jobs/{id}/candidates/{cid}", "get /api/jobs/{id}/export",
                            "delete /api/candidates/{cid}", "get /api/audit", "post /api/auth/login", "get /api/users"}) {
    EXPECT_TRUE(registered.count(route)) << route;
  }
  // The registered routes answer (not 404 from the router): each with a bad id or no credentials.
  for (const auto& [method, path] : api_->routes()) {
    std::string p = path;
    for (size_t at = p.find('{'); at != std::string::npos; at = p.find('{')) p.replace(at, p.find('}', at) - at + 1, "1");
    httplib::Request req;
    req.method = method;
    req.path = p;
    auto res = client_->send(req);
    ASSERT_TRUE(res) << method << " " << p;
    EXPECT_NE(error_code(res) == "not_found" && res->body.find("no route") != std::string::npos, true) << method << " " << p;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, JobsApiTest, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::api::testing
