// Throughput of text-PDF extraction (poppler text boxes + layout analysis + ink check + normalization)
// on a generated 50-page two-column resume-like PDF. Reports pages per second.
#include <benchmark/benchmark.h>
#include <cairo-pdf.h>
#include <cairo.h>

#include <string>

#include "screening/documents/document.h"

namespace {

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// 50 A4 pages: a banner, a 12-line sidebar and a 40-line main column, Chinese and English mixed.
std::string make_bench_pdf(int pages) {
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append, &out, 595, 842);
  cairo_t* cr = cairo_create(surface);
  cairo_select_font_face(cr, "WenQuanYi Zen Hei", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (int p = 0; p < pages; ++p) {
    cairo_set_font_size(cr, 16);
    cairo_move_to(cr, 40, 50);
    cairo_show_text(cr, ("张三 Zhang San — 后端工程师 Backend Engineer — page " + std::to_string(p + 1)).c_str());
    cairo_set_font_size(cr, 9);
    for (int i = 0; i < 12; ++i) {
      cairo_move_to(cr, 40, 100 + 15.0 * i);
      cairo_show_text(cr, ("技能 skill " + std::to_string(i) + ": Go, SQL").c_str());
    }
    cairo_set_font_size(cr, 11);
    for (int i = 0; i < 40; ++i) {
      cairo_move_to(cr, 200, 102 + 17.5 * i);
      cairo_show_text(cr, ("2019-2024 负责支付系统 built payment services line " + std::to_string(i)).c_str());
    }
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return out;
}

void BM_ExtractTextPdf(benchmark::State& state) {
  constexpr int kPages = 50;
  static const std::string pdf = make_bench_pdf(kPages);
  hirelm::documents::ExtractOptions options;
  options.enable_ocr = false;
  options.pdf_visibility_check = state.range(0) != 0;
  for (auto _ : state) {
    const auto doc = hirelm::documents::extract_document_bytes(pdf, "bench.pdf", options);
    benchmark::DoNotOptimize(doc.text.data());
  }
  state.counters["pages_per_s"] = benchmark::Counter(static_cast<double>(kPages) * state.iterations(),
                                                     benchmark::Counter::kIsRate);
  state.SetLabel(options.pdf_visibility_check ? "with ink check" : "no ink check");
}
BENCHMARK(BM_ExtractTextPdf)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
