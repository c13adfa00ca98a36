// Errors of the screening service beyond util/error.h's kinds, so the API can answer 409 and 413 for them.
// Both are input errors (exit 2 for a CLI caller).
#pragma once

#include <string>

#include "util/error.h"

namespace hirelm::service {

// The request conflicts with the current state: a run is already active for the job, ...
class ConflictError : public InvalidInputError {
 public:
  explicit ConflictError(const std::string& message) : InvalidInputError(message) {}
};

// Over a limit of the whole request (too many files).
class TooLargeError : public InvalidInputError {
 public:
  explicit TooLargeError(const std::string& message) : InvalidInputError(message) {}
};

}  // namespace hirelm::service
