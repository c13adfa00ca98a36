#include "screening/service/candidate_record.h"

#include <nlohmann/json.hpp>

#include "screening/pipeline/export_record.h"
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
        screening::set_export_profile(e, screening::profile_from_json(v["profile"]));
      } catch (const json::exception&) {
        failed = true;
      }
    } else if (v.is_object() && v.contains("error")) {
      e.error = v.value("error", "");
    }
  }
  if (const auto* s = results.stage("score")) {
    screening::set_export_score(e, s->status, json::parse(s->value_json, nullptr, false));
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
