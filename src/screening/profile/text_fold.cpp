#include "screening/profile/text_fold.h"

#include "util/utf8.h"

namespace hirelm::profile::detail {

namespace {

// Decodes one UTF-8 sequence at `i`; returns its length, or 0 when the bytes are not valid UTF-8.
size_t decode(std::string_view s, size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  return len;
}

}  // namespace

std::string fold_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const size_t len = decode(text, i, cp);
    if (len == 0) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp = cp - 0xFF01 + 0x21;
    else if (cp == 0x3000) cp = ' ';
    else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 || cp == 0xFE63) cp = '-';
    if (cp >= 'A' && cp <= 'Z') cp = cp - 'A' + 'a';
    if (len > 1 && cp >= 0x80) {
      out.append(text.substr(i, len));  // unchanged bytes (keeps overlong-free input byte-identical)
    } else {
      append_utf8(out, cp);
    }
    i += len;
  }
  return out;
}

}  // namespace hirelm::profile::detail
