// Fuzz target for prompt templates, which users edit (outside data): any text is accepted or rejected with
// InvalidInputError. An accepted template has {{resume}} after every other placeholder, and rendering it
// substitutes each placeholder exactly once: the parts' total length is the template's minus the
// placeholders plus the values, one untrusted part per {{resume}}, and nothing but trusted text after the
// last one. A missing variable is an InvalidInputError, never a crash.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "screening/scoring/prompt_template.h"
#include "util/check.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hirelm::screening;
  if (size > 16384) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  PromptTemplate t;
  std::vector<std::string> names;
  try {
    t = parse_prompt(text, "fuzz.md");
    names = template_placeholders(t.text, t.path);
  } catch (const hirelm::InvalidInputError&) {
    return 0;
  }
  HIRELM_CHECK(t.text == text && t.hash.rfind("sha256:", 0) == 0);
  bool seen_resume = false;
  for (const std::string& n : names) {
    HIRELM_CHECK(!seen_resume || n == "resume");
    seen_resume = seen_resume || n == "resume";
  }

  // Values hold placeholder syntax on purpose: substitution is one pass, so they stay verbatim.
  std::map<std::string, std::string> vars;
  size_t expected = text.size();
  size_t resumes = 0;
  for (const std::string& n : names) {
    vars.emplace(n, n == "resume" ? std::string("{{job_title}}") : "<" + n + "{{resume}}>");
    expected += vars[n].size();
    expected -= n.size() + 4;
    resumes += n == "resume";
  }
  const std::vector<hirelm::llm::TextPart> parts = render_prompt(t, vars);
  size_t total = 0;
  size_t untrusted = 0;
  size_t last_untrusted = parts.size();
  for (size_t i = 0; i < parts.size(); ++i) {
    total += parts[i].text.size();
    if (parts[i].untrusted) {
      ++untrusted;
      last_untrusted = i;
      HIRELM_CHECK(parts[i].text == "{{job_title}}");
    } else {
      HIRELM_CHECK(!parts[i].text.empty());
    }
  }
  HIRELM_CHECK(total == expected);
  HIRELM_CHECK(untrusted == resumes);
  if (untrusted > 0) HIRELM_CHECK(last_untrusted + 2 >= parts.size());

  if (!names.empty()) {
    vars.erase(names.front());
    bool threw = false;
    try {
      render_prompt(t, vars);
    } catch (const hirelm::InvalidInputError&) {
      threw = true;
    }
    HIRELM_CHECK(threw);
  }
  return 0;
}
