// Splits jinja2 template source into tokens the way jinja2's lexer does under Hugging Face's settings
// (trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False):
//  - newlines are normalised to "\n" and one trailing newline of the source is dropped;
//  - `{%- ... -%}`, `{{- ... -}}`, `{#- ... -#}` strip all whitespace before/after the tag;
//  - trim_blocks drops the first newline after a block tag or comment (not after `}}`);
//  - lstrip_blocks drops spaces/tabs between the start of a line and a block tag or comment;
//  - `+` (`{%+`, `+%}`) switches lstrip_blocks/trim_blocks off for that tag side;
//  - comments disappear; `{% raw %}...{% endraw %}` becomes plain text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hirelm::templating {

enum class TokenKind {
  kText,        // literal template text (already whitespace-controlled)
  kVarBegin,    // {{
  kVarEnd,      // }}
  kBlockBegin,  // {%
  kBlockEnd,    // %}
  kName,        // identifier or keyword
  kString,      // string literal, escapes resolved
  kInteger,
  kFloat,
  kOperator,    // + - * / // % ** ~ == != < <= > >= = . , : | ( ) [ ] { }
  kEnd,         // end of source
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // text, name, resolved string value or operator spelling
  int64_t int_value = 0;
  double float_value = 0.0;
  int line = 1;  // 1-based line where the token starts
};

// Throws InvalidInputError "chat template line N: ..." on unclosed tags, strings or comments and on
// characters that are not part of jinja2's expression syntax.
std::vector<Token> tokenize_template(const std::string& source);

}  // namespace hirelm::templating
