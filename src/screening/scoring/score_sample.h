// One scoring sample: what the model answered for one candidate with one seed, parsed. The prompt asks
// for one line per criterion ("skills: 7/10") followed by evidence lines quoting the resume
// ("evidence: \"...\"" / "证据：「...」"), one line per must-have ("must_have 1: pass|fail|unclear" /
// "必备 1：满足|不满足|不确定"), and the total in \boxed{} last.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "llm/chat_request.h"
#include "screening/job/job.h"

namespace hirelm::screening {

struct Quote {
  std::string text;
  bool verified = false;  // found in the resume after normalization (evidence.h); unverified quotes are
                          // kept for audit but never shown as evidence
};

struct CriterionScore {
  std::string name;
  std::optional<double> score;  // 0-10; nullopt when the answer has no parseable line for it
  std::vector<Quote> evidence;
};

enum class MustHaveResult { kPass, kFail, kUnclear };
std::string must_have_result_name(MustHaveResult r);  // "pass", "fail", "unclear"

struct MustHaveCheck {
  std::string requirement;
  MustHaveResult result = MustHaveResult::kUnclear;
};

struct ScoreSample {
  uint64_t seed = 0;
  int attempts = 1;               // 2 when the first try gave no score and was retried
  std::optional<double> total;    // from \boxed{} in the answer
  std::string no_score_reason;    // when total is empty: truncated, no_boxed, boxed_only_in_reasoning,
                                  // unparseable_boxed, out_of_range, no_answer, or "error: ..."
  bool truncated = false;         // the generation hit max_tokens
  std::string model_error;        // why the request itself failed (server down, HTTP error, timeout); empty if it did not
  std::vector<CriterionScore> criteria;  // one per job criterion, in job order
  std::vector<MustHaveCheck> must_haves;  // one per job must-have, in job order
  std::string reasoning;          // raw model output, kept for audit
  std::string answer;
};

// Parses a response against the job's criteria and must-haves, and verifies every quote against the
// resume (`normalized_resume` = normalize_for_match(resume text)).
ScoreSample parse_score_response(const llm::ChatResponse& response, const Job& job, const std::string& normalized_resume);

}  // namespace hirelm::screening
