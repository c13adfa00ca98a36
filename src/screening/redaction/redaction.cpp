#include "screening/redaction/redaction.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <memory>

#include "util/check.h"

namespace hirelm::redaction {

namespace {

struct Span {
  size_t begin;
  size_t end;
  std::string category;
};

struct CodeDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};
using Code = std::unique_ptr<pcre2_code, CodeDeleter>;

// A compiled pattern; when it has a group named "v", only that group is redacted (labels stay readable).
struct Pattern {
  const char* category;
  Code code;
  int value_group;  // 0 = whole match
};

constexpr uint32_t kOptions = PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MULTILINE | PCRE2_MATCH_INVALID_UTF;

Code compile(std::string_view pattern) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), kOptions, &err,
                                   &offset, nullptr);
  HIRELM_CHECK_MSG(code != nullptr, "redaction pattern does not compile");
  return Code(code);
}

// Separators around a bare 男/女 or a first-line name in resume headers.
#define SEP "[\\s|｜/,，、·•()（）:：;；]"
#define DATE_VALUE                                                                                  \
  "(?<v>[0-9]{4}\\s*[年./\\-]\\s*[0-9]{1,2}(?:\\s*[月./\\-]\\s*[0-9]{1,2}\\s*日?)?\\s*月?"          \
  "|[0-9]{1,2}\\s*[./\\-]\\s*[0-9]{1,2}\\s*[./\\-]\\s*[0-9]{4}"                                    \
  "|[a-z]{3,9}\\.?\\s+[0-9]{1,2},?\\s+[0-9]{4}|[0-9]{1,2}\\s+[a-z]{3,9}\\.?,?\\s+[0-9]{4}"         \
  "|[a-z]{3,9}\\.?\\s+[0-9]{4}|[0-9]{4})"

const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> kPatterns = [] {
    const std::vector<std::pair<const char*, const char*>> sources = {
        {"email", "[a-z0-9._%+\\-]+\\s*[@＠]\\s*[a-z0-9\\-]+(?:\\s*\\.\\s*[a-z0-9\\-]+)*\\s*\\.\\s*[a-z]{2,}"},
        {"phone", "(?<![0-9])(?:(?:\\+|00)?\\s*86[\\s\\-]*)?1[3-9][0-9](?:[\\s\\-]?[0-9]){8}(?![0-9])"},
        {"phone", "(?<![0-9])0[0-9]{2,3}[\\s\\-][0-9]{7,8}(?![0-9])"},
        {"phone",
         "(?:电话|手机|联系电话|联系方式|tel|telephone|phone|mobile|cell)\\s*(?:号码?)?\\s*[:：]?\\s*"
         "(?<v>\\+?[0-9（(][0-9\\s\\-()（）]{4,}[0-9])"},
        {"contact", "(?:微信|wechat|qq|skype|telegram|linkedin)\\s*(?:号)?\\s*[:：]\\s*(?<v>[^\\s|｜,，;；]{3,60})"},
        {"name",
         "(?:^[ \\t]*|(?<=[|｜,，;；\\t])\\s*)(?:姓\\s*名|full\\s+name|name)\\s*[:：]\\s*(?<v>[^\\n|｜,，;；:：\\t]{1,40}?)"
         "(?=\\s*(?:$|\\||｜|,|，|;|；|\\t|\\s{2,}))"},
        {"gender", "性\\s*别\\s*[:：]?\\s*(?<v>男性?|女性?)"},
        {"gender", "(?:gender|sex)\\s*[:：]\\s*(?<v>male|female|man|woman|m|f|男|女)(?![a-z])"},
        {"gender", "(?:^|(?<=" SEP "))(?<v>男|女)(?=$|" SEP ")"},
        {"gender", "\\b(?<v>male|female)\\b"},
        {"age", "年\\s*龄\\s*[:：]?\\s*(?<v>[0-9]{1,3}\\s*岁?)"},
        {"age", "(?<![0-9])(?<v>[1-9][0-9]\\s*(?:周岁|岁))"},
        {"age", "\\bage[ds]?\\s*[:：]?\\s*(?<v>[0-9]{2})\\b"},
        {"age", "\\b(?<v>[0-9]{2}\\s*(?:years?|yrs?)[\\s\\-]*old)\\b"},
        {"birth_date", "(?:出生日期|出生年月|出生于|出生|生日|生于)\\s*[:：]?\\s*" DATE_VALUE},
        {"birth_date", "(?<v>[0-9]{4}\\s*年(?:\\s*[0-9]{1,2}\\s*月(?:\\s*[0-9]{1,2}\\s*日)?)?\\s*(?:出生|生人|生))"},
        {"birth_date", "(?:date\\s+of\\s+birth|d\\.?o\\.?b\\.?|birth\\s*date|birthday|born(?:\\s+on|\\s+in)?)\\s*[:：]?\\s*"
                       DATE_VALUE},
        {"marital_status", "(?:婚姻状况|婚姻状态|婚育状况|婚否|婚姻)\\s*[:：]?\\s*(?<v>[^\\s|｜,，;；]{1,6})"},
        {"marital_status", "(?<v>已婚已育|已婚未育|已婚|未婚|离异|丧偶|已育|未育)"},
        {"marital_status", "marital\\s+status\\s*[:：]\\s*(?<v>[a-z]+)"},
        {"marital_status", "\\b(?<v>married|unmarried|divorced|widowed)\\b"},
        {"photo", "!\\[[^\\]\\n]*\\]\\([^)\\n]*\\)"},
        {"photo", "[^\\s\"'<>()\\[\\]|｜]*\\.(?:jpe?g|png|gif|bmp|webp|heic|tiff?)\\b"},
        {"photo", "(?:照片|相片|头像|证件照|免冠照|生活照|\\bphoto(?:graph)?s?\\b|\\bheadshot\\b|\\bportrait\\b)"},
    };
    std::vector<Pattern> out;
    for (const auto& [category, source] : sources) {
      Code code = compile(source);
      const int group = pcre2_substring_number_from_name(code.get(), reinterpret_cast<PCRE2_SPTR>("v"));
      out.push_back({category, std::move(code), group > 0 ? group : 0});
    }
    return out;
  }();
  return kPatterns;
}
#undef SEP
#undef DATE_VALUE

