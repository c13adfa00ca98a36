// Deterministic checks that turn what the model wrote into what HR can trust (issue 8, "Profile").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "screening/profile/date_range.h"
#include "screening/profile/profile.h"

namespace hirelm::profile {

// Runs every check below on `profile` against the resume's `source_text` (the extracted document text),
// setting fields and appending flags (each flag at most once):
// - email / phone not found in the source (contact_in_source) -> set to null, flag contact_not_in_source;
// - years recomputed from work_history (merged_years); years_stated keeps the model's figure; flag
//   years_mismatch when both exist and differ by more than kYearsTolerance;
// - highest_degree from degree_raw and the education entries (normalize_degree, the highest wins); the
//   model's own enum value is used only when no raw text names a degree.
void check_profile(Profile& profile, std::string_view source_text, YearMonth today);

inline constexpr double kYearsTolerance = 1.0;

// Contact identities as the checks below compare them, and as the store dedups candidates by: the e-mail
// folded (full-width forms, case) without whitespace, "" when it holds no '@'; the phone's digits (full-width
// folded) without a +86 / 0086 / 86 country code in front of an 11-digit mobile number, "" when fewer than 6.
std::string normalize_email(std::string_view email);
std::string normalize_phone(std::string_view phone);

// True when `email` occurs in `source`, compared after folding full-width ASCII, lower-casing and
// dropping spaces around '@' and '.'. An empty or '@'-less email is never in the source.
bool email_in_source(std::string_view email, std::string_view source);

// True when the digits of `phone` occur in `source` as one phone-like run (digits joined by spaces, dashes,
// dots, parentheses, full-width forms) or a separator-bounded part of one, a leading +86 / 0086 / 86 country
// code optional on either side. Fewer than 6 digits is never a phone in the source.
bool phone_in_source(std::string_view phone, std::string_view source);

// "大专", "本科", "硕士", "博士" for text naming an associate, bachelor, master or doctorate degree in
// Chinese or English (BSc, B.Eng, MEng, MBA, PhD, 学士, 研究生, 专科, ...; the highest named wins),
// "other" for other non-empty text, nullopt for empty text.
std::optional<std::string> normalize_degree(std::string_view raw);

// Rank of a normalized degree for comparison: 大专 1, 本科 2, 硕士 3, 博士 4, other 0, unknown -1.
int degree_rank(std::string_view normalized);

}  // namespace hirelm::profile
