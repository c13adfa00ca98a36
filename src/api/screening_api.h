// The screening REST API (docs/api.md): ScreeningApi registers every /api route (the account routes through
// the Authorizer, the rest from the route files: jobs_routes.cpp, documents_routes.cpp, runs_routes.cpp,
// candidates_routes.cpp), GET /api/openapi.json, and the web UI (GET / and /ui/*) on an HttpServer.
//
// Threading: the HTTP server runs handlers on a pool; each request borrows a service session (a Store and a
// TaskQueue over the database, each with its own connection) from a pool and returns it afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "screening/documents/document.h"

namespace hirelm::server {
class HttpServer;
}  // namespace hirelm::server

namespace hirelm::service {
class SessionPool;
}  // namespace hirelm::service

namespace hirelm::api {

class Authorizer;

struct ApiOptions {
  std::string db_spec;                        // SQLite path or postgresql:// URL (migrated on construction)
  size_t max_upload_bytes = 20u << 20;        // per file (--max-upload-bytes); over: that file is rejected
  size_t max_upload_files = 500;              // per request, zip members counted (--max-upload-files); over: 413
  documents::ExtractOptions extract;          // text extraction at upload
  int events_poll_ms = 500;                   // SSE: how often a run's counts are checked
  int events_ping_ms = 15000;                 // SSE: `: ping` comment interval
  bool serve_web = true;                      // GET / and /ui/* (the embedded web UI)
};

class ScreeningApi {
 public:
  // Opens (and migrates) the database; throws IoError / UnsupportedError.
  explicit ScreeningApi(ApiOptions options);
  ~ScreeningApi();
  ScreeningApi(const ScreeningApi&) = delete;
  ScreeningApi& operator=(const ScreeningApi&) = delete;

  // Registers the routes on `server` (before it binds). The ScreeningApi must outlive the server's serving.
  void register_routes(server::HttpServer& server);

  // Every /api route registered, as {method, pattern} ("GET", "/api/jobs/{id}"); /api/openapi.json describes
  // exactly these.
  const std::vector<std::pair<std::string, std::string>>& routes() const { return routes_; }

  // The OpenAPI 3.1 document of the /api routes (GET /api/openapi.json).
  nlohmann::ordered_json openapi_document() const;

  Authorizer& authorizer() { return *authorizer_; }
  const ApiOptions& options() const { return options_; }

 private:
  ApiOptions options_;
  std::unique_ptr<service::SessionPool> pool_;
  std::unique_ptr<Authorizer> authorizer_;
  std::vector<std::pair<std::string, std::string>> routes_;
};

// Merges `api`'s paths, components and tags into `document` (the OpenAI server's /openapi.json), so /docs
// shows both.
void merge_openapi(nlohmann::ordered_json& document, const nlohmann::ordered_json& api);

}  // namespace hirelm::api