void find_all(const Pattern& p, std::string_view text, std::vector<Span>& spans) {
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(p.code.get(), nullptr);
  HIRELM_CHECK(md != nullptr);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t start = 0;
  while (start <= text.size()) {
    const int rc = pcre2_match(p.code.get(), subject, text.size(), start, 0, md, nullptr);
    if (rc < 0) break;  // no match (or a match limit): nothing more from this pattern
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    size_t b = ov[0], e = ov[1];
    if (p.value_group > 0 && ov[2 * p.value_group] != PCRE2_UNSET) {
      b = ov[2 * p.value_group];
      e = ov[2 * p.value_group + 1];
    }
    if (e > b) spans.push_back({b, e, p.category});
    start = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
    // Step over a whole UTF-8 character after an empty match.
    while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
  }
  pcre2_match_data_free(md);
}

std::string quote_literal(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}-/#&~ ").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Extra patterns for what the caller knows: the name (whole, and its parts), the e-mail, the phone digits
// with any separators between them.
std::vector<Pattern> known_patterns(const KnownIdentity& known) {
  std::vector<std::pair<const char*, std::string>> sources;
  auto trim = [](std::string_view s) {
    const size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return std::string_view();
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
  };
  const std::string_view name = trim(known.name);
  if (!name.empty()) {
    sources.emplace_back("name", quote_literal(name));
    const bool latin = std::all_of(name.begin(), name.end(), [](char c) {
      return is_ascii_letter(c) || c == ' ' || c == '-' || c == '.' || c == '\'';
    });
    if (latin) {
      // Each part of two or more letters, as a whole word ("John Smith" -> "John", "Smith").
      size_t i = 0;
      while (i < name.size()) {
        while (i < name.size() && !is_ascii_letter(name[i])) ++i;
        size_t j = i;
        while (j < name.size() && is_ascii_letter(name[j])) ++j;
        if (j - i >= 2) sources.emplace_back("name", "\\b" + std::string(name.substr(i, j - i)) + "\\b");
        i = j;
      }
    } else if (name.size() >= 9 && name.size() <= 12 && name.find(' ') == std::string_view::npos) {
      // A Chinese name of three or four characters: the given name alone too (the surname is one character).
      sources.emplace_back("name", quote_literal(name.substr(3)));
    }
  }
  const std::string_view email = trim(known.email);
  if (!email.empty()) sources.emplace_back("email", quote_literal(email));
  std::string digits;
  for (char c : known.phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.size() >= 13 && digits.starts_with("86")) digits.erase(0, 2);
  if (digits.size() >= 6) {
    std::string re = "(?<![0-9])";
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i) re += "[\\s\\-.()]*";
      re += digits[i];
    }
    re += "(?![0-9])";
    sources.emplace_back("phone", re);
  }
  std::vector<Pattern> out;
  for (const auto& [category, source] : sources) out.push_back({category, compile(source), 0});
  return out;
}

