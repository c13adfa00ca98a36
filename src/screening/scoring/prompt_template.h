// Prompt templates: text files under prompts/<lang>/<kind>.md that users may edit, with {{name}}
// placeholders. Rendering yields message parts; variables named untrusted (the resume) become untrusted
// parts, which the model layer encodes without special tokens.
//
// Prefix caching rule: every template must put {{resume}} after all other placeholders, so the job and
// rubric (shared by every candidate) come first and the resume last. load_prompt() enforces it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "llm/chat_request.h"

namespace hirelm::screening {

struct PromptTemplate {
  std::string path;  // where it was read from
  std::string text;
  std::string hash;  // sha256 of text
};

// Reads DIR/LANG/KIND.md ("prompts/zh/score.md"). Throws NotFoundError, or InvalidInputError when a
// placeholder is malformed or {{resume}} is not the last placeholder.
PromptTemplate load_prompt(const std::string& dir, const std::string& lang, const std::string& kind);

// A template from its text (user-editable: outside data): hashes it and checks its placeholders as
// load_prompt does. `path` names it in errors and becomes PromptTemplate::path. Throws InvalidInputError.
PromptTemplate parse_prompt(std::string text, const std::string& path);

// Checks placeholders of a template text; `name` prefixes errors. Returns the placeholder names in order.
std::vector<std::string> template_placeholders(const std::string& text, const std::string& name);

// Substitutes {{name}} from `vars` (InvalidInputError naming the template for an unknown one). Values of
// names in `untrusted` become separate untrusted parts.
std::vector<llm::TextPart> render_prompt(const PromptTemplate& tmpl, const std::map<std::string, std::string>& vars,
                                         const std::set<std::string>& untrusted = {"resume"});

// The directory prompts are read from when --prompts is not given: $HIRELM_PROMPTS, else the source
// tree's prompts/ folder (compiled in).
std::string default_prompts_dir();

}  // namespace hirelm::screening
