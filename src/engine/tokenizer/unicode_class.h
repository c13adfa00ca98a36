// Unicode facts the Qwen2 pre-tokenizer needs, taken from utf8proc (Unicode 15): whether a code point is
// a letter (\p{L}: Lu Ll Lt Lm Lo), a number (\p{N}: Nd Nl No) or whitespace (\s as Oniguruma defines it
// for Unicode text: the White_Space property = Zs Zl Zp plus U+0009..U+000D and U+0085), and NFC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hirelm::tokenizer {

enum CharClass : uint8_t {
  kClassOther = 0,
  kClassLetter = 1,
  kClassNumber = 2,
  kClassSpace = 4,
};

namespace detail {
// Classes of U+0000..U+FFFF, filled once from utf8proc on first use.
const uint8_t* bmp_class_table();
uint8_t astral_class(char32_t cp);
}  // namespace detail

inline uint8_t char_class(char32_t cp) {
  static const uint8_t* table = detail::bmp_class_table();
  return cp < 0x10000 ? table[cp] : detail::astral_class(cp);
}

// Applies Unicode NFC to well-formed UTF-8 `text`, writing the result to `out` (cleared first). Returns
// false and leaves `out` untouched when `text` is already certainly NFC (the common case: ASCII, Latin-1,
// CJK ideographs and CJK/fullwidth punctuation), so callers can keep using `text` without a copy.
bool nfc_if_needed(std::string_view text, std::string& out);

// NFC of well-formed UTF-8, always returning a string.
std::string nfc(std::string_view text);

}  // namespace hirelm::tokenizer
