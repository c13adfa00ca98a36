// OCR end to end on rendered fixtures. Accuracy is asserted loosely (character error rate) because
// tesseract versions differ; the measured figures are printed for the report.
#include <gtest/gtest.h>

#include <cstdio>

#include "fixture_writers.h"
#include "screening/documents/document.h"
#include "screening/documents/ocr.h"

namespace hirelm::documents {
namespace {

using test::TextRun;

#define REQUIRE_OCR()                                                                 \
  do {                                                                                \
    if (auto reason = ocr_unavailable_reason("chi_sim+eng")) GTEST_SKIP() << *reason; \
  } while (0)

double character_error_rate(const std::string& reference, const std::string& hypothesis) {
  std::string ref, hyp;
  // Layout whitespace is not what OCR accuracy is about: compare without spaces and newlines.
  for (char c : reference) if (c != ' ' && c != '\n') ref.push_back(c);
  for (char c : hypothesis) if (c != ' ' && c != '\n') hyp.push_back(c);
  return static_cast<double>(test::edit_distance(ref, hyp)) / static_cast<double>(test::edit_distance(ref, ""));
}

const std::vector<TextRun> kEnglish = {{40, 60, "Zhang San - Backend Engineer", 16},
                                       {40, 90, "Email: zhangsan@example.com", 12},
                                       {40, 112, "Skills: Go, Python, PostgreSQL, Kubernetes", 12},
                                       {40, 134, "Five years building payment systems.", 12}};
const char* const kEnglishText =
    "Zhang San - Backend Engineer\nEmail: zhangsan@example.com\nSkills: Go, Python, PostgreSQL, Kubernetes\n"
    "Five years building payment systems.";

const std::vector<TextRun> kChinese = {{40, 60, "张三 后端工程师", 18},
                                       {40, 95, "工作经历：在上海负责支付系统开发", 14},
                                       {40, 125, "教育背景：复旦大学计算机科学硕士", 14},
                                       {40, 155, "熟悉分布式系统和数据库优化", 14}};
const char* const kChineseText = "张三 后端工程师\n工作经历：在上海负责支付系统开发\n教育背景：复旦大学计算机科学硕士\n熟悉分布式系统和数据库优化";

TEST(Ocr, EnglishImage) {
  REQUIRE_OCR();
  const Document doc = extract_document_bytes(test::make_text_png(kEnglish, 420, 160, 300), "scan.png");
  EXPECT_EQ(doc.method, "image_ocr");
  EXPECT_TRUE(doc.has_warning("ocr_used"));
  const double cer = character_error_rate(kEnglishText, doc.text);
  std::printf("[measure] OCR English image CER = %.4f\n", cer);
  EXPECT_LT(cer, 0.05) << doc.text;
}

TEST(Ocr, ChineseImage) {
  REQUIRE_OCR();
  const Document doc = extract_document_bytes(test::make_text_png(kChinese, 420, 180, 300), "scan.png");
  const double cer = character_error_rate(kChineseText, doc.text);
  std::printf("[measure] OCR Chinese image CER = %.4f\n", cer);
  EXPECT_LT(cer, 0.15) << doc.text;
  EXPECT_EQ(doc.language, "zh");
}

TEST(Ocr, ScannedPdfPageIsRenderedAndRecognized) {
  REQUIRE_OCR();
  const Document doc = extract_document_bytes(test::make_scanned_pdf(kEnglish, 200), "scan.pdf");
  EXPECT_EQ(doc.method, "pdf_ocr");
  EXPECT_TRUE(doc.has_warning("no_text_layer"));
  EXPECT_TRUE(doc.has_warning("ocr_used"));
  const double cer = character_error_rate(kEnglishText, doc.text);
  std::printf("[measure] OCR scanned PDF (200 dpi image, rendered at 300 dpi) CER = %.4f\n", cer);
  EXPECT_LT(cer, 0.05) << doc.text;
}

TEST(Ocr, DisabledOcrWarnsInsteadOfFailing) {
  ExtractOptions options;
  options.enable_ocr = false;
  const Document doc = extract_document_bytes(test::make_text_png(kEnglish, 420, 160, 100), "scan.png", options);
  EXPECT_EQ(doc.method, "image_ocr");
  EXPECT_TRUE(doc.has_warning("ocr_unavailable"));
  EXPECT_TRUE(doc.has_warning("empty"));
}

TEST(Ocr, MissingLanguageDataIsReportedNotFatal) {
  ExtractOptions options;
  options.ocr_languages = "xx_no_such_language";
  const Document doc = extract_document_bytes(test::make_text_png(kEnglish, 420, 160, 100), "scan.png", options);
  EXPECT_TRUE(doc.has_warning("ocr_unavailable"));
}

TEST(Ocr, BlankImageHasLowConfidenceOrNothing) {
  REQUIRE_OCR();
  const Document doc = extract_document_bytes(test::make_text_png({}, 200, 100, 100), "blank.png");
  EXPECT_TRUE(doc.has_warning("empty"));
}

}  // namespace
}  // namespace hirelm::documents
