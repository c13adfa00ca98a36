// The parts of a candidate's export record (exports::ExportCandidate) that come from its profile and from its
// score stage's value: shared by the pipeline's export (from a finished run) and the service's rows (from the
// stored stage results), so a candidate reads the same in the CLI's table and the API.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "screening/export/export.h"
#include "screening/profile/profile.h"

namespace hirelm::screening {

// The number at `key` of a JSON object (a stored stage value), or nullopt when it is missing or not a number.
std::optional<double> json_number(const nlohmann::json& object, const char* key);

// Sets name, email, phone, years, degree, tech stack and the first 3 projects ("name: summary", or the name).
void set_export_profile(exports::ExportCandidate& record, const profile::Profile& candidate);

// Sets status ("scored" when `score_status` is "scored", else "no_score"), the score statistics, the per-sample
// scores, the must-have verdicts and, for no_score, the error from "no_score_reason". `score_value` is the
// score stage's value_json parsed; a value that is not an object sets only the status.
void set_export_score(exports::ExportCandidate& record, const std::string& score_status, const nlohmann::json& score_value);

}  // namespace hirelm::screening
