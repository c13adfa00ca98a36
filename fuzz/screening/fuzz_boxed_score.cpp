// Fuzz target for the model's score answer. The input is the answer, or reasoning and answer split at the
// first NUL byte. \boxed{} parsing yields a finite score in [0, 10] with no reason, or no score with one
// of the documented reasons; parse_score_response agrees with it, keeps one entry per criterion and
// must-have, keeps every criterion score in [0, 10], and marks a quote verified only when it is evidence.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "screening/scoring/boxed_score.h"
#include "screening/scoring/evidence.h"
#include "screening/scoring/score_sample.h"
#include "util/check.h"

namespace {

bool in_score_range(double v) { return std::isfinite(v) && v >= 0 && v <= 10; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hirelm::screening;
  if (size > 16384) return 0;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string reasoning = nul == std::string::npos ? "" : input.substr(0, nul);
  const std::string answer = nul == std::string::npos ? input : input.substr(nul + 1);

  const BoxedScore boxed = parse_boxed_score(answer, reasoning);
  static const std::set<std::string> kReasons = {"no_answer", "no_boxed", "boxed_only_in_reasoning",
                                                 "unparseable_boxed", "out_of_range"};
  if (boxed.score) {
    HIRELM_CHECK(in_score_range(*boxed.score));
    HIRELM_CHECK(boxed.reason.empty());
  } else {
    HIRELM_CHECK(kReasons.count(boxed.reason) == 1);
  }
  for (const std::string& box : find_boxed(answer)) {
    if (const auto v = parse_score_text(box)) HIRELM_CHECK(in_score_range(*v));
  }

  static const Job job = [] {
    Job j;
    j.description = "Backend";
    j.criteria = {{"skills", 2}, {"experience", 1}, {"education", 1}, {"技术", 1}};
    j.must_have = {"C++", "本科"};
    return j;
  }();
  static const std::string resume = normalize_for_match(
      "张伟 6 years of C++ at Acme Corp, built the order matching engine. 本科 计算机科学 2016.");
  hirelm::llm::ChatResponse response;
  response.reasoning = reasoning;
  response.content = answer;
  response.finish_reason = !answer.empty() && (answer.back() & 1) ? "length" : "stop";
  const ScoreSample s = parse_score_response(response, job, resume);
  HIRELM_CHECK(s.total == boxed.score);
  HIRELM_CHECK(s.total ? s.no_score_reason.empty() : !s.no_score_reason.empty());
  HIRELM_CHECK(s.criteria.size() == job.criteria.size() && s.must_haves.size() == job.must_have.size());
  for (size_t i = 0; i < s.criteria.size(); ++i) {
    HIRELM_CHECK(s.criteria[i].name == job.criteria[i].name);
    if (s.criteria[i].score) HIRELM_CHECK(in_score_range(*s.criteria[i].score));
    for (const Quote& q : s.criteria[i].evidence) HIRELM_CHECK(q.verified == quote_in_source(q.text, resume));
  }
  return 0;
}
