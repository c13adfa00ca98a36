// Errors the HTTP API reports, and the ONE place where error kinds become HTTP status codes and
// OpenAI-shaped bodies: {"error": {"message", "type", "param", "code"}}.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace hirelm::server {

enum class ApiErrorKind {
  kBadRequest,      // 400: malformed JSON, wrong types, out-of-range values
  kUnauthorized,    // 401: missing or wrong API key
  kNotFound,        // 404: unknown model or route
  kTooLarge,        // 413: body over --max-body, or prompt longer than the context
  kOverloaded,      // 429: the request queue is full
  kNotReady,        // 503: the model is still loading
  kUnsupported,     // 400: a valid request that uses a feature we do not implement yet
  kInternal,        // 500: a bug
};

// An API error with the request field it concerns (`param`, empty when none).
class ApiError : public std::runtime_error {
 public:
  ApiError(ApiErrorKind kind, const std::string& message, std::string param = {})
      : std::runtime_error(message), kind_(kind), param_(std::move(param)) {}
  ApiErrorKind kind() const { return kind_; }
  const std::string& param() const { return param_; }

 private:
  ApiErrorKind kind_;
  std::string param_;
};

int http_status(ApiErrorKind kind);
// OpenAI's error object: type "invalid_request_error" for 4xx client errors, and so on.
nlohmann::ordered_json error_body(ApiErrorKind kind, const std::string& message, const std::string& param = {});
// Maps the project's typed errors (util/error.h) onto API error kinds.
ApiErrorKind api_error_kind(ErrorKind kind);

}  // namespace hirelm::server
