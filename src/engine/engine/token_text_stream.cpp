#include "engine/engine/token_text_stream.h"

#include "engine/tokenizer/tokenizer.h"

namespace hirelm::engine {

namespace {
constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the UTF-8 sequence a lead byte announces; 0 for a byte that cannot start one.
size_t sequence_length(unsigned char c) {
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return 2;
  if (c >= 0xE0 && c <= 0xEF) return 3;
  if (c >= 0xF0 && c <= 0xF4) return 4;
  return 0;
}

// Whether the second byte is allowed after this lead byte (excludes overlongs, surrogates, > U+10FFFF).
bool second_byte_ok(unsigned char lead, unsigned char second) {
  if (!is_continuation(second)) return false;
  if (lead == 0xE0) return second >= 0xA0;
  if (lead == 0xED) return second <= 0x9F;
  if (lead == 0xF0) return second >= 0x90;
  if (lead == 0xF4) return second <= 0x8F;
  return true;
}
}  // namespace

size_t append_valid_utf8(const std::string& bytes, std::string& out) {
  size_t i = 0;
  const size_t n = bytes.size();
  while (i < n) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    const size_t len = sequence_length(lead);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (len == 1) {
      out += bytes[i++];
      continue;
    }
    // Check the bytes that are present; stop at the first bad one.
    size_t good = 1;
    while (good < len && i + good < n) {
      const auto c = static_cast<unsigned char>(bytes[i + good]);
      const bool ok = good == 1 ? second_byte_ok(lead, c) : is_continuation(c);
      if (!ok) break;
      ++good;
    }
    if (good == len) {
      out.append(bytes, i, len);
      i += len;
    } else if (i + good == n) {
      return n - i;  // a valid but incomplete character at the end: wait for more bytes
    } else {
      out += kReplacement;  // the maximal invalid subpart becomes one U+FFFD
      i += good;
    }
  }
  return 0;
}

TokenTextStream::TokenTextStream(const Tokenizer& tokenizer) : tokenizer_(tokenizer) {}

std::string TokenTextStream::push(int32_t token) {
  if (tokenizer_.is_special(token)) return {};
  pending_.append(tokenizer_.token_bytes(token));
  std::string out;
  const size_t held = append_valid_utf8(pending_, out);
  pending_.erase(0, pending_.size() - held);
  return out;
}

std::string TokenTextStream::finish() {
  std::string out;
  if (!pending_.empty()) out = kReplacement;
  pending_.clear();
  return out;
}

}  // namespace hirelm::engine
