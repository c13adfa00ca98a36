// Fuzz target for the model's profile answer: extract the object, parse it (errors must be InvalidInputError),
// and run every check with the input itself as the source text. Checked contacts must occur in the source.
#include <cstddef>
#include <cstdint>
#include <string>

#include "screening/profile/profile_checks.h"
#include "screening/profile/profile_parser.h"
#include "util/check.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  using namespace hirelm::profile;
  try {
    Profile p = parse_profile_json(extract_json_object(input));
    check_profile(p, input, YearMonth{2026, 11});
    if (p.email) HIRELM_CHECK(email_in_source(*p.email, input));
    if (p.phone) HIRELM_CHECK(phone_in_source(*p.phone, input));
    HIRELM_CHECK(p.projects.size() <= kMaxProjects);
    if (p.highest_degree) HIRELM_CHECK(degree_rank(*p.highest_degree) >= 0);
    if (p.years_of_experience) HIRELM_CHECK(*p.years_of_experience >= 0);
    (void)p.tech_stack_flat();
  } catch (const hirelm::InvalidInputError&) {
  }
  return 0;
}
