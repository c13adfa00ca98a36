// Degree normalization (profile_checks.h): the highest degree a piece of text names.
#include <array>
#include <string>

#include "screening/profile/profile_checks.h"
#include "screening/profile/text_fold.h"

namespace hirelm::profile {

namespace {

struct DegreeWord {
  std::string_view word;  // folded (lower-case ASCII) form
  int rank;               // 1 associate .. 4 doctorate
};

// Chinese words match anywhere; ASCII words only as whole words (no letter on either side), so "ma" does
// not match inside "mathematics".
constexpr std::array<DegreeWord, 52> kWords = {{
    {"博士", 4},         {"phd", 4},       {"ph.d", 4},       {"ph. d", 4},     {"doctor", 4},
    {"doctorate", 4},    {"dphil", 4},     {"d.phil", 4},     {"edd", 4},       {"ed.d", 4},
    {"硕士", 3},         {"研究生", 3},    {"master", 3},     {"masters", 3},   {"msc", 3},
    {"m.sc", 3},         {"meng", 3},      {"m.eng", 3},      {"mba", 3},       {"m.b.a", 3},
    {"mphil", 3},        {"m.phil", 3},    {"mres", 3},       {"ms", 3},        {"m.s", 3},
    {"ma", 3},           {"m.a", 3},       {"mfa", 3},        {"mpa", 3},       {"llm", 3},
    {"本科", 2},         {"学士", 2},      {"bachelor", 2},   {"bachelors", 2}, {"bsc", 2},
    {"b.sc", 2},         {"beng", 2},      {"b.eng", 2},      {"ba", 2},        {"b.a", 2},
    {"bs", 2},           {"b.s", 2},       {"bba", 2},        {"btech", 2},     {"b.tech", 2},
    {"undergraduate", 2},
    {"大专", 1},         {"专科", 1},      {"高职", 1},       {"associate", 1}, {"hnd", 1},
    {"高等职业", 1},
}};

bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool contains_word(std::string_view text, std::string_view word) {
  const bool ascii = static_cast<unsigned char>(word[0]) < 0x80;
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    if (!ascii) return true;
    const bool left_ok = at == 0 || !ascii_letter(text[at - 1]);
    const size_t end = at + word.size();
    const bool right_ok = end >= text.size() || !ascii_letter(text[end]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 4> kNames = {"大专", "本科", "硕士", "博士"};

}  // namespace

std::optional<std::string> normalize_degree(std::string_view raw) {
  const std::string folded = detail::fold_text(raw);
  if (folded.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  int best = 0;
  for (const DegreeWord& w : kWords) {
    if (w.rank > best && contains_word(folded, w.word)) best = w.rank;
  }
  if (best == 0) return std::string("other");
  return std::string(kNames[static_cast<size_t>(best - 1)]);
}

int degree_rank(std::string_view normalized) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (normalized == kNames[i]) return static_cast<int>(i) + 1;
  }
  return normalized == "other" ? 0 : -1;
}

}  // namespace hirelm::profile
