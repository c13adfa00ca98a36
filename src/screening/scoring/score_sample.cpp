#include "screening/scoring/score_sample.h"

#include <algorithm>
#include <cctype>

#include "screening/scoring/boxed_score.h"
#include "screening/scoring/evidence.h"

namespace hirelm::screening {
namespace {

// Larger than any job's must-have count; a must-have index beyond it is read as this value.
constexpr size_t kNoSuchMustHave = 1000000;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// Strips list markers, Markdown emphasis and headings from the start of a line and lowercases ASCII.
std::string clean_line(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '-' || line[i] == '*' ||
                             line[i] == '#' || line[i] == '>' || line[i] == '|')) {
    ++i;
  }
  std::string out;
  for (size_t j = i; j < line.size(); ++j) {
    if (line[j] == '*') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(line[j])));
  }
  return out;
}

// If `line` (cleaned) starts with `label` followed by ':' / '：', returns the rest after the colon.
std::optional<std::string> after_label(const std::string& line, const std::string& label) {
  if (line.compare(0, label.size(), label) != 0) return std::nullopt;
  size_t i = label.size();
  while (i < line.size() && line[i] == ' ') ++i;
  if (line.compare(i, 1, ":") == 0) return line.substr(i + 1);
  if (line.compare(i, 3, "\xEF\xBC\x9A") == 0) return line.substr(i + 3);  // full-width colon
  return std::nullopt;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Quoted passages on an evidence line: "...", “...”, 「...」, '...'; else the whole rest of the line.
std::vector<std::string> quotes_in(const std::string& rest) {
  static const std::vector<std::pair<std::string, std::string>> kPairs = {
      {"\"", "\""}, {"\xE2\x80\x9C", "\xE2\x80\x9D"}, {"\xE3\x80\x8C", "\xE3\x80\x8D"}, {"\xE3\x80\x8E", "\xE3\x80\x8F"}};
  std::vector<std::string> out;
  for (const auto& [open, close] : kPairs) {
    size_t pos = 0;
    while ((pos = rest.find(open, pos)) != std::string::npos) {
      const size_t end = rest.find(close, pos + open.size());
      if (end == std::string::npos) break;
      out.push_back(rest.substr(pos + open.size(), end - pos - open.size()));
      pos = end + close.size();
    }
  }
  if (out.empty()) {
    size_t b = rest.find_first_not_of(" \t");
    if (b != std::string::npos) out.push_back(rest.substr(b));
  }
  return out;
}

std::optional<double> first_score(const std::string& rest) {
  // "7/10", "7 分", "7" — up to the first character that cannot be part of a score.
  std::string head;
  for (char c : rest) {
    if (c == '(' || c == ',' || c == ';') break;
    head += c;
  }
  if (auto v = parse_score_text(head)) return v;
  // Fall back to the first number alone ("7 - strong C++").
  size_t i = rest.find_first_of("0123456789");
  if (i == std::string::npos) return std::nullopt;
  size_t j = i;
  while (j < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[j])) || rest[j] == '.')) ++j;
  return parse_score_text(rest.substr(i, j - i), nullptr);
}

std::optional<MustHaveResult> must_have_result(const std::string& rest) {
  const std::string r = lower_ascii(rest);
  // Negative forms first: "不满足" contains "满足", "not met" contains "met".
  if (r.find("unclear") != std::string::npos || r.find("不确定") != std::string::npos ||
      r.find("无法判断") != std::string::npos || r.find("不明确") != std::string::npos) {
    return MustHaveResult::kUnclear;
  }
  if (r.find("fail") != std::string::npos || r.find("不满足") != std::string::npos ||
      r.find("不通过") != std::string::npos || r.find("not met") != std::string::npos) {
    return MustHaveResult::kFail;
  }
  if (r.find("pass") != std::string::npos || r.find("满足") != std::string::npos ||
      r.find("通过") != std::string::npos || r.find("met") != std::string::npos) {
    return MustHaveResult::kPass;
  }
  return std::nullopt;
}

}  // namespace

std::string must_have_result_name(MustHaveResult r) {
  switch (r) {
    case MustHaveResult::kPass:
      return "pass";
    case MustHaveResult::kFail:
      return "fail";
    case MustHaveResult::kUnclear:
      return "unclear";
  }
  return "unclear";
}

ScoreSample parse_score_response(const llm::ChatResponse& response, const Job& job, const std::string& normalized_resume) {
  ScoreSample s;
  s.seed = response.seed.value_or(0);
  s.reasoning = response.reasoning;
  s.answer = response.content;
  s.truncated = response.truncated();
  for (const auto& c : job.criteria) s.criteria.push_back({c.name, std::nullopt, {}});
  for (const auto& m : job.must_have) s.must_haves.push_back({m, MustHaveResult::kUnclear});
  if (!response.ok()) {
    s.model_error = response.error;
    s.no_score_reason = "error: " + response.error;
    return s;
  }
  const BoxedScore boxed = parse_boxed_score(response.content, response.reasoning);
  s.total = boxed.score;
  if (!s.total) s.no_score_reason = s.truncated ? "truncated" : boxed.reason;

  CriterionScore* current = nullptr;
  for (const std::string& raw : lines_of(response.content)) {
    const std::string line = clean_line(raw);
    if (line.empty()) continue;
    bool matched = false;
    for (auto& c : s.criteria) {
      if (auto rest = after_label(line, lower_ascii(c.name))) {
        if (!c.score) c.score = first_score(*rest);
        current = &c;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    std::optional<std::string> ev = after_label(line, "evidence");
    if (!ev) ev = after_label(line, "证据");
    if (!ev) ev = after_label(line, "quote");
    if (ev) {
      if (current) {
        for (auto& q : quotes_in(*ev)) {
          const bool ok = quote_in_source(q, normalized_resume);
          current->evidence.push_back({std::move(q), ok});
        }
      }
      continue;
    }
    // "must_have 2: pass", "must-have 2：fail", "必备 2：满足", "必备条件2：不满足"
    for (const char* label : {"must_have", "must-have", "must have", "必备条件", "必备"}) {
      const std::string l = label;
      if (line.compare(0, l.size(), l) != 0) continue;
      size_t i = l.size();
      while (i < line.size() && line[i] == ' ') ++i;
      size_t j = i;
      size_t index = 0;  // capped: a model may write any number of digits, and none of them overflows
      while (j < line.size() && std::isdigit(static_cast<unsigned char>(line[j]))) {
        index = std::min<size_t>(index * 10 + static_cast<size_t>(line[j] - '0'), kNoSuchMustHave);
        ++j;
      }
      if (j == i) break;
      if (auto rest = after_label(line.substr(j), "")) {
        if (index >= 1 && index <= s.must_haves.size()) {
          if (auto r = must_have_result(*rest)) s.must_haves[index - 1].result = *r;
        }
      }
      current = nullptr;
      break;
    }
  }
  return s;
}

}  // namespace hirelm::screening
