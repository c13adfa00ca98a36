#include "screening/service/candidate_record.h"

#include <nlohmann/json.hpp>

#include "screening/pipeline/profile_json.h"

namespace hirelm::service {

namespace {

using nlohmann::json;

void add_flag(std::vector<std::string>& flags, const std::string& f) {
  for (const auto& x : flags) {
    if (x == f) return;
  }
  flags.push_back(f);
}

std::optional<double> opt_double(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? std::optional<double>(it->get<double>()) : std::nullopt;
}

}  // namespace

exports::ExportCandidate stored_export_candidate(const store::DocumentResults& results, const std::string& file_name,
                                                 const std::vector<std::string>& intake_flags) {
  exports::ExportCandidate e;
  e.file = file_name;
  e.flags = intake_flags;
  bool failed = false;
  for (const auto& stage : results.stages) {
    for (const auto& f : stage.flags) add_flag(e.flags, f);
    if (stage.status == "error") failed = true;
  }
  if (const auto* p = results.stage("profile")) {
    const json v = json::parse(p->value_json, nullptr, false);
    if (v.is_object() && v.contains("profile")) {
      try {
        const profile::Profile prof = screening::profile_from_json(v["profile"]);
        e.name = prof.name;
        e.email = prof.email;
        e.phone = prof.phone;
        e.years_of_experience = prof.years_of_experience;
        e.highest_degree = prof.highest_degree;
        e.tech_stack = prof.tech_stack_flat();
        for (const auto& pr : prof.projects) e.projects.push_back(pr.summary.empty() ? pr.name : pr.name + ": " + pr.summary);
        if (e.projects.size() > 3) e.projects.resize(3);
      } catch (const json::exception&) {
        failed = true;
      }
    } else if (v.is_object() && v.contains("error")) {
      e.error = v.value("error", "");
    }
  }
  if (const auto* s = results.stage("score")) {
    const json v = json::parse(s->value_json, nullptr, false);
    e.status = s->status == "scored" ? "scored" : "no_score";
    if (v.is_object()) {
      e.score.median = opt_double(v, "median");
      e.score.mean = opt_double(v, "mean");
      e.score.min = opt_double(v, "min");
      e.score.max = opt_double(v, "max");
      for (const auto& x : v.value("samples", json::array())) {
        e.score.samples.push_back(x.is_number() ? std::optional<double>(x.get<double>()) : std::nullopt);
      }
      for (const auto& m : v.value("must_haves", json::array())) {
        if (m.is_object()) e.must_haves.push_back({m.value("requirement", ""), m.value("result", "unclear")});
      }
      if (e.status == "no_score") e.error = v.value("no_score_reason", "");
    }
  } else {
    e.status = failed ? "error" : "pending";
  }
  if (const auto* f = results.stage("feedback")) {
    const json v = json::parse(f->value_json, nullptr, false);
    if (v.is_object()) e.feedback = v.value("text", "");
  }
  return e;
}

std::vector<size_t> ranked_order(const std::vector<exports::ExportCandidate>& candidates) {
  // rank_candidates sorts records; each copy carries its index in `file` to map the order back.
  std::vector<exports::ExportCandidate> copies;
  std::vector<size_t> pending;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].status == "pending") {
      pending.push_back(i);
      continue;
    }
    exports::ExportCandidate c;
    c.file = std::to_string(i);
    c.status = candidates[i].status;
    c.score = candidates[i].score;
    copies.push_back(std::move(c));
  }
  exports::rank_candidates(copies);
  std::vector<size_t> order;
  for (const auto& c : copies) order.push_back(static_cast<size_t>(std::stoull(c.file)));
  order.insert(order.end(), pending.begin(), pending.end());
  return order;
}

}  // namespace hirelm::service
