// SHA-256 of text as "sha256:" + lowercase hex: the content hashes the screening store keys on (job
// files, prompts, rubrics). Same form as documents::Document::content_hash.
#pragma once

#include <string>
#include <string_view>

namespace hirelm::screening {

std::string sha256_tagged(std::string_view data);

}  // namespace hirelm::screening
