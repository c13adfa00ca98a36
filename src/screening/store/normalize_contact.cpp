// Normalized contact identities for candidate dedup (store.h).
#include <string>

#include "screening/store/store.h"

namespace hirelm::store {

namespace {

// Full-width ASCII (U+FF01..U+FF5E, 3 bytes EF BC 81 .. EF BD 9E) to ASCII; everything else unchanged.
std::string fold_full_width(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 == 0xEF && i + 2 < s.size()) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      const auto b2 = static_cast<unsigned char>(s[i + 2]);
      const unsigned cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 && cp >= 0xFF01 && cp <= 0xFF5E) {
        out.push_back(static_cast<char>(cp - 0xFF01 + 0x21));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

std::string normalize_email(const std::string& email) {
  std::string out;
  for (char c : fold_full_width(email)) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out.find('@') == std::string::npos ? std::string() : out;
}

std::string normalize_phone(const std::string& phone) {
  std::string d;
  for (char c : fold_full_width(phone)) {
    if (c >= '0' && c <= '9') d.push_back(c);
  }
  if (d.size() == 15 && d.starts_with("0086")) d.erase(0, 4);
  if (d.size() == 13 && d.starts_with("86") && d[2] == '1') d.erase(0, 2);
  return d.size() >= 6 ? d : std::string();
}

}  // namespace hirelm::store
