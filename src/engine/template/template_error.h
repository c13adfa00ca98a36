// Errors raised while parsing or rendering a chat template. Every message starts with
// "chat template line N: " so a user can find the construct in the template source.
#pragma once

#include <string>

#include "util/error.h"

namespace hirelm::templating {

// Bad template or bad data for it (syntax error, undefined attribute, raise_exception, type error).
[[noreturn]] inline void throw_template_error(int line, const std::string& message) {
  throw InvalidInputError("chat template line " + std::to_string(line) + ": " + message);
}

// A construct of jinja2 we deliberately do not implement; `what` names it ("filter 'wordwrap'").
[[noreturn]] inline void throw_unsupported(int line, const std::string& what) {
  throw UnsupportedError("chat template line " + std::to_string(line) + ": unsupported " + what);
}

}  // namespace hirelm::templating
