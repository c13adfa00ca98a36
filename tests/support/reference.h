// Paths to ../shared/reference (overridable with HIRELM_REFERENCE_DIR in the environment) and to the
// built hirelm binary, for tests that run the CLI.
#pragma once

#include <string>

namespace hirelm::test {

// The reference directory; tests that need it call GTEST_SKIP() only if it is truly absent, and CI
// sets HIRELM_REQUIRE_REFERENCE=1 so that a missing reference fails instead of skipping.
std::string reference_dir();
std::string reference_path(const std::string& relative);
bool reference_available();
std::string hirelm_binary();

// Runs a shell command, feeding `stdin_text` and capturing stdout; returns the exit status.
int run_command(const std::string& command, const std::string& stdin_text, std::string* stdout_text);

}  // namespace hirelm::test

// Skips (or, under HIRELM_REQUIRE_REFERENCE=1, fails) a test when the reference data is absent.
#define HIRELM_REQUIRE_REFERENCE()                                                         \
  do {                                                                                     \
    if (!::hirelm::test::reference_available()) {                                          \
      if (std::getenv("HIRELM_REQUIRE_REFERENCE") != nullptr) {                            \
        FAIL() << "reference data missing at " << ::hirelm::test::reference_dir();        \
      }                                                                                    \
      GTEST_SKIP() << "reference data missing at " << ::hirelm::test::reference_dir();    \
    }                                                                                      \
  } while (0)
