// Interview feedback for one candidate: formal but encouraging, strengths / improvements / potential, in
// the resume's language (or --lang), grounded in the verified evidence the scoring step found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "llm/chat_request.h"
#include "screening/job/job.h"
#include "screening/scoring/prompt_template.h"
#include "screening/scoring/score_sample.h"

namespace hirelm::screening {

struct FeedbackInput {
  std::string profile_summary;      // a few lines: degree, years, tech stack, projects
  std::optional<double> score;      // the median score, if any
  std::vector<Quote> evidence;      // only verified quotes are used
  std::string resume_text;          // the (possibly redacted) text the score saw
};

// The language feedback is written in: `forced` ("zh" / "en") when given, else "zh" for a resume in
// Chinese or mixed Chinese and English, "en" otherwise. `document_language` is documents::Document::language.
std::string feedback_language(const std::string& forced, const std::string& document_language);

llm::ChatRequest build_feedback_request(const PromptTemplate& tmpl, const Job& job, const std::string& lang,
                                        const FeedbackInput& input, uint64_t seed, int64_t max_tokens);

// The feedback text from a response: the answer trimmed, with stray think tags and a leading
// "Feedback:" heading removed. Empty when the response failed or holds no answer.
std::string clean_feedback(const llm::ChatResponse& response);

}  // namespace hirelm::screening
