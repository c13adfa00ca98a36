// Added tokens (special like <｜end▁of▁sentence｜> and non-special like <think>): strings that are matched
// as whole tokens in trusted text before any pre-tokenization, as Hugging Face's AddedVocabulary does.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hirelm::tokenizer {

struct AddedToken {
  int32_t id = 0;
  std::string content;       // the literal text that is matched (UTF-8)
  bool special = false;      // a control token: skipped by decode(skip_special = true)
  bool lstrip = false;       // a match also swallows the whitespace to its left
  bool rstrip = false;       // ... and to its right
  bool normalized = false;   // matched in NFC-normalized text instead of the raw input
  bool single_word = false;  // matched only when not touching a letter/number on either side
};

// Finds added-token matches: leftmost first, and at one position the longest token first (Hugging Face
// uses Aho-Corasick with LeftmostLongest). Matches do not overlap.
class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;
  explicit AddedTokenMatcher(std::vector<AddedToken> tokens);

  bool empty() const { return tokens_.empty(); }

  // Splits well-formed UTF-8 `text`: calls on_text(std::string_view) for each (non-empty) stretch of
  // ordinary text and on_token(int32_t id) for each match, in order. With lstrip/rstrip the swallowed
  // whitespace belongs to the token and is not passed to on_text.
  template <typename OnText, typename OnToken>
  void split(std::string_view text, OnText&& on_text, OnToken&& on_token) const {
    size_t emitted = 0;  // end of the last match (start of pending ordinary text)
    size_t i = 0;
    while (i < text.size()) {
      if (!first_byte_[static_cast<uint8_t>(text[i])]) {
        ++i;
        continue;
      }
      const AddedToken* token = longest_at(text, i);
      if (token == nullptr) {
        ++i;
        continue;
      }
      size_t start = i;
      size_t stop = i + token->content.size();
      if (token->single_word && !single_word_ok(text, start, stop)) {
        i = stop;
        continue;
      }
      if (token->lstrip) start = strip_left(text, start, emitted);
      if (token->rstrip) stop = strip_right(text, stop);
      if (start > emitted) on_text(text.substr(emitted, start - emitted));
      on_token(token->id);
      emitted = stop;
      i = stop;
    }
    if (emitted < text.size()) on_text(text.substr(emitted));
  }

 private:
  const AddedToken* longest_at(std::string_view text, size_t i) const;
  static bool single_word_ok(std::string_view text, size_t start, size_t stop);
  static size_t strip_left(std::string_view text, size_t start, size_t floor);
  static size_t strip_right(std::string_view text, size_t stop);

  std::vector<AddedToken> tokens_;  // sorted by content length, longest first
  std::array<bool, 256> first_byte_{};
};

}  // namespace hirelm::tokenizer
