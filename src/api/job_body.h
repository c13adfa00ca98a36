// The body of POST/PUT /api/jobs (docs/api.md "Jobs"): `{title, description, must_have?, criteria?}` or
// `{text}` (a whole job file). Parsing is separate from the routes so a fuzzer can drive it (fuzz_api_job_body).
#pragma once

#include <string>
#include <string_view>

namespace hirelm::api {

// The canonical job-file text the body describes (service::render_job_text for the field form; the text
// itself, checked with parse_job, for {text}). Throws InvalidInputError naming the field: not JSON or not an
// object, unknown fields, wrong types, both forms at once, missing title/description, criteria that are not
// [{name, weight>0}] with unique names.
std::string parse_job_body(std::string_view body);

}  // namespace hirelm::api
