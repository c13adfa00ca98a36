// The JSON schema the model's profile answer is constrained to (profile_schema.json in this folder, compiled
// into the library). It stays inside the grammar's supported subset (docs/grammar.md): pass it to
// grammar::Grammar::from_json_schema_text, or as response_format json_schema to an OpenAI-compatible server.
#pragma once

#include <string_view>

namespace hirelm::profile {

// The schema text, byte for byte the file's. Properties appear in the order the model should write them.
std::string_view profile_schema_json();

}  // namespace hirelm::profile
