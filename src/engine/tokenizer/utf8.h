// UTF-8 decoding helpers shared by the tokenizer. The tokenizer works on UTF-8 bytes throughout; these
// helpers define what happens to bytes that are not well-formed UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/utf8.h"

namespace hirelm::tokenizer {

constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes one well-formed code point starting at s[i] (i < n). Returns its length in bytes (1..4), or 0
// if the bytes at i do not start a well-formed sequence (Unicode 15, table 3-7). On 0, *invalid_len is
// the length of the maximal subpart of an ill-formed sequence (at least 1): the bytes that one U+FFFD
// replaces under the W3C/Unicode "maximal subpart" practice (what Python, Rust and browsers do).
size_t utf8_decode(const char* s, size_t n, size_t i, char32_t* cp, size_t* invalid_len);

// Decodes a code point from text known to be well-formed UTF-8 (no checks). Returns the byte length.
inline size_t utf8_decode_valid(const char* s, char32_t* cp) {
  const auto* u = reinterpret_cast<const uint8_t*>(s);
  if (u[0] < 0x80) {
    *cp = u[0];
    return 1;
  }
  if (u[0] < 0xE0) {
    *cp = (char32_t(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    return 2;
  }
  if (u[0] < 0xF0) {
    *cp = (char32_t(u[0] & 0x0F) << 12) | (char32_t(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    return 3;
  }
  *cp = (char32_t(u[0] & 0x07) << 18) | (char32_t(u[1] & 0x3F) << 12) | (char32_t(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
  return 4;
}

// True if `text` is entirely well-formed UTF-8.
bool utf8_is_valid(std::string_view text);

// Replaces each maximal ill-formed subsequence of `text` with U+FFFD (EF BF BD) and returns the result;
// well-formed text comes back unchanged. This is the tokenizer's documented treatment of invalid input:
// nothing is dropped silently and nothing crashes.
std::string utf8_sanitize(std::string_view text);

// Length of the longest prefix of `bytes` that ends on a code point boundary, treating a trailing
// *incomplete but so far valid* sequence as not yet complete. Used by the streaming detokenizer to hold
// back the start of a character whose remaining bytes arrive with the next token.
size_t utf8_complete_prefix(std::string_view bytes);

}  // namespace hirelm::tokenizer
