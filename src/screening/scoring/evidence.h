// Evidence quotes: short passages a model cites from the resume. A quote counts as evidence only when it
// occurs in the resume text after normalization on both sides: NFKC, case folding, and dropping
// whitespace, punctuation and symbols (so line breaks, full-width forms, "C++" vs "c ++" and curly
// quotes do not matter, but any changed letter or digit does).
#pragma once

#include <string>
#include <string_view>

namespace hirelm::screening {

// The normalized form used for matching (UTF-8). Invalid UTF-8 bytes are dropped.
std::string normalize_for_match(std::string_view text);

// Quotes whose normalized form is shorter than this many bytes are not accepted as evidence (a quote of
// "C" or "5" matches anything).
constexpr size_t kMinEvidenceBytes = 4;

// True when `quote` is long enough and its normalized form occurs in `normalized_source` (the result of
// normalize_for_match on the resume).
bool quote_in_source(std::string_view quote, std::string_view normalized_source);

}  // namespace hirelm::screening
