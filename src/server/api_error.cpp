#include "server/api_error.h"

namespace hirelm::server {

int http_status(ApiErrorKind kind) {
  switch (kind) {
    case ApiErrorKind::kBadRequest:
    case ApiErrorKind::kUnsupported:
      return 400;
    case ApiErrorKind::kUnauthorized:
      return 401;
    case ApiErrorKind::kNotFound:
      return 404;
    case ApiErrorKind::kTooLarge:
      return 413;
    case ApiErrorKind::kOverloaded:
      return 429;
    case ApiErrorKind::kNotReady:
      return 503;
    case ApiErrorKind::kInternal:
      return 500;
  }
  return 500;
}

namespace {
const char* error_type(ApiErrorKind kind) {
  switch (kind) {
    case ApiErrorKind::kUnauthorized:
      return "authentication_error";
    case ApiErrorKind::kNotFound:
      return "not_found_error";
    case ApiErrorKind::kOverloaded:
      return "rate_limit_error";
    case ApiErrorKind::kNotReady:
      return "service_unavailable";
    case ApiErrorKind::kInternal:
      return "server_error";
    case ApiErrorKind::kBadRequest:
    case ApiErrorKind::kTooLarge:
    case ApiErrorKind::kUnsupported:
      return "invalid_request_error";
  }
  return "server_error";
}

const char* error_code(ApiErrorKind kind) {
  switch (kind) {
    case ApiErrorKind::kUnauthorized:
      return "invalid_api_key";
    case ApiErrorKind::kNotFound:
      return "model_not_found";
    case ApiErrorKind::kTooLarge:
      return "context_length_exceeded";
    case ApiErrorKind::kUnsupported:
      return "unsupported_parameter";
    default:
      return nullptr;
  }
}
}  // namespace

nlohmann::ordered_json error_body(ApiErrorKind kind, const std::string& message, const std::string& param) {
  nlohmann::ordered_json error;
  error["message"] = message;
  error["type"] = error_type(kind);
  error["param"] = param.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(param);
  const char* code = error_code(kind);
  error["code"] = code ? nlohmann::ordered_json(code) : nlohmann::ordered_json(nullptr);
  return {{"error", error}};
}

ApiErrorKind api_error_kind(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return ApiErrorKind::kBadRequest;
    case ErrorKind::kNotFound:
      return ApiErrorKind::kNotFound;
    case ErrorKind::kUnsupported:
      return ApiErrorKind::kUnsupported;
    case ErrorKind::kIo:
    case ErrorKind::kInternal:
      return ApiErrorKind::kInternal;
  }
  return ApiErrorKind::kInternal;
}

}  // namespace hirelm::server
