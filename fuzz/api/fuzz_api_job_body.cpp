// POST/PUT /api/jobs bodies: parse_job_body either throws InvalidInputError or returns a job file that
// parse_job accepts (what the worker will read back).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/job_body.h"
#include "screening/job/job.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string text;
  try {
    text = hirelm::api::parse_job_body(body);
  } catch (const hirelm::InvalidInputError&) {
    return 0;
  }
  // Must not throw: the accepted body's job file parses.
  const hirelm::screening::Job job = hirelm::screening::parse_job(text, "fuzz");
  if (job.description.empty() || job.criteria.empty()) __builtin_trap();
  return 0;
}
