// The OpenAI-compatible HTTP API over a CompletionBackend: /v1/chat/completions, /v1/completions,
// /v1/models, /tokenize, /detokenize (vLLM shapes), /health, /metrics (Prometheus text),
// /openapi.json and /docs (Swagger UI).
//
// The server can listen before the model is loaded: /health answers 503 and every other route
// 503 until set_backend() is called. Handlers never throw; every error becomes an OpenAI error body
// with the status from http_status() (api_error.h).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/completion_backend.h"
#include "server/http_server.h"
#include "server/metrics.h"

namespace hirelm::server {

struct ServerOptions {
  std::string served_model_name;         // the id /v1/models reports; requests may also use its basename
  std::vector<std::string> api_keys;     // when non-empty, every route but /health needs "Bearer <key>"
  std::vector<std::string> allowed_origins;  // CORS
  size_t max_body_bytes = 8u << 20;      // larger bodies get 413
  // Without a backend, model routes answer 503 with this message, and /health answers 503 too unless
  // `healthy_without_backend` (a server that runs no local model on purpose, e.g. `serve --llm-url`).
  std::string no_backend_message = "model is loading";
  bool healthy_without_backend = false;
};

class OpenAiServer {
 public:
  explicit OpenAiServer(ServerOptions options);
  ~OpenAiServer();

  // Makes the server ready; until then /health is 503.
  void set_backend(std::shared_ptr<CompletionBackend> backend);

  int bind(const std::string& host, int port) { return http_.bind(host, port); }
  void serve() { http_.serve(); }  // blocks until stop()
  void stop() { http_.stop(); }
  bool running() const { return http_.running(); }

  // Every route registered, as {method, path}; /openapi.json describes exactly these (plus what
  // extend_openapi adds).
  const std::vector<std::pair<std::string, std::string>>& routes() const { return routes_; }

  // The HTTP server underneath, for other route sets (the screening /api, the web UI). Register before bind().
  HttpServer& http() { return http_; }
  // Adds to /openapi.json (e.g. the screening API merges its /api paths and schemas in). Call before bind();
  // `extend` runs on every request of /openapi.json, on the document built for it.
  void extend_openapi(std::function<void(nlohmann::ordered_json&)> extend) { openapi_extensions_.push_back(std::move(extend)); }

 private:
  std::shared_ptr<CompletionBackend> backend() const;
  bool model_matches(const std::string& name) const;
  // Wraps a route: API-key check, readiness check, and the one catch that turns errors into bodies.
  HttpHandler guarded(bool needs_backend, std::function<HttpResponse(const HttpRequest&)> handler);
  void route(const std::string& method, const std::string& path, HttpHandler handler);

  HttpResponse completions(const HttpRequest& request, bool chat);
  HttpResponse models();
  HttpResponse tokenize(const HttpRequest& request);
  HttpResponse detokenize(const HttpRequest& request);
  HttpResponse metrics();
  HttpResponse openapi();

  ServerOptions options_;
  mutable std::mutex backend_mutex_;
  std::shared_ptr<CompletionBackend> backend_;
  ServerMetrics metrics_;  // declared before http_: streams still running at shutdown record into it
  std::vector<std::pair<std::string, std::string>> routes_;
  std::vector<std::function<void(nlohmann::ordered_json&)>> openapi_extensions_;
  HttpServer http_;
};

}  // namespace hirelm::server
