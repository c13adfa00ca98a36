// Builds the scoring request for one candidate and one sample: the job and rubric first, the resume last
// (untrusted), user turn only (R1-distilled models take no system role), temperature 0.6.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "llm/chat_request.h"
#include "screening/job/job.h"
#include "screening/scoring/prompt_template.h"

namespace hirelm::screening {

// The job's template variables: job_title, job_description, criteria (one "- name (weight w)" line each),
// must_haves (numbered lines, or a "none" line in `lang`).
std::map<std::string, std::string> job_prompt_vars(const Job& job, const std::string& lang);

// Hash of the template and the job's rubric (criteria, weights, must-haves, description): stored with
// every result, so results from an edited prompt or rubric are never mixed with old ones.
std::string prompt_rubric_hash(const PromptTemplate& tmpl, const Job& job);

struct ScoreRequestOptions {
  double temperature = 0.6;
  int64_t max_tokens = 2048;
};

llm::ChatRequest build_score_request(const PromptTemplate& tmpl, const Job& job, const std::string& lang,
                                     const std::string& resume_text, uint64_t seed, const ScoreRequestOptions& options);

}  // namespace hirelm::screening
