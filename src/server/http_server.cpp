#include "server/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>

#include "util/error.h"

namespace hirelm::server {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// `s` with every ECMAScript regex metacharacter escaped.
std::string regex_escape(std::string_view s) {
  static constexpr std::string_view kSpecial = R"(\^$.|?*+()[]{})";
  std::string out;
  for (char c : s) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::pair<std::string, std::vector<std::string>> compile_route_pattern(const std::string& pattern) {
  std::string regex;
  std::vector<std::string> names;
  size_t at = 0;
  while (at < pattern.size()) {
    const size_t open = pattern.find('{', at);
    if (open == std::string::npos) {
      regex += regex_escape(std::string_view(pattern).substr(at));
      break;
    }
    regex += regex_escape(std::string_view(pattern).substr(at, open - at));
    const size_t close = pattern.find('}', open);
    if (close == std::string::npos) throw InvalidInputError("route pattern '" + pattern + "': '{' without '}'");
    std::string name = pattern.substr(open + 1, close - open - 1);
    if (name.empty()) throw InvalidInputError("route pattern '" + pattern + "': empty parameter name");
    names.push_back(std::move(name));
    regex += "([^/]+)";
    at = close + 1;
  }
  return {regex, names};
}

std::string HttpRequest::header(std::string_view name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::query_value(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

std::vector<std::string> HttpRequest::query_values(const std::string& name) const {
  std::vector<std::string> out;
  auto [first, last] = query.equal_range(name);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

std::string HttpRequest::path_param(const std::string& name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string() : it->second;
}

struct HttpServer::Impl {
  HttpServerOptions options;
  httplib::Server server;
  std::vector<std::pair<std::string, ErrorBody>> prefix_error_bodies;

  std::string error_text(const std::string& path, int status, const std::string& message) const {
    const ErrorBody* body = options.error_body ? &options.error_body : nullptr;
    size_t best = 0;
    for (const auto& [prefix, fn] : prefix_error_bodies) {
      if (path.rfind(prefix, 0) == 0 && prefix.size() >= best) {
        best = prefix.size();
        body = &fn;
      }
    }
    return body ? (*body)(status, message) : message;
  }

  // Adds Access-Control-* headers when the request's Origin is allowed.
  void add_cors(const httplib::Request& req, httplib::Response& res) const {
    if (options.allowed_origins.empty()) return;
    const std::string origin = req.get_header_value("Origin");
    const bool any = std::find(options.allowed_origins.begin(), options.allowed_origins.end(), "*") !=
                     options.allowed_origins.end();
    const bool listed = std::find(options.allowed_origins.begin(), options.allowed_origins.end(), origin) !=
                        options.allowed_origins.end();
    if (any) {
      res.set_header("Access-Control-Allow-Origin", "*");
    } else if (!origin.empty() && listed) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Vary", "Origin");
    } else {
      return;
    }
    res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    // A preflight may ask for more than these (the openai SDK sends X-Stainless-* headers): allow
    // what it asks for. Authorization must be named; the "*" wildcard does not cover it.
    const std::string requested = req.get_header_value("Access-Control-Request-Headers");
    res.set_header("Access-Control-Allow-Headers", requested.empty() ? "Authorization, Content-Type" : requested);
    if (req.method == "OPTIONS") res.set_header("Access-Control-Max-Age", "600");
  }

  httplib::Server::Handler wrap(std::vector<std::string> param_names, HttpHandler handler) {
    return [this, param_names = std::move(param_names), handler = std::move(handler)](const httplib::Request& req,
                                                                                     httplib::Response& res) {
      HttpRequest request;
      request.method = req.method;
      request.path = req.path;
      request.body = req.body;
      for (const auto& [name, value] : req.headers) request.headers[lower(name)] = value;
      for (size_t i = 0; i < param_names.size() && i + 1 < req.matches.size(); ++i) {
        request.path_params[param_names[i]] = req.matches[static_cast<int>(i + 1)].str();
      }
      request.query.insert(req.params.begin(), req.params.end());
      request.multipart = req.is_multipart_form_data();
      for (const auto& [name, part] : req.files) {
        request.files.push_back(UploadedFile{part.name, part.filename, part.content_type, part.content});
      }
      HttpResponse response;
      try {
        response = handler(request);
      } catch (const std::exception& e) {
        response = HttpResponse{};
        response.status = 500;
        response.body = error_text(req.path, 500, std::string("internal error: ") + e.what());
      }
      res.status = response.status;
      for (const auto& [name, value] : response.headers) res.headers.emplace(name, value);
      add_cors(req, res);
      if (response.stream) {
        auto stream = std::move(response.stream);
        res.set_chunked_content_provider(response.content_type,
                                         [stream](size_t /*offset*/, httplib::DataSink& sink) {
                                           bool alive = true;
                                           stream([&](std::string_view piece) {
                                             alive = alive && sink.is_writable() && sink.write(piece.data(), piece.size());
                                             return alive;
                                           });
                                           if (alive) sink.done();
                                           return alive;
                                         });
      } else if (response.status == 204 || response.status == 304) {
        res.body.clear();  // no body and no Content-Type on these
      } else {
        res.set_content(response.body, response.content_type);
      }
    };
  }
};

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  Impl* impl = impl_.get();
  impl->server.set_payload_max_length(impl->options.max_body_bytes);
  impl->server.Options(".*", [impl](const httplib::Request& req, httplib::Response& res) {
    impl->add_cors(req, res);
    res.status = 204;
  });
  // Errors httplib produces itself (unknown route, body too large) get our JSON body.
  impl->server.set_error_handler([impl](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty() || res.is_chunked_content_provider_) return;
    if (res.status == 204 || res.status == 304) return;  // a handler's empty answer, not an error
    std::string message = res.status == 404   ? "no route " + req.method + " " + req.path
                          : res.status == 413 ? "request body larger than " +
                                                    std::to_string(impl->options.max_body_bytes) + " bytes"
                                              : "HTTP " + std::to_string(res.status);
    impl->add_cors(req, res);
    res.set_content(impl->error_text(req.path, res.status, message), "application/json");
  });
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::route(const std::string& method, const std::string& pattern, HttpHandler handler) {
  auto [regex, names] = compile_route_pattern(pattern);
  auto wrapped = impl_->wrap(std::move(names), std::move(handler));
  if (method == "GET") {
    impl_->server.Get(regex, std::move(wrapped));
  } else if (method == "POST") {
    impl_->server.Post(regex, std::move(wrapped));
  } else if (method == "PUT") {
    impl_->server.Put(regex, std::move(wrapped));
  } else if (method == "PATCH") {
    impl_->server.Patch(regex, std::move(wrapped));
  } else if (method == "DELETE") {
    impl_->server.Delete(regex, std::move(wrapped));
  } else {
    throw InvalidInputError("HTTP method '" + method + "' is not routable (GET, POST, PUT, PATCH, DELETE)");
  }
}

void HttpServer::get(const std::string& pattern, HttpHandler handler) { route("GET", pattern, std::move(handler)); }
void HttpServer::post(const std::string& pattern, HttpHandler handler) { route("POST", pattern, std::move(handler)); }
void HttpServer::put(const std::string& pattern, HttpHandler handler) { route("PUT", pattern, std::move(handler)); }
void HttpServer::patch(const std::string& pattern, HttpHandler handler) { route("PATCH", pattern, std::move(handler)); }
void HttpServer::del(const std::string& pattern, HttpHandler handler) { route("DELETE", pattern, std::move(handler)); }

void HttpServer::set_error_body(const std::string& prefix, ErrorBody body) {
  impl_->prefix_error_bodies.emplace_back(prefix, std::move(body));
}

int HttpServer::bind(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = impl_->server.bind_to_any_port(host);
  } else if (!impl_->server.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound < 0) throw IoError("cannot listen on " + host + ":" + std::to_string(port));
  return bound;
}

void HttpServer::serve() { impl_->server.listen_after_bind(); }
void HttpServer::stop() {
  if (impl_->server.is_running()) impl_->server.stop();
}
bool HttpServer::running() const { return impl_->server.is_running(); }

}  // namespace hirelm::server
