#include <gtest/gtest.h>

#include "screening/scoring/evidence.h"

namespace hirelm::screening {
namespace {

TEST(Evidence, NormalizationIgnoresSpacingPunctuationCaseAndWidth) {
  const std::string src = normalize_for_match("Led the migration of\nthe billing service to C++20.\n负责 Ｋａｆｋａ 集群运维，日均十亿消息。");
  EXPECT_TRUE(quote_in_source("led the migration of the billing service", src));
  EXPECT_TRUE(quote_in_source("billing service to C++ 20", src));
  EXPECT_TRUE(quote_in_source("负责Kafka集群运维", src));
  EXPECT_TRUE(quote_in_source("“日均十亿消息”", src));
}

TEST(Evidence, ChangedWordsOrNumbersAreNotEvidence) {
  const std::string src = normalize_for_match("5 years of Go at Acme; 本科 计算机科学");
  EXPECT_FALSE(quote_in_source("8 years of Go at Acme", src));
  EXPECT_FALSE(quote_in_source("5 years of Rust", src));
  EXPECT_FALSE(quote_in_source("硕士 计算机科学", src));
  EXPECT_FALSE(quote_in_source("Go", src));   // too short to prove anything
  EXPECT_FALSE(quote_in_source("", src));
}

TEST(Evidence, InvalidUtf8DoesNotCrash) {
  const std::string src = normalize_for_match(std::string("abc\xff\xfe def"));
  EXPECT_EQ(src, "abcdef");
}

}  // namespace
}  // namespace hirelm::screening
