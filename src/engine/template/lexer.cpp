#include "engine/template/lexer.h"

#include <cctype>
#include <limits>

#include "engine/template/template_error.h"
#include "util/utf8.h"

namespace hirelm::templating {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  explicit Lexer(const std::string& source) {
    // jinja2 normalises every newline sequence to "\n" and drops one trailing newline.
    src_.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
      if (source[i] == '\r') {
        src_ += '\n';
        if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
      } else {
        src_ += source[i];
      }
    }
    if (!src_.empty() && src_.back() == '\n') src_.pop_back();
  }

  std::vector<Token> run() {
    while (pos_ < src_.size()) lex_root();
    push(TokenKind::kEnd, "", line_);
    return std::move(tokens_);
  }

 private:
  void push(TokenKind kind, std::string text, int line) {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.line = line;
    tokens_.push_back(std::move(t));
  }

  // Moves pos_ to `to`, counting the newlines passed.
  void advance_to(size_t to) {
    for (; pos_ < to; ++pos_) {
      if (src_[pos_] == '\n') ++line_;
    }
  }

  void skip_whitespace() {
    while (pos_ < src_.size() && is_space(src_[pos_])) advance_to(pos_ + 1);
  }

  bool at(const char* s) const { return src_.compare(pos_, std::char_traits<char>::length(s), s) == 0; }

  // Applies `-` and lstrip_blocks to the text in front of a tag, as jinja2's OptionalLStrip does.
  std::string control_leading(std::string text, char sign, bool lstrip_applies, bool line_starting) {
    if (sign == '-') {
      size_t end = text.size();
      while (end > 0 && is_space(text[end - 1])) --end;
      text.resize(end);
    } else if (sign != '+' && lstrip_applies) {
      size_t nl = text.rfind('\n');
      size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
      if (l_pos > 0 || line_starting) {
        bool blank = l_pos < text.size();
        for (size_t i = l_pos; i < text.size() && blank; ++i) blank = is_space(text[i]);
        if (blank) text.resize(l_pos);
      }
    }
    return text;
  }

  void lex_root() {
    bool line_starting = pos_ == 0 || src_[pos_ - 1] == '\n';
    size_t found = pos_;
    while (true) {
      found = src_.find('{', found);
      if (found == std::string::npos || found + 1 >= src_.size()) {
        found = std::string::npos;
        break;
      }
      char c = src_[found + 1];
      if (c == '{' || c == '%' || c == '#') break;
      ++found;
    }
    int text_line = line_;
    if (found == std::string::npos) {
      push(TokenKind::kText, src_.substr(pos_), text_line);
      advance_to(src_.size());
      return;
    }
    char kind = src_[found + 1];
    char sign = found + 2 < src_.size() && (src_[found + 2] == '-' || src_[found + 2] == '+') ? src_[found + 2] : 0;
    bool raw = kind == '%' && is_raw_begin(found + 2 + (sign ? 1 : 0));
    std::string text = control_leading(src_.substr(pos_, found - pos_), sign, kind != '{', line_starting);
    if (!text.empty()) push(TokenKind::kText, std::move(text), text_line);
    advance_to(found + 2 + (sign ? 1 : 0));
    if (raw) {
      lex_raw();
    } else if (kind == '#') {
      lex_comment();
    } else {
      lex_tag(kind == '%');
    }
  }

  // True when `{% raw %}` starts at p (just after `{%` and its sign).
  bool is_raw_begin(size_t p) const {
    while (p < src_.size() && is_space(src_[p])) ++p;
    if (src_.compare(p, 3, "raw") != 0) return false;
    p += 3;
    while (p < src_.size() && is_space(src_[p])) ++p;
    return src_.compare(p, 2, "%}") == 0 || src_.compare(p, 3, "-%}") == 0;
  }

  void lex_raw() {
    int start_line = line_;
    skip_whitespace();
    advance_to(pos_ + 3);  // "raw"
    skip_whitespace();
    if (at("-%}")) {
      advance_to(pos_ + 3);
      skip_whitespace();
    } else {
      advance_to(pos_ + 2);
    }
    // Find `{%[-+]? endraw [-+]?%}`.
    size_t search = pos_;
    while (true) {
      size_t open = src_.find("{%", search);
      if (open == std::string::npos) throw_template_error(start_line, "unclosed {% raw %} block");
      size_t p = open + 2;
      char sign = p < src_.size() && (src_[p] == '-' || src_[p] == '+') ? src_[p] : 0;
      if (sign) ++p;
      while (p < src_.size() && is_space(src_[p])) ++p;
      if (src_.compare(p, 6, "endraw") != 0) {
        search = open + 2;
        continue;
      }
      p += 6;
      while (p < src_.size() && is_space(src_[p])) ++p;
      char end_sign = 0;
      if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) end_sign = src_[p++];
      if (src_.compare(p, 2, "%}") != 0) {
        search = open + 2;
        continue;
      }
      bool line_starting = src_[pos_ - 1] == '\n';
      int text_line = line_;
      std::string text = control_leading(src_.substr(pos_, open - pos_), sign, true, line_starting);
      if (!text.empty()) push(TokenKind::kText, std::move(text), text_line);
      advance_to(p + 2);
      finish_tag_end(end_sign, true);
      return;
    }
  }

  // After a closing `%}`/`#}`: `-` strips all following whitespace, trim_blocks drops one newline.
  void finish_tag_end(char sign, bool trims) {
    if (sign == '-') {
      skip_whitespace();
    } else if (sign != '+' && trims && pos_ < src_.size() && src_[pos_] == '\n') {
      advance_to(pos_ + 1);
    }
  }

  void lex_comment() {
    int start_line = line_;
    size_t body = pos_;
    size_t close = src_.find("#}", body);
    if (close == std::string::npos) throw_template_error(start_line, "unclosed comment");
    char sign = close > body && (src_[close - 1] == '-' || src_[close - 1] == '+') ? src_[close - 1] : 0;
    advance_to(close + 2);
    finish_tag_end(sign, true);
  }

  void lex_tag(bool block) {
    int start_line = line_;
    push(block ? TokenKind::kBlockBegin : TokenKind::kVarBegin, block ? "{%" : "{{", start_line);
    std::vector<char> brackets;
    while (true) {
      skip_whitespace();
      if (pos_ >= src_.size()) {
        throw_template_error(start_line, std::string("unexpected end of template: missing '") +
                                             (block ? "%}" : "}}") + "'");
      }
      if (brackets.empty()) {
        if (block && (at("-%}") || at("+%}") || at("%}"))) {
          char sign = src_[pos_] == '%' ? 0 : src_[pos_];
          push(TokenKind::kBlockEnd, "%}", line_);
          advance_to(pos_ + (sign ? 3 : 2));
          finish_tag_end(sign, true);
          return;
        }
        if (!block && (at("-}}") || at("}}"))) {
          char sign = src_[pos_] == '-' ? '-' : 0;
          push(TokenKind::kVarEnd, "}}", line_);
          advance_to(pos_ + (sign ? 3 : 2));
          finish_tag_end(sign, false);
          return;
        }
      }
      lex_expression_token(brackets);
    }
  }

  void lex_expression_token(std::vector<char>& brackets) {
    char c = src_[pos_];
    if (c == '\'' || c == '"') {
      lex_string(c);
      return;
    }
    if (is_digit(c)) {
      lex_number();
      return;
    }
    if (is_name_start(c)) {
      size_t end = pos_;
      while (end < src_.size() && is_name_char(src_[end])) ++end;
      push(TokenKind::kName, src_.substr(pos_, end - pos_), line_);
      advance_to(end);
      return;
    }
    static const char* kTwo[] = {"//", "**", "==", "!=", ">=", "<="};
    for (const char* op : kTwo) {
      if (at(op)) {
        push(TokenKind::kOperator, op, line_);
        advance_to(pos_ + 2);
        return;
      }
    }
    static const std::string kSingle = "+-/*%~[](){}<>=.,:|;";
    if (kSingle.find(c) == std::string::npos) {
      throw_template_error(line_, std::string("unexpected character '") + c + "' in expression");
    }
    if (c == '(' || c == '[' || c == '{') {
      brackets.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
    } else if (c == ')' || c == ']' || c == '}') {
      if (brackets.empty() || brackets.back() != c) {
        throw_template_error(line_, std::string("unexpected '") + c + "'");
      }
      brackets.pop_back();
    }
    push(TokenKind::kOperator, std::string(1, c), line_);
    advance_to(pos_ + 1);
  }

  // Digits with optional single underscores between them, as jinja2 accepts ("1_000").
  size_t scan_digits(size_t p) const {
    size_t q = p;
    while (q < src_.size() && is_digit(src_[q])) {
      ++q;
      if (q + 1 < src_.size() && src_[q] == '_' && is_digit(src_[q + 1])) ++q;
    }
    return q;
  }

  void lex_number() {
    int line = line_;
    size_t end = scan_digits(pos_);
    // A float cannot follow a '.', so `x.0.1` is two attribute lookups, as in jinja2.
    bool after_dot = !tokens_.empty() && tokens_.back().kind == TokenKind::kOperator && tokens_.back().text == ".";
    bool is_float = false;
    if (!after_dot) {
      size_t p = end;
      if (p + 1 < src_.size() && src_[p] == '.' && is_digit(src_[p + 1])) {
        p = scan_digits(p + 1);
        is_float = true;
      }
      if (p < src_.size() && (src_[p] == 'e' || src_[p] == 'E')) {
        size_t q = p + 1;
        if (q < src_.size() && (src_[q] == '+' || src_[q] == '-')) ++q;
        if (q < src_.size() && is_digit(src_[q])) {
          p = scan_digits(q);
          is_float = true;
        }
      }
      if (is_float) end = p;
    }
    std::string spelled;
    for (size_t i = pos_; i < end; ++i) {
      if (src_[i] != '_') spelled += src_[i];
    }
    Token t;
    t.line = line;
    t.text = spelled;
    if (is_float) {
      t.kind = TokenKind::kFloat;
      t.float_value = std::strtod(spelled.c_str(), nullptr);
    } else {
      t.kind = TokenKind::kInteger;
      int64_t v = 0;
      for (char d : spelled) {
        if (v > (std::numeric_limits<int64_t>::max() - (d - '0')) / 10) {
          throw_template_error(line, "integer literal " + spelled + " is too large");
        }
        v = v * 10 + (d - '0');
      }
      t.int_value = v;
    }
    tokens_.push_back(std::move(t));
    advance_to(end);
  }

  // Python string-literal escapes (jinja2 decodes them with "unicode-escape").
  void lex_string(char quote) {
    int line = line_;
    size_t p = pos_ + 1;
    std::string value;
    while (true) {
      if (p >= src_.size()) throw_template_error(line, "unterminated string literal");
      char c = src_[p];
      if (c == quote) break;
      if (c != '\\') {
        value += c;
        ++p;
        continue;
      }
      if (p + 1 >= src_.size()) throw_template_error(line, "unterminated string literal");
      char e = src_[p + 1];
      p += 2;
      switch (e) {
        case '\n':
          break;  // line continuation
        case '\\':
        case '\'':
        case '"':
          value += e;
          break;
        case 'a':
          value += '\a';
          break;
        case 'b':
          value += '\b';
          break;
        case 'f':
          value += '\f';
          break;
        case 'n':
          value += '\n';
          break;
        case 'r':
          value += '\r';
          break;
        case 't':
          value += '\t';
          break;
        case 'v':
          value += '\v';
          break;
        case 'x':
        case 'u':
        case 'U': {
          int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          for (int i = 0; i < n; ++i) {
            int h = p < src_.size() ? hex_value(src_[p]) : -1;
            if (h < 0) throw_template_error(line, std::string("truncated \\") + e + " escape in string literal");
            cp = cp * 16 + static_cast<uint32_t>(h);
            ++p;
          }
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            throw_template_error(line, "escape in string literal is not a valid Unicode scalar value");
          }
          append_utf8(value, cp);
          break;
        }
        case 'N':
          throw_unsupported(line, "\\N{...} escape in string literal");
        default:
          if (e >= '0' && e <= '7') {
            uint32_t cp = static_cast<uint32_t>(e - '0');
            for (int i = 0; i < 2 && p < src_.size() && src_[p] >= '0' && src_[p] <= '7'; ++i) {
              cp = cp * 8 + static_cast<uint32_t>(src_[p++] - '0');
            }
            append_utf8(value, cp);
          } else {
            value += '\\';  // unknown escapes stay as written, as in Python
            value += e;
          }
      }
    }
    Token t;
    t.kind = TokenKind::kString;
    t.text = std::move(value);
    t.line = line;
    tokens_.push_back(std::move(t));
    advance_to(p + 1);
  }

  std::string src_;
  size_t pos_ = 0;
  int line_ = 1;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize_template(const std::string& source) { return Lexer(source).run(); }

}  // namespace hirelm::templating
