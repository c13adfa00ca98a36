#include "screening/documents/text_normalizer.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace hirelm::documents {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Code points removed outright: invisible format characters a reader never sees.
bool is_invisible(char32_t cp) {
  return cp == 0x00AD || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || cp == 0x180E;
}

bool is_control(char32_t cp) { return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F); }

bool is_unicode_space(char32_t cp) {
  return cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
         cp == 0x1680;
}

// Full-width punctuation Chinese text uses as itself; folding it would change how the text reads.
bool is_kept_fullwidth(char32_t cp) {
  switch (cp) {
    case 0xFF01:  // ！
    case 0xFF08:  // （
    case 0xFF09:  // ）
    case 0xFF0C:  // ，
    case 0xFF1A:  // ：
    case 0xFF1B:  // ；
    case 0xFF1F:  // ？
      return true;
    default:
      return false;
  }
}

std::string nfc(const std::string& s) {
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> out(
      utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str())), &std::free);
  // utf8proc only fails on invalid UTF-8, which the caller has already replaced; keep the input then.
  if (!out) return s;
  return std::string(reinterpret_cast<const char*>(out.get()));
}

}  // namespace

char32_t next_code_point(std::string_view s, size_t& pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++pos;
    return kReplacement;
  }
  if (pos + len > s.size()) {
    ++pos;
    return kReplacement;
  }
  for (size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) {
      ++pos;
      return kReplacement;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++pos;
    return kReplacement;
  }
  pos += len;
  return cp;
}

bool is_valid_utf8(std::string_view bytes) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t start = pos;
    const char32_t cp = next_code_point(bytes, pos);
    // A real U+FFFD in the input is three bytes; a decoding failure consumes one.
    if (cp == kReplacement && pos - start == 1) return false;
  }
  return true;
}

std::string sanitize_utf8(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size());
  size_t pos = 0;
  while (pos < bytes.size()) append_utf8(out, next_code_point(bytes, pos));
  return out;
}

bool is_han(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3134F);
}

bool is_cjk(char32_t cp) {
  return is_han(cp) || (cp >= 0x3000 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0xFF00 && cp <= 0xFFEF);
}

std::string normalize_text(std::string_view utf8) {
  // Pass 1: per code point mapping.
  std::string mapped;
  mapped.reserve(utf8.size());
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t cp = next_code_point(utf8, pos);
    if (cp == '\r') {
      if (pos < utf8.size() && utf8[pos] == '\n') ++pos;
      cp = '\n';
    } else if (cp == 0x2028 || cp == 0x2029 || cp == 0x0B || cp == 0x0C || cp == 0x85) {
      cp = '\n';
    }
    if (is_invisible(cp) || is_control(cp)) continue;
    if (is_unicode_space(cp)) {
      cp = ' ';
    } else if (cp >= 0xFF01 && cp <= 0xFF5E && !is_kept_fullwidth(cp)) {
      cp = cp - 0xFF01 + 0x21;
    }
    append_utf8(mapped, cp);
  }
  const std::string composed = nfc(mapped);

  // Pass 2: whitespace, line by line.
  std::string out;
  out.reserve(composed.size());
  size_t pending_blank = 0;  // blank lines seen since the last non-blank line
  size_t start = 0;
  while (start <= composed.size()) {
    size_t end = composed.find('\n', start);
    if (end == std::string::npos) end = composed.size();
    std::string line;
    bool in_space = false;
    bool space_has_tab = false;
    for (size_t i = start; i < end; ++i) {
      const char c = composed[i];
      if (c == ' ' || c == '\t') {
        in_space = true;
        space_has_tab |= c == '\t';
        continue;
      }
      if (in_space && !line.empty()) line.push_back(space_has_tab ? '\t' : ' ');
      in_space = false;
      space_has_tab = false;
      line.push_back(c);
    }
    if (line.empty()) {
      ++pending_blank;
    } else {
      if (!out.empty()) out += pending_blank > 0 ? "\n\n" : "\n";
      out += line;
      pending_blank = 0;
    }
    if (end == composed.size()) break;
    start = end + 1;
  }
  return out;
}

}  // namespace hirelm::documents
