// Chat-template rendering: turns a list of chat messages into the prompt text a model was trained
// on, by interpreting the model's Jinja chat template exactly as Hugging Face transformers does
// (jinja2 ImmutableSandboxedEnvironment, trim_blocks=True, lstrip_blocks=True, loopcontrols, and a
// `tojson` that is json.dumps(ensure_ascii=False)).
//
// Supported jinja2 subset (anything else is an UnsupportedError naming the construct and its line,
// raised when the template is parsed, never a silently different prompt):
//   Syntax     {{ }} {% %} {# #}, whitespace control {{- -}} {%- -%} {%+ +%}, {% raw %}, one trailing
//              newline of the source dropped, trim_blocks/lstrip_blocks as in HF.
//   Statements if/elif/else; for (incl. `for k, v in ...`, `for x in xs if cond`, {% else %},
//              loop.index/index0/revindex/revindex0/first/last/length/previtem/nextitem/depth,
//              loop.cycle(...)); break/continue; set (`x = ...`, `a, b = ...`, `ns.attr = ...`,
//              block set {% set x %}...{% endset %}); macro (positional/keyword args, defaults);
//              generation/endgeneration (rendered as its body).
//   Expressions literals (strings with Python escapes, ints, floats, true/false/none in either case,
//              lists, tuples, dicts), + - * / // % ** ~, comparisons (chained), and/or/not, in/not in,
//              `a if c else b`, attribute and subscript access, slices [a:b:c], calls.
//   Tests      defined undefined none boolean true false string number integer float mapping
//              iterable sequence callable sameas eq/equalto/== ne/!= lt/le/gt/ge (and aliases) in
//              odd even divisibleby lower upper.
//   Filters    length count trim tojson(ensure_ascii, indent, separators, sort_keys) string join
//              first last default/d list map(attribute=/filter) select reject selectattr rejectattr
//              upper lower title capitalize replace reverse items dictsort sort unique min max sum
//              abs round int float attr indent wordcount safe escape/e.
//   Methods    str: strip lstrip rstrip split rsplit splitlines startswith endswith replace upper
//              lower title capitalize find count join; dict: items keys values get copy. Mutating
//              methods (append, update, pop, ...) are errors, as in HF's immutable sandbox.
//   Globals    range namespace dict raise_exception strftime_now.
// Not supported: extends/include/import/block/call/filter/with tags, recursive loops, *args/**kwargs,
// printf-style `%` formatting, `is` tests and filters not listed above.
//
// Undefined values follow jinja2's default Undefined: they render as "", are falsy, iterate as empty
// and have length 0, but attribute/item access, calls and arithmetic on them are errors.
// Every error is an InvalidInputError or UnsupportedError whose message starts with
// "chat template line N: " (exit 2 at the CLI).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/template/interpreter.h"
#include "engine/template/value.h"

namespace hirelm::templating {

class ChatTemplate {
 public:
  // Parses `source`. Tokens that are nullopt are left undefined in the template, as HF leaves out
  // special tokens a tokenizer does not have.
  ChatTemplate(std::string source, std::optional<std::string> bos_token, std::optional<std::string> eos_token);

  // Loads a template from a model directory (tokenizer_config.json, falling back to
  // chat_template.jinja beside it), a tokenizer_config.json file, or a .gguf file
  // (`tokenizer.chat_template`; bos/eos text from tokenizer.ggml.tokens[tokenizer.ggml.bos_token_id]).
  // Errors name the file and the field: NotFoundError, InvalidInputError, UnsupportedError.
  static ChatTemplate from_model_path(const std::string& path);

  // Renders `messages` (a JSON array of message objects). `tools` (null when absent, as HF passes
  // it) and every key of `extra_context` (an object, e.g. {"enable_thinking": false}) become template
  // variables; messages, tools, add_generation_prompt, bos_token and eos_token take precedence.
  std::string render(const Json& messages, bool add_generation_prompt, const Json& tools = nullptr,
                     const Json& extra_context = Json::object()) const;

  const std::string& source() const { return source_; }
  const std::optional<std::string>& bos_token() const { return bos_token_; }
  const std::optional<std::string>& eos_token() const { return eos_token_; }

  // Bounds on one render (output size, work, recursion); the defaults suit real chat templates.
  void set_limits(const RenderLimits& limits) { limits_ = limits; }

 private:
  std::string source_;
  std::optional<std::string> bos_token_;
  std::optional<std::string> eos_token_;
  std::shared_ptr<const StmtList> program_;
  RenderLimits limits_;
};

}  // namespace hirelm::templating
