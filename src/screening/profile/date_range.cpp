#include "screening/profile/date_range.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <string>

#include "screening/profile/text_fold.h"

namespace hirelm::profile {

namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2100;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return c >= 'a' && c <= 'z'; }

// Month names and their common abbreviations (folded text is lower case).
int month_from_word(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kFull = {"january", "february", "march",     "april",
                                                             "may",     "june",     "july",      "august",
                                                             "september", "october", "november", "december"};
  for (size_t m = 0; m < kFull.size(); ++m) {
    if (w == kFull[m] || (w.size() >= 3 && w.size() < kFull[m].size() && kFull[m].substr(0, w.size()) == w &&
                          (w.size() == 3 || w == "sept"))) {
      return static_cast<int>(m) + 1;
    }
  }
  return 0;
}

bool is_present_word(std::string_view w) {
  return w == "present" || w == "now" || w == "current" || w == "today" || w == "ongoing" || w == "date";
}

// Chinese words for "now" at byte i of s; returns the length matched or 0.
size_t present_cjk_at(std::string_view s, size_t i) {
  static constexpr std::array<std::string_view, 5> kWords = {"至今", "现在", "目前", "当前", "今"};
  for (std::string_view w : kWords) {
    if (s.substr(i, w.size()) == w) return w.size();
  }
  return 0;
}

size_t skip_spaces(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

// Reads a run of digits at i: its value (capped) and end.
size_t digit_run(std::string_view s, size_t i, int& value) {
  value = 0;
  size_t j = i;
  while (j < s.size() && is_digit(s[j])) {
    if (value < 100000) value = value * 10 + (s[j] - '0');
    ++j;
  }
  return j;
}

// Scans folded text from `pos` for the next date point; sets `pos` past it.
std::optional<DatePoint> next_point(std::string_view s, size_t& pos) {
  static constexpr std::string_view kNian = "年";
  static constexpr std::string_view kYue = "月";
  size_t i = pos;
  while (i < s.size()) {
    const char c = s[i];
    if (is_digit(c)) {
      int value = 0;
      const size_t end = digit_run(s, i, value);
      const size_t run_len = end - i;
      if (run_len == 4 && value >= kMinYear && value <= kMaxYear) {
        // YYYY, then optionally a separator and a 1-2 digit month.
        size_t j = skip_spaces(s, end);
        bool sep = false;
        bool nian = false;
        if (j < s.size() && (s[j] == '.' || s[j] == '/' || s[j] == '-')) {
          sep = true;
          ++j;
        } else if (s.substr(j, kNian.size()) == kNian) {
          sep = nian = true;
          j += kNian.size();
        }
        if (sep) {
          j = skip_spaces(s, j);
          int month = 0;
          const size_t mend = digit_run(s, j, month);
          if (mend > j && mend - j <= 2 && month >= 1 && month <= 12) {
            size_t after = mend;
            if (s.substr(skip_spaces(s, after), kYue.size()) == kYue) after = skip_spaces(s, after) + kYue.size();
            pos = after;
            return DatePoint{DatePoint::Kind::kMonth, value, month};
          }
          if (nian) {
            pos = j;
            return DatePoint{DatePoint::Kind::kYear, value, 0};
          }
        }
        pos = end;
        return DatePoint{DatePoint::Kind::kYear, value, 0};
      }
      if (run_len <= 2 && value >= 1 && value <= 12 && end < s.size() &&
          (s[end] == '/' || s[end] == '.' || s[end] == '-')) {
        // MM/YYYY
        int year = 0;
        const size_t yend = digit_run(s, end + 1, year);
        if (yend - (end + 1) == 4 && year >= kMinYear && year <= kMaxYear) {
          pos = yend;
          return DatePoint{DatePoint::Kind::kMonth, year, value};
        }
      }
      i = end;
      continue;
    }
    if (is_alpha(c)) {
      size_t end = i;
      while (end < s.size() && is_alpha(s[end])) ++end;
      const std::string_view word = s.substr(i, end - i);
      if (is_present_word(word)) {
        // "to date" / "till date" count; a bare "date" elsewhere does not.
        if (word != "date" || (i >= 3 && (s.substr(i - 3, 3) == "to " || s.substr(i - 3, 3) == "ll "))) {
          pos = end;
          return DatePoint{DatePoint::Kind::kPresent, 0, 0};
        }
      }
      if (const int month = month_from_word(word); month != 0) {
        size_t j = end;
        while (j < s.size() && (s[j] == ' ' || s[j] == '.' || s[j] == ',' || s[j] == '\t')) ++j;
        int year = 0;
        const size_t yend = digit_run(s, j, year);
        if (yend - j == 4 && year >= kMinYear && year <= kMaxYear) {
          pos = yend;
          return DatePoint{DatePoint::Kind::kMonth, year, month};
        }
      }
      i = end;
      continue;
    }
    if (const size_t n = present_cjk_at(s, i); n != 0) {
      pos = i + n;
      return DatePoint{DatePoint::Kind::kPresent, 0, 0};
    }
    ++i;
  }
  pos = s.size();
  return std::nullopt;
}

// First month of an interval starting at `p`.
int resolve_begin(const DatePoint& p, YearMonth today) {
  switch (p.kind) {
    case DatePoint::Kind::kMonth:
      return YearMonth{p.year, p.month}.index();
    case DatePoint::Kind::kYear:
      return YearMonth{p.year, 7}.index();
    case DatePoint::Kind::kPresent:
      break;
  }
  return today.index();
}

// One past the last month of an interval ending at `p`: an end month counts in full ("2018.07-2019.06" is
// twelve months), a year-only end stops at its July, present includes the current month.
int resolve_end(const DatePoint& p, YearMonth today) {
  switch (p.kind) {
    case DatePoint::Kind::kMonth:
      return YearMonth{p.year, p.month}.index() + 1;
    case DatePoint::Kind::kYear:
      return YearMonth{p.year, 7}.index();
    case DatePoint::Kind::kPresent:
      break;
  }
  return today.index() + 1;
}

}  // namespace

