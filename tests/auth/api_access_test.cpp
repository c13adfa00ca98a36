// Access to every /api route of the real ScreeningApi through HTTP (docs/api.md route tables): for each route
// and role, 401 without credentials, 403 for a role below the one the route needs, neither otherwise. Routes
// run against ids that do not exist, so an allowed call answers 404/400 and changes nothing. Then, with real
// data: a viewer cannot upload or delete, and what they tried to delete is still there.
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/screening_api.h"
#include "auth/auth_store.h"
#include "auth_test_db.h"
#include "server/http_server.h"
#include "test_db.h"

namespace hirelm::api {
namespace {

using db::testing::Backend;
using nlohmann::json;

enum class Need { kNone, kViewer, kRecruiter, kAdmin };

// The role each route needs, from docs/api.md. A route the API registers that is missing here fails the test.
const std::map<std::pair<std::string, std::string>, Need>& expected_access() {
  static const std::map<std::pair<std::string, std::string>, Need> kTable = {
      {{"POST", "/api/auth/login"}, Need::kNone},
      {{"POST", "/api/auth/logout"}, Need::kViewer},
      {{"GET", "/api/auth/me"}, Need::kViewer},
      {{"GET", "/api/users"}, Need::kAdmin},
      {{"POST", "/api/users"}, Need::kAdmin},
      {{"DELETE", "/api/users/{id}"}, Need::kAdmin},
      {{"POST", "/api/tokens"}, Need::kViewer},
      {{"GET", "/api/tokens"}, Need::kViewer},
      {{"DELETE", "/api/tokens/{id}"}, Need::kViewer},
      {{"GET", "/api/jobs"}, Need::kViewer},
      {{"POST", "/api/jobs"}, Need::kRecruiter},
      {{"GET", "/api/jobs/{id}"}, Need::kViewer},
      {{"PUT", "/api/jobs/{id}"}, Need::kRecruiter},
      {{"DELETE", "/api/jobs/{id}"}, Need::kAdmin},
      {{"POST", "/api/jobs/{id}/documents"}, Need::kRecruiter},
      {{"GET", "/api/jobs/{id}/documents"}, Need::kViewer},
      {{"GET", "/api/documents/{id}/original"}, Need::kViewer},
      {{"POST", "/api/jobs/{id}/runs"}, Need::kRecruiter},
      {{"GET", "/api/jobs/{id}/runs"}, Need::kViewer},
      {{"GET", "/api/runs/{id}"}, Need::kViewer},
      {{"GET", "/api/runs/{id}/events"}, Need::kViewer},
      {{"POST", "/api/runs/{id}/pause"}, Need::kRecruiter},
      {{"POST", "/api/runs/{id}/resume"}, Need::kRecruiter},
      {{"POST", "/api/runs/{id}/cancel"}, Need::kRecruiter},
      {{"GET", "/api/jobs/{id}/candidates"}, Need::kViewer},
      {{"GET", "/api/jobs/{id}/candidates/{cid}"}, Need::kViewer},
      {{"GET", "/api/jobs/{id}/export"}, Need::kRecruiter},
      {{"DELETE", "/api/candidates/{cid}"}, Need::kRecruiter},
      {{"DELETE", "/api/candidates/{id}"}, Need::kRecruiter},
      {{"GET", "/api/audit"}, Need::kAdmin},
      // The API description is public (Swagger UI at /docs loads it before anyone signs in).
      {{"GET", "/api/openapi.json"}, Need::kNone},
  };
  return kTable;
}

// "/api/jobs/{id}/candidates/{cid}" -> "/api/jobs/987654/candidates/987654".
std::string concrete(std::string pattern) {
  for (size_t open = pattern.find('{'); open != std::string::npos; open = pattern.find('{')) {
    pattern.replace(open, pattern.find('}', open) - open + 1, "987654");
  }
  return pattern;
}

class ApiAccessTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const std::string spec = db::testing::fresh_database_spec(GetParam());
    ApiOptions options;
    options.db_spec = spec;
    options.serve_web = false;
    api_ = std::make_unique<ScreeningApi>(options);
    {
      auto db = auth::testing::open_migrated(spec);
      auth::AuthStoreOptions store_options;
      store_options.password_cost = auth::kMinimumCost;
      auth::AuthStore store(*db, store_options);
      store.create_user("admin", "admin-password", auth::Role::kAdmin, "test");
      store.create_user("rita", "rita-password", auth::Role::kRecruiter, "test");
      store.create_user("victor", "victor-password", auth::Role::kViewer, "test");
    }
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{});
    api_->register_routes(*server_);
    port_ = server_->bind("127.0.0.1", 0);
    thread_ = std::thread([this] { server_->serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(10, 0);
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Headers login(const std::string& user, const std::string& password) {
    auto res = client_->Post("/api/auth/login", json{{"username", user}, {"password", password}}.dump(),
                             "application/json");
    EXPECT_TRUE(res && res->status == 200) << user;
    if (!res) return {};
    const std::string set_cookie = res->get_header_value("Set-Cookie");
    return {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}};
  }

  int call(const std::string& method, const std::string& path, const httplib::Headers& headers) {
    auto status = [](const httplib::Result& res) { return res ? res->status : -1; };
    if (method == "GET") return status(client_->Get(path, headers));
    if (method == "POST") return status(client_->Post(path, headers, "{}", "application/json"));
    if (method == "PUT") return status(client_->Put(path, headers, "{}", "application/json"));
    if (method == "DELETE") return status(client_->Delete(path, headers));
    ADD_FAILURE() << "method " << method;
    return -1;
  }

  std::unique_ptr<ScreeningApi> api_;
  std::unique_ptr<server::HttpServer> server_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_P(ApiAccessTest, EveryRouteByRole) {
  const std::map<Need, httplib::Headers> who = {{Need::kViewer, login("victor", "victor-password")},
                                                {Need::kRecruiter, login("rita", "rita-password")},
                                                {Need::kAdmin, login("admin", "admin-password")}};
  ASSERT_FALSE(api_->routes().empty());
  size_t checked = 0;
  for (const auto& [method, pattern] : api_->routes()) {
    const auto it = expected_access().find({method, pattern});
    if (it == expected_access().end()) {
      ADD_FAILURE() << method << " " << pattern << " is not in docs/api.md's tables (add it to this test)";
      continue;
    }
    const Need need = it->second;
    if (need == Need::kNone || pattern == "/api/auth/logout") continue;  // login; logout would end a session
    const std::string path = concrete(pattern);
    const std::string route = method + " " + pattern;
    EXPECT_EQ(call(method, path, {}), 401) << route << " without credentials";
    EXPECT_EQ(call(method, path, {{"Cookie", "hirelm_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}), 401)
        << route << " with a forged session";
    EXPECT_EQ(call(method, path, {{"Authorization", "Bearer hlm_forged"}}), 401) << route << " with a forged token";
    for (const auto& [role, headers] : who) {
      const int status = call(method, path, headers);
      if (role < need) {
        EXPECT_EQ(status, 403) << route << " as a role below the one it needs";
      } else {
        EXPECT_NE(status, 401) << route << " allowed";
        EXPECT_NE(status, 403) << route << " allowed";
        EXPECT_GT(status, 0) << route;
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 20u) << "the API registered fewer routes than docs/api.md lists";
}

TEST_P(ApiAccessTest, ViewerCannotUploadOrDelete) {
  const httplib::Headers viewer = login("victor", "victor-password");
  const httplib::Headers recruiter = login("rita", "rita-password");
  auto job = client_->Post("/api/jobs", recruiter,
                           json{{"title", "Backend engineer"}, {"description", "Go and PostgreSQL, 3+ years."}}.dump(),
                           "application/json");
  ASSERT_TRUE(job);
  ASSERT_EQ(job->status, 201) << job->body;
  const int64_t job_id = json::parse(job->body)["job"]["id"];
  const std::string documents = "/api/jobs/" + std::to_string(job_id) + "/documents";
  const httplib::MultipartFormDataItems files = {
      {"files", "Jane Doe\njane@example.com\nGo developer, 5 years.\n", "jane.txt", "text/plain"}};

  auto viewer_upload = client_->Post(documents, viewer, files);
  ASSERT_TRUE(viewer_upload);
  EXPECT_EQ(viewer_upload->status, 403) << viewer_upload->body;
  auto listed = client_->Get(documents, viewer);
  ASSERT_EQ(listed->status, 200);
  EXPECT_TRUE(json::parse(listed->body)["documents"].empty()) << "the refused upload stored nothing";

  auto recruiter_upload = client_->Post(documents, recruiter, files);
  ASSERT_TRUE(recruiter_upload);
  ASSERT_EQ(recruiter_upload->status, 200) << recruiter_upload->body;
  const json uploaded = json::parse(recruiter_upload->body);
  ASSERT_EQ(uploaded["accepted"], 1) << uploaded.dump();
  const int64_t candidate_id = uploaded["files"][0]["candidate_id"];

  EXPECT_EQ(client_->Delete("/api/candidates/" + std::to_string(candidate_id), viewer)->status, 403);
  EXPECT_EQ(client_->Delete("/api/jobs/" + std::to_string(job_id), viewer)->status, 403);
  EXPECT_EQ(client_->Delete("/api/jobs/" + std::to_string(job_id), recruiter)->status, 403) << "admin only";
  EXPECT_EQ(client_->Post("/api/jobs/" + std::to_string(job_id) + "/runs", viewer, "{}", "application/json")->status,
            403);
  auto after = client_->Get(documents, viewer);
  ASSERT_EQ(after->status, 200);
  EXPECT_EQ(json::parse(after->body)["documents"].size(), 1u) << "nothing was deleted";
  EXPECT_EQ(client_->Get("/api/jobs/" + std::to_string(job_id), viewer)->status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiAccessTest, ::testing::ValuesIn(db::testing::test_backends()),
                         db::testing::backend_param_name);

}  // namespace
}  // namespace hirelm::api
