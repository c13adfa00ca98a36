#include "screening/scoring/boxed_score.h"

#include <cmath>
#include <cctype>
#include <cstdlib>
#include <vector>

namespace hirelm::screening {
namespace {

// Folds full-width ASCII (U+FF01..U+FF5E, so "８．５" reads "8.5") to ASCII; drops LaTeX commands (\text, \mathbf, ...) and braces so "\text{8分}" reads as "8分".
std::string fold(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xEF && i + 2 < s.size()) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      const auto b2 = static_cast<unsigned char>(s[i + 2]);
      // U+FF01..U+FF3F: EF BC 81..BF; U+FF40..U+FF5E: EF BD 80..9E
      if (b1 == 0xBC && b2 >= 0x81) {
        out += static_cast<char>(b2 - 0x81 + 0x21);
        i += 3;
        continue;
      }
      if (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) {
        out += static_cast<char>(b2 - 0x80 + 0x60);
        i += 3;
        continue;
      }
    }
    if (c == '\\') {
      size_t j = i + 1;
      while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
      if (j == i + 1 && j < s.size()) {  // an escaped symbol: "\%" keeps its '%', "\," is a space
        out += s[j] == '%' ? '%' : ' ';
        i = j + 1;
        continue;
      }
      out += ' ';
      i = j;
      continue;
    }
    if (c == '{' || c == '}') {
      out += ' ';
      ++i;
      continue;
    }
    out += s[i];
    ++i;
  }
  return out;
}

struct Number {
  double value;
  size_t end;
};

std::vector<Number> numbers_in(const std::string& s, std::vector<size_t>& starts) {
  std::vector<Number> out;
  for (size_t i = 0; i < s.size();) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) ||
        (s[i] == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      char* end = nullptr;
      const double v = std::strtod(s.c_str() + i, &end);
      const size_t e = static_cast<size_t>(end - s.c_str());
      starts.push_back(i);
      out.push_back({v, e});
      i = e;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> find_boxed(std::string_view text) {
  std::vector<std::string> out;
  const std::string_view key = "\\boxed";
  size_t pos = 0;
  while ((pos = text.find(key, pos)) != std::string_view::npos) {
    size_t i = pos + key.size();
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] != '{') {
      pos = i;
      continue;
    }
    int depth = 0;
    size_t j = i;
    for (; j < text.size(); ++j) {
      if (text[j] == '{') ++depth;
      if (text[j] == '}' && --depth == 0) break;
    }
    if (j >= text.size()) break;  // unclosed: a truncated answer
    out.emplace_back(text.substr(i + 1, j - i - 1));
    pos = j + 1;
  }
  return out;
}

std::optional<double> parse_score_text(std::string_view box, std::string* reason) {
  const std::string s = fold(box);
  std::vector<size_t> starts;
  const std::vector<Number> nums = numbers_in(s, starts);
  auto bad = [&](const char* why) -> std::optional<double> {
    if (reason) *reason = why;
    return std::nullopt;
  };
  if (nums.empty()) return bad("unparseable_boxed");
  double value = nums[0].value;
  if (starts[0] > 0 && s[starts[0] - 1] == '-') value = -value;  // "-3" is a negative score, not 3
  if (nums.size() >= 2) {
    // "8/10", "8 / 10", "8 out of 10": a fraction of the second number.
    std::string between = s.substr(nums[0].end, starts[1] - nums[0].end);
    std::string t;
    for (char c : between) {
      if (c != ' ') t += c;
    }
    if ((t == "/" || t == "outof" || t == "分/") && nums[1].value > 0) {
      value = nums[0].value / nums[1].value * 10.0;
    } else if (nums.size() == 2 && nums[0].value == nums[1].value) {
      // the same number twice ("8 (8)") is still one score
    } else {
      return bad("unparseable_boxed");
    }
    if (nums.size() > 2) return bad("unparseable_boxed");
  } else if (s.find('%', nums[0].end) != std::string::npos) {
    value = nums[0].value / 10.0;
  }
  if (!std::isfinite(value) || value < 0 || value > 10) return bad("out_of_range");
  if (reason) reason->clear();
  return value;
}

BoxedScore parse_boxed_score(std::string_view answer, std::string_view reasoning) {
  BoxedScore out;
  bool blank = true;
  for (char c : answer) {
    if (!std::isspace(static_cast<unsigned char>(c))) blank = false;
  }
  const std::vector<std::string> boxes = find_boxed(answer);
  if (boxes.empty()) {
    if (!find_boxed(reasoning).empty()) {
      out.reason = "boxed_only_in_reasoning";
    } else {
      out.reason = blank ? "no_answer" : "no_boxed";
    }
    return out;
  }
  out.raw = boxes.back();
  std::string reason;
  out.score = parse_score_text(out.raw, &reason);
  if (!out.score) out.reason = reason;
  return out;
}

}  // namespace hirelm::screening
