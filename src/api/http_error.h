// The one error type of the screening API (docs/api.md, "Errors"): a status, a code word and a plain
// sentence. Route handlers throw it; the API's wrapper turns it (and util/error.h's typed errors) into
// {"error": {"code", "message"}} with the status.
#pragma once

#include <stdexcept>
#include <string>

namespace hirelm::api {

class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

  static HttpError bad_request(const std::string& m) { return {400, "invalid_request", m}; }
  static HttpError unauthenticated(const std::string& m) { return {401, "unauthenticated", m}; }
  static HttpError forbidden(const std::string& m) { return {403, "forbidden", m}; }
  static HttpError not_found(const std::string& m) { return {404, "not_found", m}; }
  static HttpError conflict(const std::string& m) { return {409, "conflict", m}; }
  static HttpError too_large(const std::string& m) { return {413, "too_large", m}; }
  static HttpError unsupported_media_type(const std::string& m) { return {415, "unsupported_media_type", m}; }

 private:
  int status_;
  std::string code_;
};

}  // namespace hirelm::api
