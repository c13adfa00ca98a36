// Plain-text encodings seen in Chinese and English resumes, detected and converted to UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace hirelm::documents {

struct DecodedText {
  std::string utf8;      // the text as UTF-8, BOM removed
  std::string encoding;  // "UTF-8", "UTF-16LE", "UTF-16BE", "GB18030" or "windows-1252"
};

// Detects the encoding of `bytes` and converts to UTF-8, in this order:
//  1. a BOM (UTF-8, UTF-16LE, UTF-16BE);
//  2. BOM-less UTF-16 by its NUL pattern (ASCII characters have a zero high byte);
//  3. well-formed UTF-8;
//  4. GB18030 (a superset of GBK and GB2312) if the bytes convert without an error;
//  5. windows-1252 as the last resort (every byte maps to something).
DecodedText decode_text(std::string_view bytes);

// Converts `bytes` from the named charset (an ICU converter name or alias, e.g. "gbk", "gb2312",
// "utf-16le") to UTF-8. Throws InvalidInputError naming `what` if the charset is unknown or the bytes
// are not valid in it.
std::string convert_to_utf8(std::string_view bytes, const std::string& charset, const std::string& what);

}  // namespace hirelm::documents
