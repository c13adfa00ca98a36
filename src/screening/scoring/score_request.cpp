#include "screening/scoring/score_request.h"

#include <cstdio>

#include "screening/job/sha256.h"

namespace hirelm::screening {
namespace {

std::string format_weight(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", w);
  return buf;
}

}  // namespace

std::map<std::string, std::string> job_prompt_vars(const Job& job, const std::string& lang) {
  const bool zh = lang == "zh";
  std::string criteria;
  for (const auto& c : job.criteria) {
    criteria += "- " + c.name + (zh ? "（权重 " : " (weight ") + format_weight(c.weight) + (zh ? "）\n" : ")\n");
  }
  std::string must;
  for (size_t i = 0; i < job.must_have.size(); ++i) {
    must += std::to_string(i + 1) + ". " + job.must_have[i] + "\n";
  }
  if (must.empty()) must = zh ? "（无）\n" : "(none)\n";
  return {{"job_title", job.title.empty() ? (zh ? "（未命名职位）" : "(untitled)") : job.title},
          {"job_description", job.description},
          {"criteria", criteria},
          {"must_haves", must}};
}

std::string prompt_rubric_hash(const PromptTemplate& tmpl, const Job& job) {
  std::string key = tmpl.hash + "\n" + job.description + "\n";
  for (const auto& c : job.criteria) key += "criterion\t" + c.name + "\t" + format_weight(c.weight) + "\n";
  for (const auto& m : job.must_have) key += "must\t" + m + "\n";
  return sha256_tagged(key);
}

llm::ChatRequest build_score_request(const PromptTemplate& tmpl, const Job& job, const std::string& lang,
                                     const std::string& resume_text, uint64_t seed, const ScoreRequestOptions& options) {
  auto vars = job_prompt_vars(job, lang);
  vars["resume"] = resume_text;
  llm::ChatRequest r;
  r.messages.push_back(llm::ChatMessage{"user", render_prompt(tmpl, vars)});
  r.temperature = options.temperature;
  r.max_tokens = options.max_tokens;
  r.seed = seed;
  return r;
}

}  // namespace hirelm::screening
