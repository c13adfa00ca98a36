// An in-process screening API for tests: a fresh database (SQLite, or PostgreSQL when HIRELM_TEST_POSTGRES_URL
// is set), ScreeningApi on an HttpServer bound to an ephemeral port, three users (admin, recruiter, viewer)
// with API tokens, and a cpp-httplib client.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/screening_api.h"
#include "server/http_server.h"
#include "test_db.h"

namespace hirelm::api::testing {

using Json = nlohmann::json;

struct FilePart {
  std::string filename;
  std::string content;
};

class ApiFixture : public db::testing::BackendTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Adjusts the options before the API is made (limits, poll intervals).
  virtual void configure(ApiOptions& /*options*/) {}

  httplib::Headers auth(const std::string& token) const { return {{"Authorization", "Bearer " + token}}; }
  httplib::Result get(const std::string& path, const std::string& token);
  httplib::Result post_json(const std::string& path, const Json& body, const std::string& token);
  httplib::Result put_json(const std::string& path, const Json& body, const std::string& token);
  httplib::Result del(const std::string& path, const std::string& token, const std::string& body = "");
  httplib::Result upload(const std::string& path, const std::vector<FilePart>& files, const std::string& token);

  // POST /api/jobs with a small valid body; returns the job id.
  int64_t create_job(const std::string& title = "Backend Engineer");

  std::string spec_;
  std::unique_ptr<ScreeningApi> api_;
  std::unique_ptr<server::HttpServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;
  std::string admin_, recruiter_, viewer_;  // API tokens
};

// The error code of an error answer ("" when the body is not the API's error shape).
std::string error_code(const httplib::Result& result);

// A zip archive of `files`, stored (no compression).
std::string make_zip(const std::vector<FilePart>& files);

// A resume text long enough not to warn very_short.
std::string resume_text(const std::string& name, const std::string& extra = "");

}  // namespace hirelm::api::testing
