// Fuzz target for the job file HR writes (front matter + description): any bytes parse or fail with
// InvalidInputError only. A parsed job keeps the contract of job.h: a non-empty trimmed description,
// non-empty must-haves, at least one criterion, unique non-empty criterion names with weights in (0, 1000],
// a "sha256:" content hash, and the same result when parsed again.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "screening/job/job.h"
#include "util/check.h"
#include "util/error.h"

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hirelm::screening;
  if (size > 16384) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Job job;
  try {
    job = parse_job(text, "fuzz.md");
  } catch (const hirelm::InvalidInputError& e) {
    HIRELM_CHECK(std::string(e.what()).rfind("fuzz.md", 0) == 0);  // every message names the file
    return 0;
  }
  HIRELM_CHECK(!job.description.empty());
  HIRELM_CHECK(!is_space(job.description.front()) && !is_space(job.description.back()));
  HIRELM_CHECK(!job.criteria.empty());
  std::set<std::string> names;
  for (const Criterion& c : job.criteria) {
    HIRELM_CHECK(!c.name.empty());
    HIRELM_CHECK(c.weight > 0 && c.weight <= 1000);
    HIRELM_CHECK(names.insert(c.name).second);
  }
  for (const std::string& m : job.must_have) HIRELM_CHECK(!m.empty());
  HIRELM_CHECK(job.content_hash.size() == 7 + 64 && job.content_hash.rfind("sha256:", 0) == 0);
  const Job again = parse_job(text, "other.md");
  HIRELM_CHECK(again.title == job.title && again.description == job.description && again.must_have == job.must_have);
  HIRELM_CHECK(again.criteria.size() == job.criteria.size() && again.content_hash == job.content_hash);
  return 0;
}
