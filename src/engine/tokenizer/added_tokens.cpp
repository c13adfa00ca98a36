#include "engine/tokenizer/added_tokens.h"

#include <algorithm>

#include "engine/tokenizer/unicode_class.h"
#include "engine/tokenizer/utf8.h"

namespace hirelm::tokenizer {

AddedTokenMatcher::AddedTokenMatcher(std::vector<AddedToken> tokens) : tokens_(std::move(tokens)) {
  // An empty content can never be matched (Hugging Face ignores it as well).
  std::erase_if(tokens_, [](const AddedToken& t) { return t.content.empty(); });
  std::stable_sort(tokens_.begin(), tokens_.end(),
                   [](const AddedToken& a, const AddedToken& b) { return a.content.size() > b.content.size(); });
  for (const auto& t : tokens_) first_byte_[static_cast<uint8_t>(t.content[0])] = true;
}

const AddedToken* AddedTokenMatcher::longest_at(std::string_view text, size_t i) const {
  std::string_view rest = text.substr(i);
  for (const auto& t : tokens_) {
    if (rest.starts_with(t.content)) return &t;
  }
  return nullptr;
}

namespace {
// Rust's char::is_alphanumeric, the word test of Hugging Face's single_word flag.
bool is_word_char(char32_t cp) { return (char_class(cp) & (kClassLetter | kClassNumber)) != 0; }

// The code point that ends just before byte `pos` (pos > 0) of well-formed UTF-8, and its start.
char32_t code_point_before(std::string_view text, size_t pos, size_t* start) {
  size_t s = pos - 1;
  while (s > 0 && (static_cast<uint8_t>(text[s]) & 0xC0) == 0x80) --s;
  char32_t cp;
  utf8_decode_valid(text.data() + s, &cp);
  *start = s;
  return cp;
}
}  // namespace

bool AddedTokenMatcher::single_word_ok(std::string_view text, size_t start, size_t stop) {
  if (start > 0) {
    size_t s;
    if (is_word_char(code_point_before(text, start, &s))) return false;
  }
  if (stop < text.size()) {
    char32_t cp;
    utf8_decode_valid(text.data() + stop, &cp);
    if (is_word_char(cp)) return false;
  }
  return true;
}

size_t AddedTokenMatcher::strip_left(std::string_view text, size_t start, size_t floor) {
  while (start > floor) {
    size_t s;
    char32_t cp = code_point_before(text, start, &s);
    if (char_class(cp) != kClassSpace || s < floor) break;
    start = s;
  }
  return start;
}

size_t AddedTokenMatcher::strip_right(std::string_view text, size_t stop) {
  while (stop < text.size()) {
    char32_t cp;
    size_t len = utf8_decode_valid(text.data() + stop, &cp);
    if (char_class(cp) != kClassSpace) break;
    stop += len;
  }
  return stop;
}

}  // namespace hirelm::tokenizer
