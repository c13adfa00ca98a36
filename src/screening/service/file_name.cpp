#include "screening/service/file_name.h"

#include <cstdint>

namespace hirelm::service {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
size_t utf8_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t cp = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  const uint32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  if (cp >= 0x80 && cp <= 0x9F) return 0;  // C1 controls
  return n;
}

}  // namespace

std::string sanitize_file_name(std::string_view raw) {
  const size_t sep = raw.find_last_of("/\\");
  if (sep != std::string_view::npos) raw.remove_prefix(sep + 1);
  std::string out;
  for (size_t i = 0; i < raw.size();) {
    const size_t n = utf8_length(raw, i);
    if (n == 0) {
      ++i;
      continue;
    }
    const auto c = static_cast<unsigned char>(raw[i]);
    const bool control = n == 1 && (c < 0x20 || c == 0x7F);
    if (!control) {
      if (out.size() + n > 200) break;
      out.append(raw.substr(i, n));
    }
    i += n;
  }
  const size_t start = out.find_first_not_of(". ");
  out = start == std::string::npos ? std::string() : out.substr(start);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "upload" : out;
}

}  // namespace hirelm::service