// A first line that is nothing but a short Chinese name (2-4 Han characters) is a name.
void header_name(std::string_view text, std::vector<Span>& spans) {
  static const Code kLine = compile("\\A\\s*(\\p{Han}{2,4})\\s*$");
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(kLine.get(), nullptr);
  if (pcre2_match(kLine.get(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0, md, nullptr) > 0) {
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    spans.push_back({ov[2], ov[3], "name"});
  }
  pcre2_match_data_free(md);
}

RedactionResult redact_once(std::string_view text, const std::vector<Pattern>& known) {
  std::vector<Span> spans;
  for (const Pattern& p : known) find_all(p, text, spans);
  for (const Pattern& p : patterns()) find_all(p, text, spans);
  header_name(text, spans);
  // Marks already in the text (a second pass over redacted text) are never redacted again.
  std::vector<std::pair<size_t, size_t>> marks;
  for (size_t at = text.find(kRedactedMark); at != std::string_view::npos;
       at = text.find(kRedactedMark, at + kRedactedMark.size())) {
    marks.emplace_back(at, at + kRedactedMark.size());
  }
  std::erase_if(spans, [&](const Span& s) {
    return std::any_of(marks.begin(), marks.end(), [&](const auto& m) { return s.begin < m.second && m.first < s.end; });
  });

  // Earliest first; on equal starts the longest; overlapping spans merge into the first one's category.
  std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<Span> merged;
  for (Span& s : spans) {
    if (!merged.empty() && s.begin < merged.back().end) {
      merged.back().end = std::max(merged.back().end, s.end);
      continue;
    }
    merged.push_back(std::move(s));
  }

  RedactionResult out;
  size_t pos = 0;
  for (const Span& s : merged) {
    out.text.append(text.substr(pos, s.begin - pos));
    out.text.append(kRedactedMark);
    out.redactions.push_back({s.category, std::string(text.substr(s.begin, s.end - s.begin))});
    pos = s.end;
  }
  out.text.append(text.substr(pos));
  return out;
}

}  // namespace

bool RedactionResult::has(std::string_view category) const {
  return std::any_of(redactions.begin(), redactions.end(),
                     [&](const Redaction& r) { return r.category == category; });
}

RedactionResult redact(std::string_view text, const KnownIdentity& known) {
  // Patterns with context (word boundaries, separators) can match only once a neighbour became a mark
  // ("8Age: 31" -> "[REDACTED]Age: 31"), so passes repeat until one removes nothing. Each pass that
  // removes something shrinks the text outside marks, so this ends; the cap only bounds pathological chains.
  const std::vector<Pattern> known_list = known_patterns(known);
  RedactionResult out = redact_once(text, known_list);
  for (int pass = 0; pass < 64 && !out.redactions.empty(); ++pass) {
    RedactionResult next = redact_once(out.text, known_list);
    if (next.redactions.empty()) break;
    out.text = std::move(next.text);
    for (Redaction& r : next.redactions) out.redactions.push_back(std::move(r));
  }
  return out;
}

}  // namespace hirelm::redaction
