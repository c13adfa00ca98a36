#include "api/api_handler.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "api/http_error.h"
#include "auth/auth_store.h"
#include "screening/db/connection.h"
#include "screening/service/service_errors.h"
#include "util/error.h"

namespace hirelm::api {

using server::HttpRequest;
using server::HttpResponse;

std::string error_json(const std::string& code, const std::string& message) {
  return Json{{"error", {{"code", code}, {"message", message}}}}.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string error_code_for_status(int status) {
  switch (status) {
    case 400: return "invalid_request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "not_found";
    case 409: return "conflict";
    case 413: return "too_large";
    case 415: return "unsupported_media_type";
    case 503: return "unavailable";
    default: return status < 500 ? "invalid_request" : "internal_error";
  }
}

HttpResponse json_response(const Json& body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  r.content_type = "text/plain";
  return r;
}

namespace {

HttpResponse error_response(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = error_json(error_code_for_status(status), message);
  return r;
}

}  // namespace

server::HttpHandler guarded(std::function<HttpResponse(const HttpRequest&)> handler) {
  return [handler = std::move(handler)](const HttpRequest& request) -> HttpResponse {
    try {
      return handler(request);
    } catch (const HttpError& e) {
      HttpResponse r;
      r.status = e.status();
      r.body = error_json(e.code(), e.what());
      return r;
    } catch (const service::ConflictError& e) {
      return error_response(409, e.what());
    } catch (const auth::ConflictError& e) {  // a taken username (docs/api.md "Access")
      return error_response(409, e.what());
    } catch (const service::TooLargeError& e) {
      return error_response(413, e.what());
    } catch (const db::ConstraintError& e) {
      return error_response(409, e.what());
    } catch (const Error& e) {
      switch (e.kind()) {
        case ErrorKind::kInvalidInput:
        case ErrorKind::kUnsupported: return error_response(400, e.what());
        case ErrorKind::kNotFound: return error_response(404, e.what());
        case ErrorKind::kIo:
          std::fprintf(stderr, "hirelm api: %s %s: %s\n", request.method.c_str(), request.path.c_str(), e.what());
          return error_response(503, std::string("the database is unavailable: ") + e.what());
        default: break;
      }
      std::fprintf(stderr, "hirelm api: %s %s: internal error: %s\n", request.method.c_str(), request.path.c_str(), e.what());
      return error_response(500, std::string("internal error: ") + e.what());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "hirelm api: %s %s: internal error: %s\n", request.method.c_str(), request.path.c_str(), e.what());
      return error_response(500, std::string("internal error: ") + e.what());
    }
  };
}

int64_t path_id(const HttpRequest& request, const std::string& name) {
  const std::string text = request.path_param(name);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value <= 0) {
    throw HttpError::not_found("no resource with " + name + " '" + text + "' (expected a positive integer id)");
  }
  return value;
}

Json json_body(const HttpRequest& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw HttpError::bad_request("the request body is not valid JSON");
  if (!body.is_object()) throw HttpError::bad_request("the request body must be a JSON object");
  return body;
}

std::optional<double> query_number(const HttpRequest& request, const std::string& name) {
  if (!request.has_query(name)) return std::nullopt;
  const std::string text = request.query_value(name);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) {
    throw HttpError::bad_request(name + ": expected a number, got '" + text + "'");
  }
  return v;
}

std::optional<int64_t> query_integer(const HttpRequest& request, const std::string& name) {
  if (!request.has_query(name)) return std::nullopt;
  const std::string text = request.query_value(name);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    throw HttpError::bad_request(name + ": expected an integer, got '" + text + "'");
  }
  return value;
}

}  // namespace hirelm::api
