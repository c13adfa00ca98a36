#include "screening/profile/profile_checks.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "screening/profile/text_fold.h"

namespace hirelm::profile {

namespace {

void add_flag(Profile& profile, const char* code) {
  if (!profile.has_flag(code)) profile.flags.emplace_back(code);
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_phone_separator(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+'; }

// Digits of a phone number, a country code +86 / 0086 / 86 in front of an 11-digit mobile dropped.
std::string phone_digits(std::string_view folded) {
  std::string d;
  for (char c : folded) {
    if (is_digit(c)) d.push_back(c);
  }
  if (d.size() == 15 && d.starts_with("0086")) d.erase(0, 4);
  if (d.size() == 13 && d.starts_with("86") && d[2] == '1') d.erase(0, 2);
  return d;
}

// A phone-like run of the source: its digits and the digit offsets where a separator (or a country code)
// ends, at which a number may start or end.
struct DigitRun {
  std::string digits;
  std::vector<size_t> cuts;
};

std::vector<DigitRun> digit_runs(std::string_view folded) {
  std::vector<DigitRun> runs;
  DigitRun cur;
  size_t pending_separators = 0;
  auto flush = [&] {
    if (!cur.digits.empty()) runs.push_back(std::move(cur));
    cur = DigitRun{};
    pending_separators = 0;
  };
  for (char c : folded) {
    if (is_digit(c)) {
      if (pending_separators > 0 && !cur.digits.empty()) cur.cuts.push_back(cur.digits.size());
      pending_separators = 0;
      cur.digits.push_back(c);
    } else if (is_phone_separator(c) && pending_separators < 3) {
      ++pending_separators;
    } else {
      flush();
    }
  }
  flush();
  for (DigitRun& run : runs) {
    if (run.digits.starts_with("0086")) run.cuts.push_back(4);
    if (run.digits.starts_with("86")) run.cuts.push_back(2);
  }
  return runs;
}

}  // namespace

std::string normalize_email(std::string_view email) {
  std::string folded = without_spaces(detail::fold_text(email));
  return folded.find('@') == std::string::npos ? std::string() : folded;
}

std::string normalize_phone(std::string_view phone) {
  std::string digits = phone_digits(detail::fold_text(phone));
  return digits.size() >= 6 ? digits : std::string();
}

bool email_in_source(std::string_view email, std::string_view source) {
  const std::string needle = normalize_email(email);
  if (needle.size() < 3) return false;
  return without_spaces(detail::fold_text(source)).find(needle) != std::string::npos;
}

bool phone_in_source(std::string_view phone, std::string_view source) {
  const std::string needle = normalize_phone(phone);
  if (needle.empty()) return false;
  for (const DigitRun& run : digit_runs(detail::fold_text(source))) {
    std::vector<size_t> starts = run.cuts;
    starts.push_back(0);
    for (size_t s : starts) {
      if (run.digits.compare(s, needle.size(), needle) != 0) continue;
      const size_t end = s + needle.size();
      if (end == run.digits.size() || std::find(run.cuts.begin(), run.cuts.end(), end) != run.cuts.end()) {
        return true;
      }
    }
  }
  return false;
}

void check_profile(Profile& profile, std::string_view source_text, YearMonth today) {
  // Contacts: never trust one the source does not hold.
  if (profile.email && !profile.email->empty() && !email_in_source(*profile.email, source_text)) {
    profile.email.reset();
    add_flag(profile, kFlagContactNotInSource);
  }
  if (profile.phone && !profile.phone->empty() && !phone_in_source(*profile.phone, source_text)) {
    profile.phone.reset();
    add_flag(profile, kFlagContactNotInSource);
  }
  if (profile.email && profile.email->empty()) profile.email.reset();
  if (profile.phone && profile.phone->empty()) profile.phone.reset();

  // Years: recomputed from the work history.
  if (!profile.years_stated) profile.years_stated = profile.years_of_experience;
  std::vector<MonthInterval> intervals;
  for (const WorkEntry& w : profile.work_history) {
    if (auto iv = resolve_interval(w.start, w.end, today)) intervals.push_back(*iv);
  }
  if (!intervals.empty()) {
    const double computed = std::round(merged_years(std::move(intervals)) * 10.0) / 10.0;
    if (profile.years_stated && std::fabs(*profile.years_stated - computed) > kYearsTolerance) {
      add_flag(profile, kFlagYearsMismatch);
    }
    profile.years_of_experience = computed;
  } else {
    profile.years_of_experience = profile.years_stated;
  }

  // Degree: from the raw texts, the highest named.
  std::optional<std::string> best = normalize_degree(profile.degree_raw);
  for (const EducationEntry& e : profile.education) {
    const auto d = normalize_degree(e.degree);
    if (d && (!best || degree_rank(*d) > degree_rank(*best))) best = d;
  }
  if (best) {
    profile.highest_degree = best;
  } else if (profile.highest_degree && degree_rank(*profile.highest_degree) < 0) {
    profile.highest_degree.reset();  // not one of the enum values: never pass it on
  }
}

}  // namespace hirelm::profile
