#include "screening/documents/text_decoding.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace hirelm::documents {
namespace {

const std::string kResume = "张三 Zhang San\n电话：13800138000\n技能：C++、Python";

std::string utf16(const std::string& utf8, bool little_endian, bool bom) {
  std::u16string units;
  // ASCII and BMP only in the fixtures: decode UTF-8 by hand.
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    char16_t cp;
    if (c < 0x80) {
      cp = c, i += 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = static_cast<char16_t>((c & 0x1F) << 6 | (utf8[i + 1] & 0x3F)), i += 2;
    } else {
      cp = static_cast<char16_t>((c & 0x0F) << 12 | (utf8[i + 1] & 0x3F) << 6 | (utf8[i + 2] & 0x3F)), i += 3;
    }
    units.push_back(cp);
  }
  std::string out;
  if (bom) out += little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (char16_t u : units) {
    const char lo = static_cast<char>(u & 0xFF), hi = static_cast<char>(u >> 8);
    out.push_back(little_endian ? lo : hi);
    out.push_back(little_endian ? hi : lo);
  }
  return out;
}

// "张三 简历" in GBK: 张 D5C5, 三 C8FD, 简 BCF2, 历 C0FA.
const std::string kGbk = "\xD5\xC5\xC8\xFD \xBC\xF2\xC0\xFA";

TEST(DecodeText, Utf8WithAndWithoutBom) {
  EXPECT_EQ(decode_text(kResume).utf8, kResume);
  const DecodedText bom = decode_text("\xEF\xBB\xBF" + kResume);
  EXPECT_EQ(bom.utf8, kResume);
  EXPECT_EQ(bom.encoding, "UTF-8");
}

TEST(DecodeText, Utf16WithBom) {
  for (bool le : {true, false}) {
    const DecodedText d = decode_text(utf16(kResume, le, true));
    EXPECT_EQ(d.utf8, kResume);
    EXPECT_EQ(d.encoding, le ? "UTF-16LE" : "UTF-16BE");
  }
}

TEST(DecodeText, Utf16WithoutBomByNulPattern) {
  const std::string text = "Zhang San, backend engineer 张三\nSkills: Go, Rust, SQL";
  for (bool le : {true, false}) {
    const DecodedText d = decode_text(utf16(text, le, false));
    EXPECT_EQ(d.utf8, text);
    EXPECT_EQ(d.encoding, le ? "UTF-16LE" : "UTF-16BE");
  }
}

TEST(DecodeText, GbkAndGb18030) {
  const DecodedText gbk = decode_text("Name: " + kGbk);
  EXPECT_EQ(gbk.utf8, "Name: 张三 简历");
  EXPECT_EQ(gbk.encoding, "GB18030");
  // GB18030 four-byte sequence for U+00E9 (é) is 81 30 8F 37... use U+20AC € = A2E3 in GB18030.
  const DecodedText gb18030 = decode_text(kGbk + " \xA2\xE3 \x81\x30\x81\x30");
  EXPECT_EQ(gb18030.utf8, "张三 简历 € \u0080");
}

TEST(ConvertToUtf8, NamedCharsets) {
  EXPECT_EQ(convert_to_utf8(kGbk, "gbk", "page"), "张三 简历");
  EXPECT_EQ(convert_to_utf8(kGbk, "GB2312", "page"), "张三 简历");
  EXPECT_THROW(convert_to_utf8("abc", "no-such-charset-x", "page"), InvalidInputError);
}

}  // namespace
}  // namespace hirelm::documents
