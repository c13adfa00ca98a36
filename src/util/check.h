// Always-on invariant checks. A failed check is a bug in hirelm, never a user error: user errors are
// typed exceptions (error.h). HIRELM_CHECK stays on in release builds because a silent wrong answer
// from an inference engine is worse than a crash with a message.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace hirelm::detail {
[[noreturn]] inline void check_failed(const char* expr, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "hirelm: internal check failed: %s (%s:%d)%s%s\n", expr, file, line, msg ? ": " : "",
               msg ? msg : "");
  std::abort();
}
}  // namespace hirelm::detail

#define HIRELM_CHECK(cond)                                                          \
  do {                                                                              \
    if (!(cond)) ::hirelm::detail::check_failed(#cond, __FILE__, __LINE__, nullptr); \
  } while (0)

#define HIRELM_CHECK_MSG(cond, msg)                                               \
  do {                                                                            \
    if (!(cond)) ::hirelm::detail::check_failed(#cond, __FILE__, __LINE__, (msg)); \
  } while (0)
