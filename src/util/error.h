// Typed errors that cross layer boundaries. Each kind maps onto one exit code (CLI) and one HTTP status
// (server) in exactly one place: exit_code_for() below and, later, the server's error mapper.
#pragma once

#include <stdexcept>
#include <string>

namespace hirelm {

enum class ErrorKind {
  kInvalidInput,  // the user's data or arguments are wrong: bad file, bad field, bad flag value (exit 2)
  kNotFound,      // a named file, model or resource does not exist (exit 2)
  kUnsupported,   // valid input that uses something we do not implement (exit 2)
  kIo,            // the system failed us: read/write/network errors (exit 1)
  kInternal,      // a broken invariant: a bug in hirelm (exit 1)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Input errors name what was wrong with what: "tokenizer.json: field 'model.vocab' missing".
class InvalidInputError : public Error {
 public:
  explicit InvalidInputError(const std::string& message) : Error(ErrorKind::kInvalidInput, message) {}
};

class NotFoundError : public Error {
 public:
  explicit NotFoundError(const std::string& message) : Error(ErrorKind::kNotFound, message) {}
};

class UnsupportedError : public Error {
 public:
  explicit UnsupportedError(const std::string& message) : Error(ErrorKind::kUnsupported, message) {}
};

class IoError : public Error {
 public:
  explicit IoError(const std::string& message) : Error(ErrorKind::kIo, message) {}
};

// Exit codes of the CLI contract: 0 success, 1 runtime failure, 2 bad usage or bad input.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

inline int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
    case ErrorKind::kNotFound:
    case ErrorKind::kUnsupported:
      return kExitBadInput;
    case ErrorKind::kIo:
    case ErrorKind::kInternal:
      return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace hirelm
