#include "screening/documents/injection_scanner.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <memory>

#include "screening/documents/text_normalizer.h"
#include "util/check.h"

namespace hirelm::documents {
namespace {

struct Rule {
  const char* name;
  const char* regex;  // PCRE2, UTF + caseless
};

// Each rule names the intent; the regexes accept the usual paraphrases and spacing.
constexpr Rule kRules[] = {
    {"ignore previous instructions",
     R"(\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding|former|other)\b)"},
    {"ignore instructions", R"(\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:instructions|rules|guidelines)\b)"},
    {"score request",
     R"(\b(?:give|rate|score|grade|mark|assign)\s+(?:this|the|that|me|my)?\s*(?:candidate|resume|cv|applicant|application|profile|person)?\s*(?:a\s+|an\s+)?(?:score\s+of\s+|rating\s+of\s+|as\s+)?(?:10|ten|100|full\s+marks|top\s+marks|the\s+highest)\b)"},
    {"score request", R"(\b(?:10|ten)\s*(?:/|out\s+of)\s*(?:10|ten)\b.{0,40}\b(?:candidate|resume|score|rating)\b)"},
    {"recommend request", R"(\b(?:must|should)\s+(?:be\s+)?(?:hire|hired|recommend|recommended|shortlist|shortlisted)\b.{0,20}\b(?:this|the)\s+candidate\b)"},
    {"role override", R"(\byou\s+are\s+now\b)"},
    {"role override", R"(\b(?:act|behave)\s+as\s+(?:if\s+you\s+(?:are|were)\s+)?(?:a|an|the)\s+(?:different|new)\b)"},
    {"system prompt", R"(\bsystem\s+prompt\b)"},
    {"new instructions", R"(\b(?:new|updated|additional)\s+instructions\s*:)"},
    {"note to ai", R"(\b(?:note|message|instruction)s?\s+(?:to|for)\s+(?:the\s+)?(?:ai|llm|gpt|chatgpt|model|assistant|screener|screening\s+(?:system|tool))\b)"},
    {"忽略之前的指令", R"((?:忽略|无视|忘记|不要理会|忽視|無視)\s*(?:掉)?\s*(?:之前|以上|上述|上面|前面|先前|此前|所有|全部|以前|前述))"},
    {"给候选人打满分", R"(给\s*(?:这个|这位|该|此|本)?\s*(?:候选人|应聘者|求职者|简历|人)?\s*(?:打|评|给)?\s*(?:满分|10\s*分|十分|最高分))"},
    {"评分为10分", R"((?:评分|打分|分数|得分|评为|评级)\s*(?:为|是|给|应为|应该是|:|：)?\s*(?:10|十|满)\s*分)"},
    {"系统提示", R"(系统提示词?|系统指令)"},
    {"你现在是", R"(你现在是|从现在开始你是|你的新(?:任务|角色|指令))"},
    {"special token", R"(<\s*[|｜][^<>|｜\n]{1,40}[|｜]\s*>)"},
    {"special token", R"(</?\s*think\s*>)"},
    {"special token", R"(\[/?INST\]|<<\s*/?SYS\s*>>)"},
};

struct CodeDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};

const std::vector<std::unique_ptr<pcre2_code, CodeDeleter>>& compiled_rules() {
  static const auto rules = [] {
    std::vector<std::unique_ptr<pcre2_code, CodeDeleter>> out;
    for (const Rule& rule : kRules) {
      int error = 0;
      PCRE2_SIZE offset = 0;
      pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rule.regex), PCRE2_ZERO_TERMINATED,
                                       PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_NO_UTF_CHECK, &error,
                                       &offset, nullptr);
      HIRELM_CHECK_MSG(code != nullptr, rule.regex);
      out.emplace_back(code);
    }
    return out;
  }();
  return rules;
}

// Moves `pos` back (or forward) by up to `n` code points without splitting one, stopping at newlines.
size_t step_back(std::string_view s, size_t pos, size_t n) {
  while (n > 0 && pos > 0 && s[pos - 1] != '\n') {
    --pos;
    while (pos > 0 && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) --pos;
    --n;
  }
  return pos;
}

size_t step_forward(std::string_view s, size_t pos, size_t n) {
  while (n > 0 && pos < s.size() && s[pos] != '\n') {
    ++pos;
    while (pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) ++pos;
    --n;
  }
  return pos;
}

}  // namespace

std::vector<InjectionMatch> scan_for_injection(std::string_view text, size_t max_matches) {
  const std::string safe = sanitize_utf8(text);
  std::vector<std::pair<size_t, InjectionMatch>> found;
  const auto& rules = compiled_rules();
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> match(
      pcre2_match_data_create(4, nullptr), &pcre2_match_data_free);
  for (size_t r = 0; r < rules.size(); ++r) {
    size_t start = 0;
    while (start <= safe.size() && found.size() < max_matches * 4) {
      const int rc = pcre2_match(rules[r].get(), reinterpret_cast<PCRE2_SPTR>(safe.data()), safe.size(), start,
                                 PCRE2_NO_UTF_CHECK, match.get(), nullptr);
      if (rc < 0) break;
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match.get());
      const size_t begin = ov[0];
      const size_t end = ov[1];
      const size_t from = step_back(safe, begin, 30);
      const size_t to = step_forward(safe, end, 30);
      found.push_back({begin, {kRules[r].name, safe.substr(from, to - from)}});
      start = end > begin ? end : step_forward(safe, end, 1);
      if (start == end && end >= safe.size()) break;
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<InjectionMatch> out;
  size_t covered_until = 0;  // two rules matching the same words report them once
  for (auto& [offset, m] : found) {
    if (out.size() >= max_matches) break;
    if (!out.empty() && offset < covered_until) continue;
    covered_until = offset + 1;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace hirelm::documents
