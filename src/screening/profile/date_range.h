// Dates as resumes write them, in Chinese and English, and the experience they add up to.
// Forms: "2019.07-至今", "2019年7月 - 2021年3月", "Jul 2019 – Present", "2019/07~2021/03", "2019-07 to 2021-03",
// "2019 - 2021", "07/2019", "2019.7", full-width digits, and present words (至今, 现在, 今, 目前, present, now,
// current, today). Pure functions; no locale, no clock (callers pass "today").
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace hirelm::profile {

struct YearMonth {
  int year = 0;   // 1900..2100
  int month = 0;  // 1..12
  friend bool operator==(const YearMonth&, const YearMonth&) = default;
  int index() const { return year * 12 + (month - 1); }  // months since year 0, for differences
};

// One end of a range. kPresent carries no date; kYear has month unknown (year only).
struct DatePoint {
  enum class Kind { kMonth, kYear, kPresent };
  Kind kind = Kind::kMonth;
  int year = 0;
  int month = 0;  // 1..12 for kMonth; 0 otherwise
  friend bool operator==(const DatePoint&, const DatePoint&) = default;
};

struct DateRange {
  DatePoint start;
  std::optional<DatePoint> end;  // absent when the text holds only one date
};

// The first date point in `text` (a present word counts), or nullopt when there is none.
std::optional<DatePoint> parse_date_point(std::string_view text);

// The first two date points in `text`: "2019.07-至今" -> {2019-07, present}. nullopt when there is none.
std::optional<DateRange> parse_date_range(std::string_view text);

// A work-history interval as months [begin, end) resolved against `today`. End months count in full
// ("2018.07-2019.06" is twelve months; present includes `today`'s month). Year-only dates count from and to
// July of that year, so "2019 - 2021" is two years. The start text may hold the whole range when the end
// text is empty ("2019.07-至今"); a missing end is taken as present (an open range, "2021.03 -"). nullopt
// when the start does not parse, is present, lies after `today`, or the end is before the start.
struct MonthInterval {
  int begin = 0;  // YearMonth::index() of the first month
  int end = 0;    // one past the last month; end > begin
};
std::optional<MonthInterval> resolve_interval(std::string_view start_text, std::string_view end_text,
                                              YearMonth today);

// Total years covered by the intervals, overlaps merged (two jobs at once count once), in months / 12.
double merged_years(std::vector<MonthInterval> intervals);

// The current UTC year and month (the one clock read in this library).
YearMonth current_year_month();

}  // namespace hirelm::profile
