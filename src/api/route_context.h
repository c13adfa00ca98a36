// What the route files (jobs_routes.cpp, ...) share (handlers capture a copy: it holds references to objects
// ScreeningApi owns, which outlive the server): the session pool, the authorizer, the options, and `add`,
// which registers a guarded handler and records the route for the OpenAPI document.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "api/api_handler.h"
#include "api/authorization.h"
#include "api/screening_api.h"
#include "screening/service/service_session.h"
#include "server/http_server.h"

namespace hirelm::api {

struct RouteContext {
  service::SessionPool& pool;
  Authorizer& authorizer;
  const ApiOptions& options;
  server::HttpServer& server;
  std::vector<std::pair<std::string, std::string>>& routes;

  void add(const std::string& method, const std::string& pattern,
           std::function<server::HttpResponse(const server::HttpRequest&)> handler) {
    routes.emplace_back(method, pattern);
    server.route(method, pattern, guarded(std::move(handler)));
  }
};

void register_job_routes(RouteContext& context);
void register_document_routes(RouteContext& context);
void register_run_routes(RouteContext& context);
void register_candidate_routes(RouteContext& context);

// Content-Disposition: attachment with an ASCII fallback name and filename*=UTF-8''... (documents_routes.cpp).
std::string content_disposition(const std::string& file_name);

// The paths part of the OpenAPI document for `routes` (openapi_paths.cpp).
nlohmann::ordered_json openapi_api_document(const std::vector<std::pair<std::string, std::string>>& routes);

}  // namespace hirelm::api
