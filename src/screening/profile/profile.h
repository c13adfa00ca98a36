// The structured profile extracted from one resume: what the model wrote (parsed by parse_profile_json) and
// what the deterministic checks (check_profile) made of it. Plain data; no model, no store.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hirelm::profile {

struct TechStack {
  std::vector<std::string> languages;   // programming languages, as the resume writes them
  std::vector<std::string> frameworks;  // frameworks, libraries, tools and platforms
};

struct Project {
  std::string name;
  std::string summary;
};

// Dates are the resume's own text ("2019.07", "Jul 2019", "至今"); parse them with date_range.h.
struct EducationEntry {
  std::string school;
  std::string degree;  // raw, e.g. "MEng", "硕士研究生"
  std::string major;
  std::string start;
  std::string end;
};

struct WorkEntry {
  std::string company;
  std::string title;
  std::string start;
  std::string end;
  std::string summary;
};

struct Profile {
  std::optional<std::string> name;
  std::optional<std::string> email;  // null when absent or not found in the source text (checked)
  std::optional<std::string> phone;  // as written in the resume; null when absent or not found (checked)
  // Years of professional experience. After check_profile: recomputed from work_history dates when any
  // entry has parseable dates, else the model's figure.
  std::optional<double> years_of_experience;
  std::optional<double> years_stated;  // the model's own figure, kept for the years_mismatch flag
  // One of "大专", "本科", "硕士", "博士", "other", or null (no degree information at all).
  std::optional<std::string> highest_degree;
  std::string degree_raw;  // the degree as the resume writes it
  TechStack tech_stack;
  std::vector<Project> projects;  // at most kMaxProjects
  std::vector<EducationEntry> education;
  std::vector<WorkEntry> work_history;
  // Flag codes raised by check_profile (stable, architecture.md): "contact_not_in_source", "years_mismatch".
  std::vector<std::string> flags;

  bool has_flag(const std::string& code) const;
  // tech_stack.languages then tech_stack.frameworks, duplicates (case-insensitive) removed: the export form.
  std::vector<std::string> tech_stack_flat() const;
};

inline constexpr size_t kMaxProjects = 3;

// Stable flag codes raised here.
inline constexpr const char* kFlagContactNotInSource = "contact_not_in_source";
inline constexpr const char* kFlagYearsMismatch = "years_mismatch";

}  // namespace hirelm::profile
