#include "screening/scoring/evidence.h"

#include <utf8proc.h>

#include <cstdlib>

namespace hirelm::screening {

std::string normalize_for_match(std::string_view text) {
  utf8proc_uint8_t* folded = nullptr;
  // Combining marks are kept (no UTF8PROC_STRIPMARK): "é" and "e" are different letters.
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                                      UTF8PROC_IGNORE);
  std::string out;
  // Drop invalid bytes first so utf8proc accepts the text.
  std::string clean;
  clean.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                                    static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    if (n <= 0) {
      ++i;
      continue;
    }
    clean.append(text.data() + i, static_cast<size_t>(n));
    i += static_cast<size_t>(n);
  }
  const auto len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(clean.data()),
                                static_cast<utf8proc_ssize_t>(clean.size()), &folded, options);
  if (len < 0) return out;
  for (utf8proc_ssize_t i = 0; i < len;) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(folded + i, len - i, &cp);
    if (n <= 0) break;
    const auto cat = utf8proc_category(cp);
    const bool keep = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                      (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
                      (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
    if (keep) out.append(reinterpret_cast<const char*>(folded + i), static_cast<size_t>(n));
    i += n;
  }
  std::free(folded);
  return out;
}

bool quote_in_source(std::string_view quote, std::string_view normalized_source) {
  const std::string q = normalize_for_match(quote);
  if (q.size() < kMinEvidenceBytes) return false;
  return normalized_source.find(q) != std::string_view::npos;
}

}  // namespace hirelm::screening
