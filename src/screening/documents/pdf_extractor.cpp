// PDF resumes: poppler-cpp text boxes + our own layout analysis; OCR for pages without a text layer.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "screening/documents/ocr.h"
#include "screening/documents/pdf_layout.h"
#include "screening/documents/raw_extraction.h"
#include "screening/documents/text_normalizer.h"
#include "util/error.h"

namespace hirelm::documents {
namespace {

// poppler reports syntax problems of every damaged file on stderr; intake reports them as one error or
// warning per file instead.
void silence_poppler() {
  static const bool once = [] {
    poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
    return true;
  }();
  (void)once;
}

std::string utf8_of(const poppler::ustring& s) {
  const poppler::byte_array bytes = s.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

bool has_word_characters(const std::string& text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = next_code_point(text, pos);
    if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp >= 0xC0) return true;
  }
  return false;
}

// A rendering of one page in 8-bit gray, to find words that leave no ink. 72 dpi (1 px per point), or
// less for pages so large that it would exceed ~4 megapixels.
class InkMap {
 public:
  InkMap(const poppler::page& page, const poppler::page_renderer& renderer) {
    const poppler::rectf rect = page.page_rect();
    const double area_in2 = rect.width() * rect.height() / (72.0 * 72.0);
    if (!(area_in2 > 0) || !std::isfinite(area_in2)) return;
    dpi_ = std::min(72.0, std::sqrt(4e6 / area_in2));
    image_ = renderer.render_page(&page, dpi_, dpi_);
  }

  bool valid() const { return image_.is_valid() && image_.format() == poppler::image::format_gray8; }

  // True if the box (in points, top-left origin) shows any contrast: glyphs drawn in any color on any
  // background leave some; white-on-white, invisible render mode and clipped-away text leave none.
  bool has_ink(double x0, double y0, double x1, double y1) const {
    const double scale = dpi_ / 72.0;
    const int px0 = static_cast<int>(std::clamp(std::floor(x0 * scale), 0.0, double(image_.width())));
    const int px1 = static_cast<int>(std::clamp(std::ceil(x1 * scale), 0.0, double(image_.width())));
    const int py0 = static_cast<int>(std::clamp(std::floor(y0 * scale), 0.0, double(image_.height())));
    const int py1 = static_cast<int>(std::clamp(std::ceil(y1 * scale), 0.0, double(image_.height())));
    if (px1 <= px0 || py1 <= py0) return false;  // entirely off the page
    int lo = 255, hi = 0;
    const char* data = image_.const_data();
    for (int y = py0; y < py1; ++y) {
      const auto* row = reinterpret_cast<const unsigned char*>(data + static_cast<ptrdiff_t>(y) * image_.bytes_per_row());
      for (int x = px0; x < px1; ++x) lo = std::min<int>(lo, row[x]), hi = std::max<int>(hi, row[x]);
    }
    return hi - lo >= kMinContrast;
  }

 private:
  static constexpr int kMinContrast = 24;
  double dpi_ = 72.0;
  poppler::image image_;
};

struct PageText {
  std::string text;
  bool had_text_layer = false;
};

PageText page_text(const poppler::page& page, const poppler::page_renderer& renderer, const ExtractOptions& options,
                   RawExtraction& result) {
  std::vector<poppler::text_box> boxes = page.text_list(poppler::page::text_list_include_font);
  PageText out;
  std::unique_ptr<InkMap> ink;
  // Only upright pages: for rotated ones the text and the rendering might not share coordinates, and a
  // wrong answer here would drop visible text.
  if (options.pdf_visibility_check && !boxes.empty() && page.orientation() == poppler::page::portrait) {
    ink = std::make_unique<InkMap>(page, renderer);
    if (!ink->valid()) ink.reset();
  }
  std::vector<WordBox> words;
  words.reserve(boxes.size());
  std::string hidden;
  for (const poppler::text_box& box : boxes) {
    std::string text = utf8_of(box.text());
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    out.had_text_layer = true;
    const poppler::rectf r = box.bbox();
    if (!std::isfinite(r.left()) || !std::isfinite(r.top()) || !std::isfinite(r.right()) || !std::isfinite(r.bottom())) {
      continue;  // a word without a position cannot be placed in reading order
    }
    const bool tiny = box.get_font_size() > 0 && box.get_font_size() < 1.0;
    const bool invisible = ink && has_word_characters(text) && !ink->has_ink(r.left(), r.top(), r.right(), r.bottom());
    if (tiny || invisible) {
      if (!hidden.empty()) hidden.push_back(' ');
      hidden += text;
      continue;
    }
    words.push_back({std::move(text), r.left(), r.top(), r.right(), r.bottom(), box.has_space_after()});
  }
  result.add_hidden(hidden);
  out.text = layout_page(words);
  return out;
}

// Renders a page for OCR at the configured resolution, capped at ~40 megapixels.
OcrResult ocr_page(const poppler::page& page, const ExtractOptions& options) {
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_gray8);
  const poppler::rectf rect = page.page_rect();
  double dpi = options.ocr_dpi;
  const double area_in2 = std::max(rect.width() * rect.height() / (72.0 * 72.0), 1e-6);
  dpi = std::min(dpi, std::sqrt(40e6 / area_in2));
  const poppler::image image = renderer.render_page(&page, dpi, dpi);
  if (!image.is_valid()) return {};
  RasterImage raster;
  raster.pixels = reinterpret_cast<const uint8_t*>(image.const_data());
  raster.width = image.width();
  raster.height = image.height();
  raster.bytes_per_row = image.bytes_per_row();
  raster.format = RasterImage::Format::kGray8;
  raster.dpi = static_cast<int>(dpi);
  return ocr_raster(raster, options.ocr_languages);
}

