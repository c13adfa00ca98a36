#include "screening/redaction/redaction.h"

#include <gtest/gtest.h>

namespace hirelm::redaction {
namespace {

// A Chinese and an English resume; every sensitive value is listed with its category.
struct Sensitive {
  const char* category;
  const char* value;
};

constexpr const char* kZh =
    "张伟\n"
    "性别：男 | 年龄：29岁 | 出生年月：1996年5月 | 婚姻状况：已婚\n"
    "手机：138-0013-8000  邮箱：zhangwei.dev@example.com  微信：zw_dev2024\n"
    "[照片] avatar_zhangwei.jpg\n"
    "求职意向：后端工程师\n"
    "工作经历：2019.07-至今 某科技有限公司 后端工程师，负责 Go 微服务与 Kubernetes 平台。\n"
    "教育：2015.09-2019.06 浙江大学 本科 计算机科学与技术\n";

constexpr Sensitive kZhSensitive[] = {
    {"name", "张伟"},          {"gender", "男"},         {"age", "29岁"},
    {"birth_date", "1996年5月"}, {"marital_status", "已婚"}, {"phone", "138-0013-8000"},
    {"email", "zhangwei.dev@example.com"}, {"contact", "zw_dev2024"}, {"photo", "avatar_zhangwei.jpg"},
    {"photo", "照片"},
};

constexpr const char* kEn =
    "Name: Emily Carter\n"
    "Gender: Female | Age: 31 | Date of Birth: March 3, 1994 | Marital Status: Married\n"
    "Phone: +1 (415) 555-0142 | Email: emily.carter@example.org\n"
    "![headshot](images/emily.png)\n"
    "Summary: Emily is a senior data engineer with Spark and Airflow experience.\n"
    "Experience: Jul 2019 - Present, Acme Corp, Data Engineer.\n";

constexpr Sensitive kEnSensitive[] = {
    {"name", "Emily Carter"},  {"name", "Emily"},     {"gender", "Female"}, {"age", "31"},
    {"birth_date", "March 3, 1994"}, {"marital_status", "Married"}, {"phone", "(415) 555-0142"},
    {"email", "emily.carter@example.org"}, {"photo", "emily.png"},
};

void expect_no_leak(const RedactionResult& r, const Sensitive* sensitive, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    SCOPED_TRACE(sensitive[i].value);
    EXPECT_EQ(r.text.find(sensitive[i].value), std::string::npos) << r.text;
    EXPECT_TRUE(r.has(sensitive[i].category)) << sensitive[i].category;
  }
  // Every redacted original is gone from the output (single characters such as 男 are checked above in context).
  for (const Redaction& red : r.redactions) {
    if (red.original.size() >= 4) {
      EXPECT_EQ(r.text.find(red.original), std::string::npos) << red.original;
    }
  }
  // A second pass finds nothing more: the output is stable.
  const RedactionResult again = redact(r.text);
  EXPECT_TRUE(again.redactions.empty()) << again.redactions.front().category << ": " << again.redactions.front().original;
  EXPECT_EQ(again.text, r.text);
}

TEST(Redaction, ChineseResumeLeaksNothing) {
  const RedactionResult r = redact(kZh);
  expect_no_leak(r, kZhSensitive, std::size(kZhSensitive));
  // What matters for scoring stays.
  for (const char* kept : {"后端工程师", "2019.07-至今", "Kubernetes", "浙江大学 本科", "性别：", "年龄："}) {
    EXPECT_NE(r.text.find(kept), std::string::npos) << kept;
  }
}

TEST(Redaction, EnglishResumeLeaksNothingWithKnownName) {
  const RedactionResult r = redact(kEn, {"Emily Carter", "emily.carter@example.org", "+1 415 555 0142"});
  expect_no_leak(r, kEnSensitive, std::size(kEnSensitive));
  EXPECT_EQ(r.text.find("Carter"), std::string::npos);
  for (const char* kept : {"senior data engineer", "Spark", "Jul 2019 - Present", "Acme Corp"}) {
    EXPECT_NE(r.text.find(kept), std::string::npos) << kept;
  }
}

TEST(Redaction, KnownIdentityFindsFreeFormMentions) {
  const RedactionResult r = redact("我叫王小明，小明在 2020 年加入团队。联系我：139 0000 1111。",
                                   {"王小明", "", "+86 13900001111"});
  EXPECT_EQ(r.text.find("王小明"), std::string::npos);
  EXPECT_EQ(r.text.find("小明"), std::string::npos);  // the given name alone
  EXPECT_EQ(r.text.find("139 0000 1111"), std::string::npos);
  EXPECT_NE(r.text.find("2020 年加入团队"), std::string::npos);
}

TEST(Redaction, LeavesOrdinaryTextAlone) {
  const std::string text = "负责男装电商平台的推荐系统；female-led startup? no. Tech: Go, Rust, 2019.07-2021.03";
  const RedactionResult r = redact(text);
  // 男 inside a word and "female" inside a hyphenated word are not a gender statement... except the whole
  // word "female": redacting it is the safe side, so only check the rest survives.
  EXPECT_NE(r.text.find("男装电商平台"), std::string::npos);
  EXPECT_NE(r.text.find("2019.07-2021.03"), std::string::npos);
  EXPECT_NE(r.text.find("Go, Rust"), std::string::npos);
}

// Found by fuzz_redaction: "Age" glued to a phone only matches once the phone became a mark; redact() repeats
// passes until nothing more is found.
TEST(Redaction, ContextThatAppearsAfterAPassIsRedactedToo) {
  const RedactionResult r = redact("手机：138-0013-8Age: 31 | ok");
  EXPECT_EQ(r.text.find("31"), std::string::npos) << r.text;
  EXPECT_TRUE(r.has("age"));
  EXPECT_TRUE(redact(r.text).redactions.empty());
}

TEST(Redaction, InvalidUtf8AndEmptyInputAreSafe) {
  EXPECT_EQ(redact("").text, "");
  const std::string bad = "电话：13800138000 \xff\xfe 性别：女";
  const RedactionResult r = redact(bad);
  EXPECT_EQ(r.text.find("13800138000"), std::string::npos);
  EXPECT_TRUE(r.has("phone"));
}

}  // namespace
}  // namespace hirelm::redaction
