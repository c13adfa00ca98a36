#include "screening/profile/profile_checks.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace hirelm::profile {
namespace {

constexpr YearMonth kToday{2026, 11};

TEST(ContactCheck, NormalizedIdentities) {
  EXPECT_EQ(normalize_phone("0086 138-0013-8000"), "13800138000");
  EXPECT_EQ(normalize_phone("+86-138-0013-8000"), "13800138000");
  EXPECT_EQ(normalize_phone("１３８００１３８０００"), "13800138000");
  EXPECT_EQ(normalize_phone("12"), "");
  EXPECT_EQ(normalize_email(" A@B.CN "), "a@b.cn");
  EXPECT_EQ(normalize_email("zhang.san＠example.com"), "zhang.san@example.com");
  EXPECT_EQ(normalize_email("nope"), "");
}

TEST(ContactCheck, EmailFoundAfterFolding) {
  const std::string src = "联系方式：Zhang.San@Example.COM | 电话";
  EXPECT_TRUE(email_in_source("zhang.san@example.com", src));
  EXPECT_TRUE(email_in_source("ZHANG.SAN@EXAMPLE.COM", src));
  EXPECT_TRUE(email_in_source("zhang.san@example.com", "邮箱：ｚｈａｎｇ．ｓａｎ＠ｅｘａｍｐｌｅ．ｃｏｍ"));
  EXPECT_TRUE(email_in_source("a@b.cn", "Email: a @ b.cn"));
  EXPECT_FALSE(email_in_source("zhang.san@gmail.com", src));
  EXPECT_FALSE(email_in_source("not-an-email", "not-an-email"));
  EXPECT_FALSE(email_in_source("", src));
}

TEST(ContactCheck, PhoneFoundInEverySpelling) {
  const char* spellings[] = {"电话：13800138000", "Tel: 138-0013-8000", "手机 138 0013 8000", "+86 138 0013 8000",
                             "+8613800138000",   "0086-13800138000",  "（+86）138.0013.8000", "１３８００１３８０００"};
  for (const char* src : spellings) {
    SCOPED_TRACE(src);
    EXPECT_TRUE(phone_in_source("13800138000", src));
    EXPECT_TRUE(phone_in_source("+86 138-0013-8000", src));
  }
}

TEST(ContactCheck, PhoneNotFoundWhenDigitsDifferOrAreOnlyPart) {
  EXPECT_FALSE(phone_in_source("13800138001", "电话：13800138000"));
  EXPECT_FALSE(phone_in_source("1380013", "电话：13800138000"));      // a part of a number, not cut there
  EXPECT_FALSE(phone_in_source("13800138000", "电话：138001380001"));  // longer number
  EXPECT_FALSE(phone_in_source("12345", "12345"));                   // too short to be a phone
  EXPECT_FALSE(phone_in_source("13800138000", "房间 13800 号，编号 138000"));  // words in between break the run
  // A year next to the number on the same line does not hide it (separator-bounded).
  EXPECT_TRUE(phone_in_source("13800138000", "13800138000 2019.07-至今"));
}

TEST(Degree, NormalizesChineseAndEnglish) {
  const std::pair<const char*, const char*> cases[] = {
      {"本科", "本科"},           {"学士学位", "本科"},       {"Bachelor of Science", "本科"},
      {"BSc Computer Science", "本科"}, {"B.Eng.", "本科"},     {"BS", "本科"},
      {"硕士", "硕士"},           {"硕士研究生", "硕士"},     {"研究生", "硕士"},
      {"Master of Engineering", "硕士"}, {"MEng", "硕士"},      {"MSc", "硕士"},
      {"M.S.", "硕士"},           {"MBA", "硕士"},            {"博士", "博士"},
      {"博士研究生", "博士"},     {"PhD", "博士"},            {"Ph.D. in Physics", "博士"},
      {"Doctor of Philosophy", "博士"}, {"Doctorate", "博士"},  {"大专", "大专"},
      {"专科", "大专"},           {"Associate Degree", "大专"}, {"高中", "other"},
      {"Mathematics", "other"},   {"ＭＳｃ", "硕士"},
  };
  for (const auto& [raw, want] : cases) {
    SCOPED_TRACE(raw);
    const auto got = normalize_degree(raw);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, want);
  }
  EXPECT_FALSE(normalize_degree("").has_value());
  EXPECT_FALSE(normalize_degree("  ").has_value());
  EXPECT_LT(degree_rank("本科"), degree_rank("硕士"));
  EXPECT_EQ(degree_rank("nonsense"), -1);
}

Profile sample_profile() {
  Profile p;
  p.name = "张三";
  p.email = "zhangsan@example.com";
  p.phone = "13800138000";
  p.years_of_experience = 5;
  p.years_stated = 5;
  p.highest_degree = "本科";
  p.degree_raw = "本科";
  p.work_history = {{"A公司", "工程师", "2019.07", "至今", ""}, {"B公司", "实习", "2018.07", "2019.06", ""}};
  p.education = {{"某大学", "硕士研究生", "计算机", "2016.09", "2019.06"}};
  return p;
}

TEST(CheckProfile, KeepsContactsThatOccurAndRecomputesYears) {
  Profile p = sample_profile();
  const std::string src = "张三\n邮箱: zhangsan@example.com  电话: 138-0013-8000\n2019.07-至今 A公司";
  check_profile(p, src, kToday);
  EXPECT_EQ(p.email, "zhangsan@example.com");
  EXPECT_EQ(p.phone, "13800138000");
  // 2018.07-2019.06 (12 months) + 2019.07-2026.11 (89 months) = 101 months = 8.42 years, one decimal.
  ASSERT_TRUE(p.years_of_experience);
  EXPECT_NEAR(*p.years_of_experience, 8.4, 1e-9);
  EXPECT_EQ(p.years_stated, 5);
  EXPECT_TRUE(p.has_flag(kFlagYearsMismatch));
  EXPECT_FALSE(p.has_flag(kFlagContactNotInSource));
  EXPECT_EQ(p.highest_degree, "硕士");  // the education entry outranks degree_raw
}

TEST(CheckProfile, NullsHallucinatedContactsAndFlagsOnce) {
  Profile p = sample_profile();
  check_profile(p, "张三 2019.07-至今", kToday);
  EXPECT_FALSE(p.email.has_value());
  EXPECT_FALSE(p.phone.has_value());
  EXPECT_EQ(std::count(p.flags.begin(), p.flags.end(), kFlagContactNotInSource), 1);
}

TEST(CheckProfile, NoMismatchWithinOneYearAndModelFigureWithoutDates) {
  Profile p = sample_profile();
  p.years_of_experience = p.years_stated = 9.0;
  check_profile(p, "", kToday);
  EXPECT_FALSE(p.has_flag(kFlagYearsMismatch));

  Profile q = sample_profile();
  q.work_history = {{"A", "B", "不详", "", ""}};
  q.years_of_experience = q.years_stated = 3;
  check_profile(q, "", kToday);
  EXPECT_EQ(q.years_of_experience, 3);
  EXPECT_FALSE(q.has_flag(kFlagYearsMismatch));
}

TEST(CheckProfile, DegreeFallsBackToModelEnumOnlyWhenValid) {
  Profile p;
  p.highest_degree = "博士";
  check_profile(p, "", kToday);
  EXPECT_EQ(p.highest_degree, "博士");
  Profile q;
  q.highest_degree = "PhD-ish";
  check_profile(q, "", kToday);
  EXPECT_FALSE(q.highest_degree.has_value());
}

}  // namespace
}  // namespace hirelm::profile
