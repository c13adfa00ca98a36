// Text normalization shared by every extractor: the one place that decides what "clean text" means.
#pragma once

#include <string>
#include <string_view>

#include "util/utf8.h"

namespace hirelm::documents {

// Returns `utf8` cleaned for downstream use:
//  - invalid UTF-8 sequences become U+FFFD; CRLF and lone CR become LF; U+2028/U+2029 become LF;
//  - control characters (C0 except TAB and LF, DEL, C1) and zero-width / invisible format characters
//    (U+200B..U+200F, U+2060..U+2064, U+FEFF, U+00AD, U+202A..U+202E bidi controls) are removed;
//  - full-width ASCII (U+FF01..U+FF5E) is folded to ASCII ("１３８" -> "138", "ａ" -> "a") except the CJK
//    punctuation that Chinese text uses as such (，：；！？（）); U+3000 and other Unicode spaces become ' ';
//  - NFC;
//  - per line: runs of spaces/tabs collapse to one character (a tab if the run holds one, so table cells
//    stay tab-separated), leading and trailing spaces are stripped; at most one blank line in a row, and
//    no blank lines at the start or end. The result ends without a newline.
std::string normalize_text(std::string_view utf8);

// Replaces invalid UTF-8 sequences with U+FFFD; valid input is returned unchanged.
std::string sanitize_utf8(std::string_view bytes);

// True if `bytes` is entirely well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view bytes);

// Decodes the code point starting at `pos` (advancing it); invalid bytes decode as U+FFFD, one byte each.
char32_t next_code_point(std::string_view s, size_t& pos);

// Unicode blocks used across intake (CJK ideographs, CJK punctuation, kana, Hangul).
bool is_han(char32_t cp);
bool is_cjk(char32_t cp);

}  // namespace hirelm::documents
