#include "screening/feedback/feedback.h"

#include <cstdio>

#include "screening/scoring/score_request.h"

namespace hirelm::screening {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

void erase_all(std::string& s, const std::string& what) {
  for (size_t p; (p = s.find(what)) != std::string::npos;) s.erase(p, what.size());
}

}  // namespace

std::string feedback_language(const std::string& forced, const std::string& document_language) {
  if (!forced.empty()) return forced;
  return document_language == "zh" || document_language == "mixed" ? "zh" : "en";
}

llm::ChatRequest build_feedback_request(const PromptTemplate& tmpl, const Job& job, const std::string& lang,
                                        const FeedbackInput& input, uint64_t seed, int64_t max_tokens) {
  auto vars = job_prompt_vars(job, lang);
  const bool zh = lang == "zh";
  std::string evidence;
  for (const auto& q : input.evidence) {
    if (q.verified) evidence += (zh ? "- 「" : "- \"") + q.text + (zh ? "」\n" : "\"\n");
  }
  if (evidence.empty()) evidence = zh ? "（无已核实的引用）\n" : "(no verified quotes)\n";
  char score[32] = "-";
  if (input.score) std::snprintf(score, sizeof score, "%.1f", *input.score);
  vars["profile"] = input.profile_summary.empty() ? (zh ? "（无）\n" : "(none)\n") : input.profile_summary;
  vars["score"] = score;
  vars["evidence"] = evidence;
  vars["resume"] = input.resume_text;
  llm::ChatRequest r;
  r.messages.push_back(llm::ChatMessage{"user", render_prompt(tmpl, vars)});
  r.temperature = 0.6;
  r.max_tokens = max_tokens;
  r.seed = seed;
  return r;
}

std::string clean_feedback(const llm::ChatResponse& response) {
  if (!response.ok()) return "";
  std::string s = response.content;
  // Until neither tag is left: removing one can join the pieces of another ("<</think>think>").
  for (size_t before = std::string::npos; before != s.size();) {
    before = s.size();
    erase_all(s, "<think>");
    erase_all(s, "</think>");
  }
  s = trim(s);
  for (const char* heading : {"Feedback:", "**Feedback:**", "反馈：", "面试反馈："}) {
    const std::string h = heading;
    if (s.compare(0, h.size(), h) == 0) s = trim(s.substr(h.size()));
  }
  return s;
}

}  // namespace hirelm::screening
