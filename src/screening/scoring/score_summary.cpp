#include "screening/scoring/score_summary.h"

#include <algorithm>
#include <map>
#include <set>

#include "util/check.h"

namespace hirelm::screening {

double median_of(std::vector<double> values) {
  HIRELM_CHECK(!values.empty());
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

ScoreSummary summarize_samples(const std::vector<ScoreSample>& samples) {
  ScoreSummary out;
  std::vector<double> totals;
  std::set<std::string> reasons;
  std::string reason_list;
  for (const auto& s : samples) {
    out.samples.push_back(s.total);
    if (s.total) {
      totals.push_back(*s.total);
    } else if (reasons.insert(s.no_score_reason).second) {
      reason_list += (reason_list.empty() ? "" : "; ") + s.no_score_reason;
    }
  }
  out.scored = totals.size();
  if (!totals.empty()) {
    out.median = median_of(totals);
    double sum = 0;
    for (double t : totals) sum += t;
    out.mean = sum / static_cast<double>(totals.size());
    out.min = *std::min_element(totals.begin(), totals.end());
    out.max = *std::max_element(totals.begin(), totals.end());
    out.unreliable = *out.max - *out.min > kUnreliableSpread;
  } else {
    out.no_score_reason = reason_list.empty() ? "no samples" : reason_list;
  }
  if (samples.empty()) return out;

  for (size_t c = 0; c < samples[0].criteria.size(); ++c) {
    std::vector<double> v;
    for (const auto& s : samples) {
      if (c < s.criteria.size() && s.criteria[c].score) v.push_back(*s.criteria[c].score);
    }
    out.criteria.push_back({samples[0].criteria[c].name, v.empty() ? std::nullopt : std::optional<double>(median_of(v))});
  }
  for (size_t m = 0; m < samples[0].must_haves.size(); ++m) {
    std::map<MustHaveResult, size_t> votes;
    for (const auto& s : samples) {
      if (m < s.must_haves.size()) ++votes[s.must_haves[m].result];
    }
    MustHaveCheck check{samples[0].must_haves[m].requirement, MustHaveResult::kUnclear};
    for (auto r : {MustHaveResult::kPass, MustHaveResult::kFail}) {
      if (votes[r] * 2 > samples.size()) check.result = r;
    }
    out.must_haves.push_back(check);
  }
  std::set<std::string> seen;
  for (const auto& s : samples) {
    for (const auto& c : s.criteria) {
      for (const auto& q : c.evidence) {
        if (q.verified && seen.insert(q.text).second) out.evidence.push_back(q);
      }
    }
  }
  return out;
}

}  // namespace hirelm::screening
