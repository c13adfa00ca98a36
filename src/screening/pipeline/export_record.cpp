#include "screening/pipeline/export_record.h"

namespace hirelm::screening {

using nlohmann::json;

std::optional<double> json_number(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? std::optional<double>(it->get<double>()) : std::nullopt;
}

void set_export_profile(exports::ExportCandidate& record, const profile::Profile& candidate) {
  record.name = candidate.name;
  record.email = candidate.email;
  record.phone = candidate.phone;
  record.years_of_experience = candidate.years_of_experience;
  record.highest_degree = candidate.highest_degree;
  record.tech_stack = candidate.tech_stack_flat();
  for (const auto& p : candidate.projects) {
    record.projects.push_back(p.summary.empty() ? p.name : p.name + ": " + p.summary);
    if (record.projects.size() == 3) break;
  }
}

void set_export_score(exports::ExportCandidate& record, const std::string& score_status, const json& score_value) {
  record.status = score_status == "scored" ? "scored" : "no_score";
  if (!score_value.is_object()) return;
  record.score.median = json_number(score_value, "median");
  record.score.mean = json_number(score_value, "mean");
  record.score.min = json_number(score_value, "min");
  record.score.max = json_number(score_value, "max");
  for (const auto& s : score_value.value("samples", json::array())) {
    record.score.samples.push_back(s.is_number() ? std::optional<double>(s.get<double>()) : std::nullopt);
  }
  for (const auto& m : score_value.value("must_haves", json::array())) {
    if (m.is_object()) record.must_haves.push_back({m.value("requirement", ""), m.value("result", "unclear")});
  }
  if (record.status == "no_score") record.error = score_value.value("no_score_reason", "");
}

}  // namespace hirelm::screening
