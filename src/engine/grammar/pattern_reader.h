// Shared lexing for the regex and GBNF parsers: UTF-8 code points, escapes and bracket character
// classes. Errors carry the byte offset (and, for GBNF, the line).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hirelm::grammar {

using CodePointRanges = std::vector<std::pair<uint32_t, uint32_t>>;

class PatternReader {
 public:
  PatternReader(std::string_view text, std::string what) : text_(text), what_(std::move(what)) {}

  bool eof() const { return pos_ >= text_.size(); }
  char peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  size_t pos() const { return pos_; }
  void skip(size_t n = 1) { pos_ += n; }
  bool consume(std::string_view s);
  std::string_view rest() const { return text_.substr(pos_); }

  // The next code point (well-formed UTF-8 required).
  uint32_t next_code_point();
  // After a backslash: a single-character escape (n t r f v 0 \xHH \uHHHH \u{H..} or an escaped
  // punctuation character). Returns false (consuming nothing) for class escapes \d \w \s \D \W \S.
  bool escape_code_point(uint32_t* cp);
  // After a backslash: \d \w \s and their negations as ranges; false if it is not a class escape.
  bool class_escape(CodePointRanges* ranges);
  // At '[': parses the bracket class up to and including ']'.
  void bracket_class(CodePointRanges* ranges, bool* negated);
  // Reads a decimal count (for {m,n}); false if none.
  bool number(int64_t* value);

  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void unsupported(const std::string& message) const;

 private:
  uint32_t hex(size_t digits);
  std::string where() const;

  std::string_view text_;
  std::string what_;
  size_t pos_ = 0;
};

CodePointRanges complement(CodePointRanges ranges);
// The UTF-8 bytes of a Unicode scalar value.
std::string encode_utf8(uint32_t cp);

}  // namespace hirelm::grammar
