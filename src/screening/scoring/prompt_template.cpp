#include "screening/scoring/prompt_template.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "screening/job/sha256.h"
#include "util/error.h"

#ifndef HIRELM_PROMPTS_DIR
#define HIRELM_PROMPTS_DIR "prompts"
#endif

namespace hirelm::screening {

std::vector<std::string> template_placeholders(const std::string& text, const std::string& name) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string::npos) {
    const size_t end = text.find("}}", pos + 2);
    if (end == std::string::npos) throw InvalidInputError(name + ": '{{' without a closing '}}'");
    const std::string key = text.substr(pos + 2, end - pos - 2);
    if (key.empty() || key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
      throw InvalidInputError(name + ": bad placeholder '{{" + key + "}}' (expected lowercase letters and _)");
    }
    out.push_back(key);
    pos = end + 2;
  }
  return out;
}

PromptTemplate load_prompt(const std::string& dir, const std::string& lang, const std::string& kind) {
  const std::string path = dir + "/" + lang + "/" + kind + ".md";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFoundError(path + ": prompt template not found (see --prompts)");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_prompt(ss.str(), path);
}

PromptTemplate parse_prompt(std::string text, const std::string& path) {
  PromptTemplate t;
  t.path = path;
  t.text = std::move(text);
  t.hash = sha256_tagged(t.text);
  const auto names = template_placeholders(t.text, t.path);
  bool seen_resume = false;
  for (const auto& n : names) {
    if (n == "resume") {
      seen_resume = true;
    } else if (seen_resume) {
      throw InvalidInputError(t.path + ": {{" + n + "}} comes after {{resume}}; the resume must come last (prefix caching)");
    }
  }
  return t;
}

std::vector<llm::TextPart> render_prompt(const PromptTemplate& tmpl, const std::map<std::string, std::string>& vars,
                                         const std::set<std::string>& untrusted) {
  std::vector<llm::TextPart> parts;
  std::string cur;
  const std::string& text = tmpl.text;
  size_t pos = 0;
  while (true) {
    const size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      cur += text.substr(pos);
      break;
    }
    const size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) throw InvalidInputError(tmpl.path + ": '{{' without a closing '}}'");
    cur += text.substr(pos, open - pos);
    const std::string key = text.substr(open + 2, close - open - 2);
    auto it = vars.find(key);
    if (it == vars.end()) throw InvalidInputError(tmpl.path + ": unknown placeholder {{" + key + "}}");
    if (untrusted.count(key)) {
      if (!cur.empty()) parts.push_back({cur, false});
      cur.clear();
      parts.push_back({it->second, true});
    } else {
      cur += it->second;
    }
    pos = close + 2;
  }
  if (!cur.empty()) parts.push_back({cur, false});
  return parts;
}

std::string default_prompts_dir() {
  if (const char* env = std::getenv("HIRELM_PROMPTS"); env && *env) return env;
  return HIRELM_PROMPTS_DIR;
}

}  // namespace hirelm::screening
