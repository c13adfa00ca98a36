// Parsing the model's profile answer (JSON following profile_schema.json) into a Profile.
#pragma once

#include <string_view>

#include "screening/profile/profile.h"

namespace hirelm::profile {

// Parses one JSON object. Tolerant where a model is sloppy and the meaning is clear: a missing key is null
// or empty; `tech_stack` may also be a plain array of strings (taken as frameworks); extra keys are ignored;
// more than kMaxProjects projects are cut to the first ones. Strict about types: a present field of the wrong
// type throws InvalidInputError naming the field and the expected and actual JSON types
// ("profile json: field 'work_history[2].start': expected string, got number"). Malformed JSON or a
// non-object throws InvalidInputError with the parser's byte offset.
// Does not run the checks: call check_profile() with the source text afterwards.
Profile parse_profile_json(std::string_view json_text);

// The JSON object inside a model answer that may wrap it in prose or a ```json fence: the text from the
// first '{' to its matching '}' (string-aware). Returns the whole input when no balanced object is found,
// so that parse_profile_json reports the real error.
std::string_view extract_json_object(std::string_view answer);

}  // namespace hirelm::profile
