#include "engine/tokenizer/unicode_class.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "engine/tokenizer/utf8.h"
#include "util/check.h"

namespace hirelm::tokenizer {

namespace detail {

namespace {
uint8_t compute_class(char32_t cp) {
  if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x85) return kClassSpace;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return kClassLetter;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return kClassNumber;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
      return kClassSpace;
    default:
      return kClassOther;
  }
}
}  // namespace

const uint8_t* bmp_class_table() {
  // Built once (thread-safe static init); 64 KiB, never freed.
  static const std::unique_ptr<uint8_t[]> table = [] {
    auto t = std::make_unique<uint8_t[]>(0x10000);
    for (char32_t cp = 0; cp < 0x10000; ++cp) {
      // Surrogates are not scalar values; utf8proc reports them as Cs (other) anyway.
      t[cp] = compute_class(cp);
    }
    return t;
  }();
  return table.get();
}

uint8_t astral_class(char32_t cp) { return cp > 0x10FFFF ? uint8_t{kClassOther} : compute_class(cp); }

}  // namespace detail

namespace {
// Code points that NFC leaves alone whatever surrounds them: no canonical decomposition, combining class
// 0, never the second half of a canonical composition, never composing with a following mark that is
// itself outside this set. Anything else sends the text through utf8proc.
bool nfc_inert(char32_t cp) {
  return cp < 0x300 || (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x3000 && cp <= 0x3029) ||
         (cp >= 0x3030 && cp <= 0x303F) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
         (cp >= 0xFF01 && cp <= 0xFF5E);
}
}  // namespace

bool nfc_if_needed(std::string_view text, std::string& out) {
  const char* s = text.data();
  size_t n = text.size();
  size_t i = 0;
  bool inert = true;
  while (i < n) {
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    i += utf8_decode_valid(s + i, &cp);
    if (!nfc_inert(cp)) {
      inert = false;
      break;
    }
  }
  if (inert) return false;
  utf8proc_uint8_t* result = nullptr;
  utf8proc_ssize_t len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s), static_cast<utf8proc_ssize_t>(n),
                                      &result, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  // The input is well-formed UTF-8 (sanitized by the caller), so utf8proc can only fail on memory.
  HIRELM_CHECK_MSG(len >= 0, utf8proc_errmsg(len));
  out.assign(reinterpret_cast<const char*>(result), static_cast<size_t>(len));
  std::free(result);
  return true;
}

std::string nfc(std::string_view text) {
  std::string out;
  if (!nfc_if_needed(text, out)) out.assign(text);
  return out;
}

}  // namespace hirelm::tokenizer
