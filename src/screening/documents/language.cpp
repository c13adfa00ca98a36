#include "screening/documents/language.h"

#include "screening/documents/text_normalizer.h"

namespace hirelm::documents {

std::string detect_language(std::string_view utf8) {
  double han = 0;
  double latin = 0;
  size_t pos = 0;
  while (pos < utf8.size()) {
    const char32_t cp = next_code_point(utf8, pos);
    if (is_han(cp)) {
      han += 1;
    } else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0x24F)) {
      latin += 1;
    }
  }
  if (han == 0 && latin == 0) return "unknown";
  const double share = han / (han + latin / 4.0);
  if (share >= 0.8) return "zh";
  if (share <= 0.2) return "en";
  return "mixed";
}

}  // namespace hirelm::documents
