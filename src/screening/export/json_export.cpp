// JSON export: the architecture.md contract, {job, candidates: [...]}, nulls where a value is unknown.
#include <nlohmann/json.hpp>
#include <ostream>

#include "screening/export/export.h"

namespace hirelm::exports {

namespace {

using nlohmann::ordered_json;

template <typename T>
ordered_json nullable(const std::optional<T>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json candidate_json(const ExportCandidate& c) {
  ordered_json samples = ordered_json::array();
  for (const auto& s : c.score.samples) samples.push_back(nullable(s));
  ordered_json must_haves = ordered_json::array();
  for (const MustHave& m : c.must_haves) must_haves.push_back({{"requirement", m.requirement}, {"result", m.result}});
  ordered_json j = {
      {"file", c.file},
      {"status", c.status},
      {"name", nullable(c.name)},
      {"email", nullable(c.email)},
      {"phone", nullable(c.phone)},
      {"years_of_experience", nullable(c.years_of_experience)},
      {"highest_degree", nullable(c.highest_degree)},
      {"tech_stack", c.tech_stack},
      {"projects", c.projects},
      {"score",
       {{"median", nullable(c.score.median)},
        {"mean", nullable(c.score.mean)},
        {"min", nullable(c.score.min)},
        {"max", nullable(c.score.max)},
        {"samples", samples}}},
      {"must_haves", must_haves},
      {"flags", c.flags},
      {"feedback", c.feedback},
  };
  if (!c.error.empty()) j["error"] = c.error;
  return j;
}

}  // namespace

void write_json(std::ostream& out, const ExportJob& job, const std::vector<ExportCandidate>& candidates) {
  ordered_json list = ordered_json::array();
  for (const ExportCandidate& c : candidates) list.push_back(candidate_json(c));
  const ordered_json doc = {{"job", {{"title", job.title}, {"file", job.file}}}, {"candidates", list}};
  // Invalid UTF-8 in a resume-derived string becomes U+FFFD rather than an exception mid-export.
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace hirelm::exports
