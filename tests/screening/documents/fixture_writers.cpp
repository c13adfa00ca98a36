#include "fixture_writers.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include "screening/documents/text_normalizer.h"

// fontconfig (loaded by cairo and poppler's renderer) keeps a process-lifetime cache that LeakSanitizer
// reports at exit; it is not ours and does not grow per document.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig\n"; }

namespace hirelm::test {
namespace {

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void draw_runs(cairo_t* cr, const std::vector<TextRun>& runs) {
  cairo_select_font_face(cr, kFixtureFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (const TextRun& run : runs) {
    cairo_set_source_rgb(cr, run.gray, run.gray, run.gray);
    cairo_set_font_size(cr, run.size);
    cairo_move_to(cr, run.x, run.y);
    cairo_show_text(cr, run.text.c_str());
  }
}

}  // namespace

std::string make_pdf(int pages, const std::function<void(_cairo*, int)>& draw) {
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append_to_string, &out, 595, 842);
  cairo_t* cr = cairo_create(surface);
  for (int i = 0; i < pages; ++i) {
    draw(cr, i);
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return out;
}

std::string make_text_pdf(const std::vector<std::vector<TextRun>>& pages) {
  return make_pdf(static_cast<int>(pages.size()),
                  [&](cairo_t* cr, int i) { draw_runs(cr, pages[static_cast<size_t>(i)]); });
}

namespace {
cairo_surface_t* render_runs(const std::vector<TextRun>& runs, double width_pt, double height_pt, double dpi) {
  const double scale = dpi / 72.0;
  cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(width_pt * scale),
                                                      static_cast<int>(height_pt * scale));
  cairo_t* cr = cairo_create(image);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, scale, scale);
  draw_runs(cr, runs);
  cairo_destroy(cr);
  return image;
}
}  // namespace

std::string make_text_png(const std::vector<TextRun>& runs, double width_pt, double height_pt, double dpi) {
  cairo_surface_t* image = render_runs(runs, width_pt, height_pt, dpi);
  std::string out;
  cairo_surface_write_to_png_stream(image, append_to_string, &out);
  cairo_surface_destroy(image);
  return out;
}

std::string make_scanned_pdf(const std::vector<TextRun>& runs, double dpi) {
  cairo_surface_t* image = render_runs(runs, 595, 842, dpi);
  const std::string pdf = make_pdf(1, [&](cairo_t* cr, int) {
    cairo_save(cr);
    cairo_scale(cr, 72.0 / dpi, 72.0 / dpi);
    cairo_set_source_surface(cr, image, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
  });
  cairo_surface_destroy(image);
  return pdf;
}

std::string make_raw_pdf(const std::vector<std::string>& objects, const std::string& trailer_extra) {
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R " + trailer_extra +
         " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string make_content_pdf(const std::string& content) {
  return make_raw_pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
                       "/Contents 4 0 R >>",
                       "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
                       "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"});
}

std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries, bool compress) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!buffer) throw std::runtime_error("zip_source_buffer_create failed");
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (!archive) throw std::runtime_error("zip_open_from_source failed");
  for (const auto& [name, content] : entries) {
    zip_source_t* src = zip_source_buffer(archive, content.data(), content.size(), 0);
    const zip_int64_t index = zip_file_add(archive, name.c_str(), src, ZIP_FL_OVERWRITE);
    if (index < 0) throw std::runtime_error("zip_file_add failed");
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 9);
  }
  if (zip_close(archive) != 0) throw std::runtime_error("zip_close failed");
  std::string out;
  zip_source_open(buffer);
  zip_source_seek(buffer, 0, SEEK_END);
  const zip_int64_t size = zip_source_tell(buffer);
  zip_source_seek(buffer, 0, SEEK_SET);
  out.resize(static_cast<size_t>(size));
  zip_source_read(buffer, out.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

namespace {
const char* const kWordNs =
    R"(xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" )"
    R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" )"
    R"(xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" )"
    R"(xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" )"
    R"(xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" )"
    R"(xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" )"
    R"(xmlns:v="urn:schemas-microsoft-com:vml")";

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}
}  // namespace

std::string docx_paragraph(const std::string& text) {
  return "<w:p><w:r><w:t xml:space=\"preserve\">" + xml_escape(text) + "</w:t></w:r></w:p>";
}

std::string make_docx(const std::string& body_xml, const std::string& header_xml, const std::string& footer_xml,
                      const std::string& styles_xml) {
  std::string sect = "<w:sectPr>";
  std::string rels = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
                     R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
  std::vector<std::pair<std::string, std::string>> entries;
  entries.push_back({"[Content_Types].xml",
                     R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
                     R"(<Default Extension="xml" ContentType="application/xml"/></Types>)"});
  if (!header_xml.empty()) {
    sect += R"(<w:headerReference w:type="default" r:id="rIdH1"/>)";
    rels += R"(<Relationship Id="rIdH1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>)";
    entries.push_back({"word/header1.xml", std::string("<?xml version=\"1.0\"?><w:hdr ") + kWordNs + ">" + header_xml + "</w:hdr>"});
  }
  if (!footer_xml.empty()) {
    sect += R"(<w:footerReference w:type="default" r:id="rIdF1"/>)";
    rels += R"(<Relationship Id="rIdF1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>)";
    entries.push_back({"word/footer1.xml", std::string("<?xml version=\"1.0\"?><w:ftr ") + kWordNs + ">" + footer_xml + "</w:ftr>"});
  }
  sect += "</w:sectPr>";
  rels += "</Relationships>";
  entries.push_back({"word/_rels/document.xml.rels", rels});
  if (!styles_xml.empty()) {
    entries.push_back({"word/styles.xml", std::string("<?xml version=\"1.0\"?><w:styles ") + kWordNs + ">" + styles_xml + "</w:styles>"});
  }
  entries.push_back({"word/document.xml", std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document ") + kWordNs +
                                              "><w:body>" + body_xml + sect + "</w:body></w:document>"});
  return make_zip(entries);
}

std::string write_temp_file(const std::string& name, const std::string& bytes) {
  const auto dir = std::filesystem::temp_directory_path() / ("hirelm_documents_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path.string();
}

size_t edit_distance(const std::string& a_utf8, const std::string& b_utf8) {
  auto decode = [](const std::string& s) {
    std::vector<char32_t> out;
    size_t pos = 0;
    while (pos < s.size()) out.push_back(documents::next_code_point(s, pos));
    return out;
  };
  const std::vector<char32_t> a = decode(a_utf8), b = decode(b_utf8);
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace hirelm::test
