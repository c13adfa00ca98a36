// A thin wrapper over the HTTP library (cpp-httplib); http_server.cpp is the only file that includes
// it. Routes are paths with optional `{name}` segments ("/api/jobs/{id}/documents"): a `{name}` matches
// one non-empty path segment (no '/'), handed to the handler in HttpRequest::path_params; everything else
// in the pattern matches literally. Handlers should not throw; if one does, the wrapper answers 500.
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

// One file part of a multipart/form-data body.
struct UploadedFile {
  std::string name;          // the form field name, e.g. "files"
  std::string filename;      // as the client sent it (untrusted: may hold path parts or control characters)
  std::string content_type;  // as the client sent it (untrusted)
  std::string content;       // the bytes
};

struct HttpRequest {
  std::string method;
  std::string path;
  std::string body;  // empty for multipart/form-data requests (their parts are in files)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::map<std::string, std::string> path_params;  // `{name}` segments of the route pattern (of the decoded path)
  std::multimap<std::string, std::string> query;   // query string parameters, decoded, in order per name
  std::vector<UploadedFile> files;                 // multipart/form-data parts, in body order
  bool multipart = false;                          // the request's Content-Type was multipart/form-data
  bool tls = false;                                // the request came over TLS (never, for now: plain HTTP)

  // The header's value, or "" when absent. `name` is matched case-insensitively.
  std::string header(std::string_view name) const;
  // The first query value of `name`, or "" when absent.
  std::string query_value(const std::string& name) const;
  // Every query value of `name` ("flag=a&flag=b"), in order.
  std::vector<std::string> query_values(const std::string& name) const;
  bool has_query(const std::string& name) const { return query.count(name) > 0; }
  // The path parameter, or "" when the route has none of that name.
  std::string path_param(const std::string& name) const;
};

// Writes one piece of a streamed body; returns false once the client is gone.
using ChunkWriter = std::function<bool(std::string_view)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers, in order; a name may repeat (Set-Cookie).
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is streamed (chunked transfer encoding) by calling this once on the server's
  // thread; it returns when done or when the writer reports the client gone.
  std::function<void(const ChunkWriter&)> stream;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// Builds the body of errors the wrapper produces itself (404 unknown route, 413, 500).
using ErrorBody = std::function<std::string(int status, const std::string& message)>;

struct HttpServerOptions {
  size_t max_body_bytes = 8u << 20;        // larger bodies get 413 without reaching a handler
  std::vector<std::string> allowed_origins;  // CORS: "*" or exact origins; empty = no CORS headers
  ErrorBody error_body;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers `pattern` for one method. Register before bind(). The first registered pattern that matches
  // a request's path wins.
  void get(const std::string& pattern, HttpHandler handler);
  void post(const std::string& pattern, HttpHandler handler);
  void put(const std::string& pattern, HttpHandler handler);
  void patch(const std::string& pattern, HttpHandler handler);
  void del(const std::string& pattern, HttpHandler handler);
  // Same, by method name ("GET", "POST", "PUT", "PATCH", "DELETE"); throws InvalidInputError for another.
  void route(const std::string& method, const std::string& pattern, HttpHandler handler);

  // Errors the wrapper produces itself for paths starting with `prefix` use `body` instead of the options'
  // error_body (the longest matching prefix wins), e.g. "/api/" answers in the screening API's error shape.
  void set_error_body(const std::string& prefix, ErrorBody body);

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

// The regular expression a route pattern compiles to ("/api/jobs/{id}" -> "/api/jobs/([^/]+)") and its
// parameter names in order. Throws InvalidInputError for an unclosed '{' or an empty name.
std::pair<std::string, std::vector<std::string>> compile_route_pattern(const std::string& pattern);

}  // namespace hirelm::server
