// The Qwen2 pre-tokenizer: splits text into the pieces that BPE then encodes one by one. It is a
// hand-written matcher equivalent to the Hugging Face tokenizers "Split" (behavior Isolated) with the
// Oniguruma regex
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// where \p{L}, \p{N} and \s are the classes of unicode_class.h. Every code point is covered by some
// alternative, so the pieces tile the text exactly (no gaps).
#pragma once

#include <cstddef>
#include <string_view>

namespace hirelm::tokenizer {

// Returns the end (byte offset, > start) of the piece that starts at byte `start` of `text`.
// Precondition: `text` is well-formed UTF-8 and start < text.size() lies on a code point boundary.
size_t qwen2_piece_end(std::string_view text, size_t start);

// Calls on_piece(std::string_view piece) for each piece of `text`, in order.
template <typename F>
void qwen2_pre_tokenize(std::string_view text, F&& on_piece) {
  size_t i = 0;
  while (i < text.size()) {
    size_t end = qwen2_piece_end(text, i);
    on_piece(text.substr(i, end - i));
    i = end;
  }
}

}  // namespace hirelm::tokenizer
