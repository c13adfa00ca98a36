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

}  // namespace

std::string HttpRequest::header(std::string_view name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

struct HttpServer::Impl {
  HttpServerOptions options;
  httplib::Server server;

  std::string error_text(int status, const std::string& message) const {
    return options.error_body ? options.error_body(status, message) : message;
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
    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    // A preflight may ask for more than these (the openai SDK sends X-Stainless-* headers): allow
    // what it asks for. Authorization must be named; the "*" wildcard does not cover it.
    const std::string requested = req.get_header_value("Access-Control-Request-Headers");
    res.set_header("Access-Control-Allow-Headers", requested.empty() ? "Authorization, Content-Type" : requested);
    if (req.method == "OPTIONS") res.set_header("Access-Control-Max-Age", "600");
  }

  httplib::Server::Handler wrap(HttpHandler handler) {
    return [this, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
      HttpRequest request;
      request.method = req.method;
      request.path = req.path;
      request.body = req.body;
      for (const auto& [name, value] : req.headers) request.headers[lower(name)] = value;
      HttpResponse response;
      try {
        response = handler(request);
      } catch (const std::exception& e) {
        response = HttpResponse{};
        response.status = 500;
        response.body = error_text(500, std::string("internal error: ") + e.what());
      }
      res.status = response.status;
      for (const auto& [name, value] : response.headers) res.set_header(name, value);
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
    std::string message = res.status == 404   ? "no route " + req.method + " " + req.path
                          : res.status == 413 ? "request body larger than " +
                                                    std::to_string(impl->options.max_body_bytes) + " bytes"
                                              : "HTTP " + std::to_string(res.status);
    impl->add_cors(req, res);
    res.set_content(impl->error_text(res.status, message), "application/json");
  });
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::get(const std::string& path, HttpHandler handler) {
  impl_->server.Get(path, impl_->wrap(std::move(handler)));
}

void HttpServer::post(const std::string& path, HttpHandler handler) {
  impl_->server.Post(path, impl_->wrap(std::move(handler)));
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
