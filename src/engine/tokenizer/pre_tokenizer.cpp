#include "engine/tokenizer/pre_tokenizer.h"

#include "engine/tokenizer/unicode_class.h"
#include "engine/tokenizer/utf8.h"

namespace hirelm::tokenizer {

namespace {

struct Cursor {
  const char* s;
  size_t n;

  // Code point and its byte length at byte offset i (i < n).
  size_t at(size_t i, char32_t* cp) const {
    auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      *cp = b;
      return 1;
    }
    return utf8_decode_valid(s + i, cp);
  }
};

// ASCII case-insensitive equality with a lowercase letter.
inline bool ascii_ieq(char c, char lower) { return (c | 0x20) == lower; }

inline bool is_newline(char32_t cp) { return cp == '\r' || cp == '\n'; }

// The class of (a non-letter, non-number, non-space) "punctuation" code point for alternative 4.
inline bool is_other(uint8_t cls) { return cls == kClassOther; }

// Alternative 1: (?i:'s|'t|'re|'ve|'m|'ll|'d). Case-insensitive matching in Oniguruma uses Unicode case
// folding, under which U+017F LATIN SMALL LETTER LONG S folds to 's'; no other code point folds to one of
// these letters. Returns the end offset, or 0 if there is no match.
size_t match_contraction(const Cursor& c, size_t i) {
  if (c.s[i] != '\'' || i + 1 >= c.n) return 0;
  char a = c.s[i + 1];
  if (ascii_ieq(a, 's') || ascii_ieq(a, 't') || ascii_ieq(a, 'm') || ascii_ieq(a, 'd')) return i + 2;
  if (i + 2 < c.n) {
    char b = c.s[i + 2];
    if ((ascii_ieq(a, 'r') || ascii_ieq(a, 'v')) && ascii_ieq(b, 'e')) return i + 3;
    if (ascii_ieq(a, 'l') && ascii_ieq(b, 'l')) return i + 3;
    // U+017F is C5 BF in UTF-8.
    if (static_cast<uint8_t>(a) == 0xC5 && static_cast<uint8_t>(b) == 0xBF) return i + 3;
  }
  return 0;
}

size_t skip_letters(const Cursor& c, size_t i) {
  while (i < c.n) {
    char32_t cp;
    size_t len = c.at(i, &cp);
    if (char_class(cp) != kClassLetter) break;
    i += len;
  }
  return i;
}

}  // namespace

size_t qwen2_piece_end(std::string_view text, size_t start) {
  Cursor c{text.data(), text.size()};
  const size_t n = c.n;
  size_t i = start;

  if (size_t end = match_contraction(c, i)) return end;

  char32_t c0;
  size_t len0 = c.at(i, &c0);
  uint8_t cls0 = char_class(c0);

  // Alternative 2: [^\r\n\p{L}\p{N}]?\p{L}+
  if (cls0 == kClassLetter) return skip_letters(c, i + len0);
  bool can_prefix = cls0 != kClassNumber && !is_newline(c0);
  char32_t c1 = 0;
  size_t len1 = 0;
  uint8_t cls1 = kClassOther;
  bool has_next = i + len0 < n;
  if (has_next) {
    len1 = c.at(i + len0, &c1);
    cls1 = char_class(c1);
  }
  if (can_prefix && has_next && cls1 == kClassLetter) return skip_letters(c, i + len0 + len1);

  // Alternative 3: \p{N}
  if (cls0 == kClassNumber) return i + len0;

  // Alternative 4: ' ?[^\s\p{L}\p{N}]+[\r\n]*'
  size_t run = 0;
  if (is_other(cls0)) {
    run = i + len0;
  } else if (c0 == ' ' && has_next && is_other(cls1)) {
    run = i + len0 + len1;
  }
  if (run != 0) {
    while (run < n) {
      char32_t cp;
      size_t len = c.at(run, &cp);
      if (!is_other(char_class(cp))) break;
      run += len;
    }
    while (run < n && (c.s[run] == '\r' || c.s[run] == '\n')) ++run;
    return run;
  }

  // Only whitespace is left (cls0 == kClassSpace). Find the maximal whitespace run, the end of its last
  // \r or \n, and the start of its last code point.
  size_t j = i;
  size_t after_last_newline = 0;
  size_t last_start = i;
  size_t count = 0;
  while (j < n) {
    char32_t cp;
    size_t len = c.at(j, &cp);
    if (char_class(cp) != kClassSpace) break;
    if (is_newline(cp)) after_last_newline = j + len;
    last_start = j;
    j += len;
    ++count;
  }
  // Alternative 5: \s*[\r\n]+ (backtracking ends the match right after the run's last newline).
  if (after_last_newline != 0) return after_last_newline;
  // Alternative 6: \s+(?!\S): the whole run at the end of text, else all but its last code point.
  if (j == n) return j;
  if (count >= 2) return last_start;
  // Alternative 7: \s+
  return j;
}

}  // namespace hirelm::tokenizer