std::optional<DatePoint> parse_date_point(std::string_view text) {
  const std::string folded = detail::fold_text(text);
  size_t pos = 0;
  return next_point(folded, pos);
}

std::optional<DateRange> parse_date_range(std::string_view text) {
  const std::string folded = detail::fold_text(text);
  size_t pos = 0;
  auto start = next_point(folded, pos);
  if (!start) return std::nullopt;
  DateRange range{*start, next_point(folded, pos)};
  return range;
}

std::optional<MonthInterval> resolve_interval(std::string_view start_text, std::string_view end_text,
                                              YearMonth today) {
  const auto range = parse_date_range(start_text);
  if (!range || range->start.kind == DatePoint::Kind::kPresent) return std::nullopt;
  std::optional<DatePoint> end_point = parse_date_point(end_text);
  if (!end_point) end_point = range->end;
  const int begin = resolve_begin(range->start, today);
  if (begin > today.index()) return std::nullopt;
  int end = end_point ? resolve_end(*end_point, today) : today.index() + 1;
  if (end < begin) return std::nullopt;
  end = std::max(end, begin + 1);
  return MonthInterval{begin, end};
}

double merged_years(std::vector<MonthInterval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const MonthInterval& a, const MonthInterval& b) { return a.begin < b.begin; });
  long months = 0;
  std::optional<MonthInterval> current;
  for (const MonthInterval& iv : intervals) {
    if (current && iv.begin <= current->end) {
      current->end = std::max(current->end, iv.end);
      continue;
    }
    if (current) months += current->end - current->begin;
    current = iv;
  }
  if (current) months += current->end - current->begin;
  return static_cast<double>(months) / 12.0;
}

YearMonth current_year_month() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return YearMonth{tm.tm_year + 1900, tm.tm_mon + 1};
}

}  // namespace hirelm::profile
