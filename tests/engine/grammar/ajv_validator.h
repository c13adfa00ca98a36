// Independent validation of generated JSON with ajv (node, tests/engine/grammar/validate_outputs.js), shared
// by the grammar tests that generate JSON: directly through GrammarState and through Engine::generate.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace hirelm::test {

// `rel` resolved against the source tree.
std::string source_path(const std::string& rel);

// src/engine/grammar/resume_schema.json, parsed with its property order kept.
nlohmann::ordered_json resume_schema();

// True when node and node_modules/ajv + ajv-formats are present; else false with the reason in *why.
bool ajv_available(std::string* why);

// Validates (schema index, output text) records against `schemas` with ajv; returns the node report
// ({"records": n, "failures": n, ...}). When node itself fails, records a test failure (with its output)
// and returns {"records": 0, "failures": -1}.
nlohmann::ordered_json run_ajv(const std::vector<nlohmann::ordered_json>& schemas,
                               const std::vector<std::pair<size_t, std::string>>& outputs);

}  // namespace hirelm::test

// Skips (or, under HIRELM_REQUIRE_REFERENCE=1, fails) a test when ajv cannot run.
#define HIRELM_REQUIRE_AJV()                                                 \
  do {                                                                       \
    std::string ajv_missing_;                                                \
    if (!::hirelm::test::ajv_available(&ajv_missing_)) {                     \
      if (std::getenv("HIRELM_REQUIRE_REFERENCE") != nullptr) {              \
        FAIL() << ajv_missing_;                                              \
      }                                                                      \
      GTEST_SKIP() << ajv_missing_;                                          \
    }                                                                        \
  } while (0)