std::string page_list(const std::vector<int>& pages) {
  std::string out;
  for (int p : pages) out += (out.empty() ? "" : ",") + std::to_string(p);
  return out;
}

}  // namespace

RawExtraction extract_pdf(std::string_view bytes, const std::string& what, const ExtractOptions& options) {
  silence_poppler();
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    throw InvalidInputError(what + ": PDF too large");
  }
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) throw InvalidInputError(what + ": not a readable PDF (corrupt or truncated)");
  if (doc->is_locked()) throw UnsupportedError(what + ": PDF is encrypted with a password; cannot extract text");
  const int n_pages = doc->pages();
  if (n_pages <= 0) throw InvalidInputError(what + ": PDF has no pages");
  if (n_pages > options.max_pdf_pages) {
    throw InvalidInputError(what + ": PDF has " + std::to_string(n_pages) + " pages, expected at most " +
                            std::to_string(options.max_pdf_pages));
  }

  RawExtraction result;
  result.pages = n_pages;
  // A complete PDF ends with %%EOF (possibly followed by a newline or a little padding).
  const std::string_view tail = bytes.substr(bytes.size() > 1024 ? bytes.size() - 1024 : 0);
  if (tail.find("%%EOF") == std::string_view::npos) result.warn("possibly_truncated", "no %%EOF marker at the end");

  poppler::page_renderer ink_renderer;
  ink_renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  ink_renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  ink_renderer.set_image_format(poppler::image::format_gray8);

  const std::optional<std::string> ocr_missing =
      options.enable_ocr ? ocr_unavailable_reason(options.ocr_languages) : std::optional<std::string>("OCR disabled");
  std::vector<int> no_text_pages, ocr_pages, unreadable_pages;
  double confidence_sum = 0;
  int text_layer_pages = 0;
  for (int i = 0; i < n_pages; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) {
      unreadable_pages.push_back(i + 1);
      continue;
    }
    PageText text = page_text(*page, ink_renderer, options, result);
    if (!text.had_text_layer) {
      no_text_pages.push_back(i + 1);
      if (!ocr_missing) {
        OcrResult ocr = ocr_page(*page, options);
        text.text = std::move(ocr.text);
        confidence_sum += ocr.mean_confidence;
        ocr_pages.push_back(i + 1);
      }
    } else {
      ++text_layer_pages;
    }
    if (!result.text.empty() && !text.text.empty()) result.text += "\n\n";
    result.text += text.text;
  }
  result.method = (text_layer_pages == 0 && !ocr_pages.empty()) ? "pdf_ocr" : "pdf_text";
  if (!unreadable_pages.empty()) result.warn("possibly_truncated", "unreadable pages " + page_list(unreadable_pages));
  if (!no_text_pages.empty()) {
    result.warn("no_text_layer", "pages " + page_list(no_text_pages) + " of " + std::to_string(n_pages));
    if (ocr_missing && options.enable_ocr) result.warn("ocr_unavailable", *ocr_missing);
  }
  if (!ocr_pages.empty()) {
    const double mean = confidence_sum / static_cast<double>(ocr_pages.size());
    result.warn("ocr_used", "pages " + page_list(ocr_pages));
    if (mean < options.ocr_low_confidence) {
      result.warn("ocr_low_confidence", "mean confidence " + std::to_string(static_cast<int>(std::lround(mean))));
    }
  }
  return result;
}

}  // namespace hirelm::documents
