// A thin wrapper over the HTTP library (cpp-httplib); http_server.cpp is the only file that includes
// it. Routes are exact paths. Handlers should not throw; if one does, the wrapper answers 500.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hirelm::server {

struct HttpRequest {
  std::string method;
  std::string path;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  // The header's value, or "" when absent. `name` is matched case-insensitively.
  std::string header(std::string_view name) const;
};

// Writes one piece of a streamed body; returns false once the client is gone.
using ChunkWriter = std::function<bool(std::string_view)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is streamed (chunked transfer encoding) by calling this once on the server's
  // thread; it returns when done or when the writer reports the client gone.
  std::function<void(const ChunkWriter&)> stream;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  size_t max_body_bytes = 8u << 20;        // larger bodies get 413 without reaching a handler
  std::vector<std::string> allowed_origins;  // CORS: "*" or exact origins; empty = no CORS headers
  // Builds the body of errors the wrapper produces itself (404 unknown route, 413, 500).
  std::function<std::string(int status, const std::string& message)> error_body;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void get(const std::string& path, HttpHandler handler);
  void post(const std::string& path, HttpHandler handler);

  // Binds host:port (port 0: an ephemeral port) and returns the bound port; throws IoError on failure.
  int bind(const std::string& host, int port);
  // Serves until stop(); call after bind(), typically on its own thread.
  void serve();
  void stop();
  bool running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hirelm::server
