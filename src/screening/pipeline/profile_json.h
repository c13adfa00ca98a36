// A checked profile::Profile as stored in the "profile" stage result and back. (The model's raw JSON is
// parsed by profile::parse_profile_json; this is our own stored form, which also keeps years_stated and flags.)
#pragma once

#include <nlohmann/json.hpp>

#include "screening/profile/profile.h"

namespace hirelm::screening {

nlohmann::json profile_to_json(const profile::Profile& p);
// Tolerates missing fields (older stored results); throws nlohmann::json::exception on wrong types.
profile::Profile profile_from_json(const nlohmann::json& j);

// A few lines for the feedback prompt: degree, years, tech stack, projects. No name or contact.
std::string profile_summary(const profile::Profile& p, bool zh);

}  // namespace hirelm::screening
