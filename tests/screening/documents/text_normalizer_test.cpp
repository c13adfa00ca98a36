#include "screening/documents/text_normalizer.h"

#include <gtest/gtest.h>

#include "screening/documents/language.h"

namespace hirelm::documents {
namespace {

TEST(NormalizeText, FoldsFullWidthAsciiButKeepsCjkPunctuation) {
  EXPECT_EQ(normalize_text("电话：１３８ ００１３ ８０００，邮箱：ａｂｃ＠ｅｘａｍｐｌｅ．ｃｏｍ。"),
            "电话：138 0013 8000，邮箱：abc@example.com。");
  EXPECT_EQ(normalize_text("（技能）！？；"), "（技能）！？；");
  EXPECT_EQ(normalize_text("Ｐｙｔｈｏｎ"), "Python");
}

TEST(NormalizeText, FullWidthSpaceBecomesSpace) { EXPECT_EQ(normalize_text("张三\u3000\u3000工程师"), "张三 工程师"); }

TEST(NormalizeText, RemovesZeroWidthAndControlCharacters) {
  EXPECT_EQ(normalize_text("Jo\u200Bhn\u200D Sm\u00ADith\x01\x7F\xC2\x85x"), "John Smith\nx");
  EXPECT_EQ(normalize_text("\xEF\xBB\xBFhello\u2060"), "hello");
}

TEST(NormalizeText, CleansWhitespaceAndKeepsLines) {
  EXPECT_EQ(normalize_text("  a   b  \r\nc\t\t d \n\n\n\n e\n\n"), "a b\nc\td\n\ne");
  EXPECT_EQ(normalize_text("\n\n\nfirst\rsecond"), "first\nsecond");
}

TEST(NormalizeText, AppliesNfc) {
  EXPECT_EQ(normalize_text("Jose\u0301"), "Jos\u00E9");
}

TEST(NormalizeText, ReplacesInvalidUtf8) {
  EXPECT_EQ(normalize_text("a\xFF\xC3(b"), "a\uFFFD\uFFFD(b");
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));      // overlong
  EXPECT_TRUE(is_valid_utf8("简历 \uFFFD"));
}

TEST(DetectLanguage, ByScriptProportions) {
  EXPECT_EQ(detect_language("张三，五年后端开发经验，熟悉分布式系统与数据库调优。"), "zh");
  // A Chinese resume with a tech stack in Latin letters stays Chinese.
  EXPECT_EQ(detect_language("技能：Java、Python、Kubernetes。负责订单系统的设计与开发，带领团队完成重构。"), "zh");
  EXPECT_EQ(detect_language("Senior backend engineer with five years of experience in Go. 张三"), "en");
  EXPECT_EQ(detect_language("张三 Zhang San，后端工程师 backend engineer, Shanghai"), "mixed");
  EXPECT_EQ(detect_language("138 0013 8000 !!"), "unknown");
}

}  // namespace
}  // namespace hirelm::documents
