#include "engine/tokenizer/utf8.h"

namespace hirelm::tokenizer {

namespace {
// The allowed range of the second byte for each lead byte (Unicode table 3-7); later bytes are 80..BF.
struct LeadInfo {
  uint8_t length;  // 0 for a byte that cannot start a sequence
  uint8_t lo, hi;  // allowed range of the second byte
};

LeadInfo lead_info(uint8_t b) {
  if (b < 0x80) return {1, 0, 0};
  if (b < 0xC2) return {0, 0, 0};
  if (b < 0xE0) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b < 0xF0) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b < 0xF4) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}
}  // namespace

size_t utf8_decode(const char* s, size_t n, size_t i, char32_t* cp, size_t* invalid_len) {
  const auto* u = reinterpret_cast<const uint8_t*>(s);
  LeadInfo info = lead_info(u[i]);
  if (info.length == 1) {
    *cp = u[i];
    return 1;
  }
  if (info.length == 0) {
    *invalid_len = 1;
    return 0;
  }
  // Walk the continuation bytes; the first one out of range ends the maximal subpart.
  size_t k = 1;
  for (; k < info.length; ++k) {
    if (i + k >= n) break;
    uint8_t b = u[i + k];
    uint8_t lo = k == 1 ? info.lo : 0x80;
    uint8_t hi = k == 1 ? info.hi : 0xBF;
    if (b < lo || b > hi) break;
  }
  if (k < info.length) {
    *invalid_len = k;
    return 0;
  }
  return utf8_decode_valid(s + i, cp);
}

bool utf8_is_valid(std::string_view text) {
  const char* s = text.data();
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    size_t bad;
    size_t len = utf8_decode(s, n, i, &cp, &bad);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string utf8_sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  const char* s = text.data();
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    char32_t cp;
    size_t bad = 0;
    size_t len = utf8_decode(s, n, i, &cp, &bad);
    if (len == 0) {
      append_utf8(out, kReplacementChar);
      i += bad;
    } else {
      out.append(s + i, len);
      i += len;
    }
  }
  return out;
}

size_t utf8_complete_prefix(std::string_view bytes) {
  // Only the last (up to 3) bytes can be an incomplete sequence; look back for its lead byte.
  size_t n = bytes.size();
  const auto* u = reinterpret_cast<const uint8_t*>(bytes.data());
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    size_t start = n - back;
    uint8_t b = u[start];
    if ((b & 0xC0) == 0x80) continue;  // a continuation byte: keep looking for the lead
    LeadInfo info = lead_info(b);
    if (info.length <= back) return n;  // ASCII, invalid lead, or a sequence that is already complete
    // Check that what we have so far is a valid prefix; if not, it is garbage that will never complete.
    char32_t cp;
    size_t bad = 0;
    size_t len = utf8_decode(bytes.data(), n, start, &cp, &bad);
    if (len == 0 && bad == back) return start;  // valid so far, just cut short
    return n;
  }
  return n;
}

}  // namespace hirelm::tokenizer
