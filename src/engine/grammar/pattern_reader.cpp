#include "engine/grammar/pattern_reader.h"

#include <algorithm>

#include "util/error.h"

namespace hirelm::grammar {

CodePointRanges complement(CodePointRanges ranges) {
  std::sort(ranges.begin(), ranges.end());
  CodePointRanges out;
  uint32_t next = 0;
  for (const auto& [lo, hi] : ranges) {
    if (lo > next) out.emplace_back(next, lo - 1);
    next = std::max(next, hi + 1);
  }
  if (next <= 0x10FFFF) out.emplace_back(next, 0x10FFFF);
  return out;
}

std::string PatternReader::where() const {
  size_t line = 1 + static_cast<size_t>(std::count(text_.begin(), text_.begin() + std::min(pos_, text_.size()), '\n'));
  return " (offset " + std::to_string(pos_) + ", line " + std::to_string(line) + ")";
}

void PatternReader::fail(const std::string& message) const { throw InvalidInputError(what_ + ": " + message + where()); }

void PatternReader::unsupported(const std::string& message) const {
  throw UnsupportedError(what_ + ": " + message + where());
}

bool PatternReader::consume(std::string_view s) {
  if (rest().substr(0, s.size()) != s) return false;
  pos_ += s.size();
  return true;
}

uint32_t PatternReader::next_code_point() {
  if (eof()) fail("unexpected end");
  auto b0 = static_cast<uint8_t>(text_[pos_]);
  int n = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
  if (n == 0 || pos_ + static_cast<size_t>(n) > text_.size()) fail("invalid UTF-8");
  uint32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (int i = 1; i < n; ++i) {
    auto b = static_cast<uint8_t>(text_[pos_ + static_cast<size_t>(i)]);
    if ((b & 0xC0) != 0x80) fail("invalid UTF-8");
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) fail("invalid UTF-8");
  pos_ += static_cast<size_t>(n);
  return cp;
}

uint32_t PatternReader::hex(size_t digits) {
  uint32_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = peek();
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) fail("expected a hex digit");
    v = v * 16 + static_cast<uint32_t>(d);
    skip();
  }
  return v;
}

bool PatternReader::escape_code_point(uint32_t* cp) {
  char c = peek();
  switch (c) {
    case 'n': *cp = '\n'; break;
    case 't': *cp = '\t'; break;
    case 'r': *cp = '\r'; break;
    case 'f': *cp = '\f'; break;
    case 'v': *cp = '\v'; break;
    case '0': *cp = 0; break;
    case 'x':
      skip();
      *cp = hex(2);
      return true;
    case 'u':
      skip();
      if (consume("{")) {
        uint32_t v = 0;
        size_t n = 0;
        while (peek() != '}') {
          v = v * 16 + hex(1);
          if (++n > 6) fail("\\u{...} too long");
        }
        skip();
        *cp = v;
      } else {
        *cp = hex(4);
      }
      if (*cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) fail("escape is not a Unicode scalar value");
      return true;
    case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
      return false;
    case 'b': case 'B':
      unsupported("word boundaries (\\b, \\B) are not supported");
    case 'p': case 'P':
      unsupported("Unicode property classes (\\p, \\P) are not supported");
    default:
      if (c >= '1' && c <= '9') unsupported("backreferences are not supported");
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) unsupported(std::string("unknown escape \\") + c);
      *cp = next_code_point();
      return true;
  }
  skip();
  return true;
}

bool PatternReader::class_escape(CodePointRanges* ranges) {
  char c = peek();
  CodePointRanges r;
  switch (c) {
    case 'd': case 'D': r = {{'0', '9'}}; break;
    case 'w': case 'W': r = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}; break;
    case 's': case 'S': r = {{'\t', '\r'}, {' ', ' '}}; break;
    default: return false;
  }
  skip();
  if (c == 'D' || c == 'W' || c == 'S') r = complement(r);
  ranges->insert(ranges->end(), r.begin(), r.end());
  return true;
}

void PatternReader::bracket_class(CodePointRanges* ranges, bool* negated) {
  skip();  // '['
  *negated = consume("^");
  bool first = true;
  while (true) {
    if (eof()) fail("unterminated character class");
    if (peek() == ']' && !first) {
      skip();
      return;
    }
    first = false;
    if (peek() == '[' && (peek(1) == ':' || peek(1) == '=' || peek(1) == '.')) {
      unsupported("POSIX classes ([:alpha:]) are not supported");
    }
    uint32_t lo;
    if (consume("\\")) {
      if (class_escape(ranges)) continue;
      if (!escape_code_point(&lo)) fail("bad escape in class");
    } else {
      lo = next_code_point();
    }
    uint32_t hi = lo;
    if (peek() == '-' && peek(1) != ']' && peek(1) != '\0') {
      skip();
      if (consume("\\")) {
        if (!escape_code_point(&hi)) fail("a class escape cannot end a range");
      } else {
        hi = next_code_point();
      }
      if (hi < lo) fail("character range out of order");
    }
    ranges->emplace_back(lo, hi);
  }
}

bool PatternReader::number(int64_t* value) {
  if (!(peek() >= '0' && peek() <= '9')) return false;
  int64_t v = 0;
  while (peek() >= '0' && peek() <= '9') {
    v = v * 10 + (peek() - '0');
    if (v > 1'000'000) fail("repetition count too large");
    skip();
  }
  *value = v;
  return true;
}

}  // namespace hirelm::grammar
