#include "api/screening_api.h"

#include "api/route_context.h"

#if __has_include("web/web_assets.h")
#include "web/web_assets.h"
#define HIRELM_API_HAS_WEB 1
#endif

namespace hirelm::api {

namespace {

// The account routes Authorizer::register_routes adds (auth_routes.cpp), for the route list and OpenAPI.
const std::vector<std::pair<std::string, std::string>> kAuthRoutes = {
    {"POST", "/api/auth/login"}, {"POST", "/api/auth/logout"},  {"GET", "/api/auth/me"},
    {"GET", "/api/users"},       {"POST", "/api/users"},        {"DELETE", "/api/users/{id}"},
    {"POST", "/api/tokens"},     {"GET", "/api/tokens"},        {"DELETE", "/api/tokens/{id}"}};

}  // namespace

ScreeningApi::ScreeningApi(ApiOptions options)
    : options_(std::move(options)),
      pool_(std::make_unique<service::SessionPool>(options_.db_spec)),
      authorizer_(std::make_unique<Authorizer>(options_.db_spec)) {}

ScreeningApi::~ScreeningApi() = default;

void ScreeningApi::register_routes(server::HttpServer& server) {
  routes_.clear();
  server.set_error_body("/api/", [](int status, const std::string& message) {
    return error_json(error_code_for_status(status), message);
  });
  authorizer_->register_routes(server);
  routes_.insert(routes_.end(), kAuthRoutes.begin(), kAuthRoutes.end());
  RouteContext context{*pool_, *authorizer_, options_, server, routes_};
  register_job_routes(context);
  register_document_routes(context);
  register_run_routes(context);
  register_candidate_routes(context);
  context.add("GET", "/api/openapi.json", [this](const server::HttpRequest&) { return json_response(openapi_document()); });
#ifdef HIRELM_API_HAS_WEB
  if (options_.serve_web) {
    for (const web::WebAsset& asset : web::web_assets()) {
      server.get(std::string(asset.path), [&asset](const server::HttpRequest&) {
        server::HttpResponse r;
        r.content_type = std::string(asset.content_type);
        r.body.assign(asset.body.data(), asset.body.size());
        r.headers.push_back({"X-Content-Type-Options", "nosniff"});
        r.headers.push_back({"Cache-Control", asset.path == "/" ? "no-cache" : "public, max-age=300"});
        return r;
      });
    }
  }
#endif
}

nlohmann::ordered_json ScreeningApi::openapi_document() const { return openapi_api_document(routes_); }

}  // namespace hirelm::api
