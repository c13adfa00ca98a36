// Test fixtures written at test time: PDFs drawn with cairo, DOCX/zip archives written with libzip,
// and raster images of text for OCR. Nothing binary is committed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

struct _cairo;

namespace hirelm::test {

// The CJK-capable font the fixtures draw with (fonts-wqy-zenhei).
inline constexpr const char* kFixtureFont = "WenQuanYi Zen Hei";

// One line of text to draw: baseline position in points from the top-left corner, size in points,
// gray level 0 (black) .. 1 (white).
struct TextRun {
  double x = 0, y = 0;
  std::string text;
  double size = 11;
  double gray = 0;
};

// A PDF with one page per entry (A4, 595x842 pt), each page drawing its runs with the toy text API.
std::string make_text_pdf(const std::vector<std::vector<TextRun>>& pages);

// A PDF of `pages` pages, each calling `draw` (cairo context, page index) on a 595x842 pt page.
std::string make_pdf(int pages, const std::function<void(_cairo*, int)>& draw);

// An 8-bit gray PNG of the runs rendered at `dpi` on a white page of width x height points.
std::string make_text_png(const std::vector<TextRun>& runs, double width_pt, double height_pt, double dpi);

// A PDF whose single page holds only an image of the runs (a "scan"), rendered at `dpi`.
std::string make_scanned_pdf(const std::vector<TextRun>& runs, double dpi);

// A hand-written PDF: objects numbered from 1 (object 1 must be the catalog), a correct xref table, and
// `trailer_extra` added to the trailer dictionary (e.g. "/Encrypt 4 0 R").
std::string make_raw_pdf(const std::vector<std::string>& objects, const std::string& trailer_extra = "");

// A one-page PDF (Helvetica, built-in font) whose page content stream is `content`.
std::string make_content_pdf(const std::string& content);

// A zip archive in memory. `compress` deflates entries (otherwise stored).
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries, bool compress = true);

// A minimal DOCX: `body_xml` goes inside <w:body>; optional header/footer paragraphs XML make
// word/header1.xml and word/footer1.xml, referenced from the section properties.
std::string make_docx(const std::string& body_xml, const std::string& header_xml = "",
                      const std::string& footer_xml = "", const std::string& styles_xml = "");

// A WordprocessingML paragraph with one plain run (text XML-escaped).
std::string docx_paragraph(const std::string& text);

// Writes bytes to a fresh file under the test temp dir and returns its path.
std::string write_temp_file(const std::string& name, const std::string& bytes);

// Levenshtein distance over code points, for OCR character error rates.
size_t edit_distance(const std::string& a_utf8, const std::string& b_utf8);

}  // namespace hirelm::test
