#include "screening/documents/document.h"

#include <gtest/gtest.h>

#include "fixture_writers.h"
#include "screening/documents/format_sniffer.h"
#include "util/error.h"

namespace hirelm::documents {
namespace {

TEST(ExtractDocument, TextFileMetadata) {
  const std::string text = "Zhang San\nBackend engineer";
  const std::string path = test::write_temp_file("resume.txt", text);
  const Document doc = extract_document(path);
  EXPECT_EQ(doc.path, path);
  EXPECT_EQ(doc.text, text);
  EXPECT_EQ(doc.method, "text");
  EXPECT_EQ(doc.pages, 1);
  EXPECT_EQ(doc.language, "en");
  // sha256("Zhang San\nBackend engineer"), computed with sha256sum.
  EXPECT_EQ(doc.content_hash, "sha256:e4d5dd03cd72abcd379d12752ddc8a21c0d56f15b2a8ab6da2b0677afc089c18");
  EXPECT_TRUE(doc.has_warning("very_short"));
}

TEST(ExtractDocument, GbkTextFile) {
  // "姓名：张三" in GBK.
  const std::string gbk = "\xD0\xD5\xC3\xFB\xA3\xBA\xD5\xC5\xC8\xFD";
  const Document doc = extract_document(test::write_temp_file("gbk.txt", gbk));
  EXPECT_EQ(doc.text, "姓名：张三");
  EXPECT_EQ(doc.language, "zh");
}

TEST(ExtractDocument, Utf16FileWithBom) {
  const std::string utf16le("\xFF\xFE" "A\0B\0\x20\x5F", 8);  // "AB张"
  EXPECT_EQ(extract_document_bytes(utf16le, "u16.txt").text, "AB张");
}

TEST(ExtractDocument, EmptyFileWarnsEmpty) {
  const Document doc = extract_document(test::write_temp_file("empty.txt", ""));
  EXPECT_EQ(doc.text, "");
  EXPECT_TRUE(doc.has_warning("empty"));
  EXPECT_EQ(doc.language, "unknown");
}

TEST(ExtractDocument, OverSizeFileIsRejected) {
  ExtractOptions options;
  options.max_file_bytes = 100;
  const std::string path = test::write_temp_file("big.txt", std::string(101, 'a'));
  EXPECT_THROW(extract_document(path, options), InvalidInputError);
  EXPECT_THROW(extract_document_bytes(std::string(101, 'a'), "big.txt", options), InvalidInputError);
  EXPECT_NO_THROW(extract_document_bytes(std::string(100, 'a'), "ok.txt", options));
}

TEST(ExtractDocument, MissingFileAndUnknownBinary) {
  EXPECT_THROW(extract_document("/nonexistent/resume.pdf"), NotFoundError);
  EXPECT_THROW(extract_document_bytes(std::string("\x00\x01\x02\x03\x04\x05\x06\x07", 8), "x.bin"), UnsupportedError);
}

TEST(FormatSniffer, ContentBeatsExtension) {
  EXPECT_EQ(sniff_format("%PDF-1.7\n...", "resume.docx"), DocumentFormat::kPdf);
  EXPECT_EQ(sniff_format("PK\x03\x04....", "resume.pdf"), DocumentFormat::kZipOther);
  EXPECT_EQ(sniff_format("PK\x03\x04....", "upload"), DocumentFormat::kDocx);
  EXPECT_EQ(sniff_format("\x89PNG\r\n\x1A\n....", "resume.txt"), DocumentFormat::kImage);
  EXPECT_EQ(sniff_format("\xFF\xD8\xFF\xE0", "photo"), DocumentFormat::kImage);
  EXPECT_EQ(sniff_format("<!DOCTYPE html><p>x</p>", "resume"), DocumentFormat::kHtml);
  EXPECT_EQ(sniff_format("<p>x</p>", "resume.html"), DocumentFormat::kHtml);
  EXPECT_EQ(sniff_format("# Zhang San\n<html> is a tag", "resume.md"), DocumentFormat::kText);
  EXPECT_EQ(sniff_format("BMW engineer", "resume"), DocumentFormat::kText);
}

}  // namespace
}  // namespace hirelm::documents
